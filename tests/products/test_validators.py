"""The business and product numbers an MSME types in (DOMAIN-FACTS.md section 3).

Each number is accepted as it is printed, with its usual punctuation, and refused with a
message that says what is expected, so the MSME can correct it without calling the office.
"""

import pytest
from django.core.exceptions import ValidationError

from products.validators import (
    format_number,
    normalize_number,
    validate_bpom_md,
    validate_gs1_barcode,
    validate_hs_code,
    validate_nib,
    validate_npwp,
    validate_pirt,
)

# GS1 check digits worked by hand (EAN-13: from the left, odd positions weigh 1, even 3):
# 899123456789: 8+27+9+3+2+9+4+15+6+21+8+27 = 139 -> (10 - 9) % 10 = 1
# 899000000000: 8+27+9 = 44                       -> (10 - 4) % 10 = 6
# 899000000002: 8+27+9 + 2*3 = 50                 -> (10 - 0) % 10 = 0
# 899276113622: 8+27+9+6+7+18+1+3+3+18+2+6 = 108  -> (10 - 8) % 10 = 2
GS1_VALID = ["8991234567891", "8990000000006", "8990000000020", "899 1234 56789 1"]
GS1_WRONG_CHECK_DIGIT = [("8991234567890", 1), ("8990000000009", 6), ("8990000000025", 0)]

VALID = [
    (validate_nib, "9120001234567"),
    (validate_nib, " 9120001234567 "),
    # The NPWP's check digit (python-stdnum, Luhn over the digits before it) worked by hand:
    # 01234567, every other digit doubled from the right (1->2, 3->6, 5->10->1, 7->14->5):
    # 0+2+2+6+4+1+6+5 = 26 -> (10 - 6) % 10 = 4.
    (validate_npwp, "012345674901000"),
    (validate_npwp, "01.234.567.4-901.000"),  # the legacy 15 digits as printed
    (validate_npwp, "0012345674901000"),  # the current 16 digits: 0 and the 15
    (validate_npwp, "3571 0112 3456 0001"),  # a NIK used as NPWP: it has no check digit
    (validate_pirt, "206357101012329"),
    (validate_pirt, "2063571010123-29"),
    (validate_pirt, "P-IRT No. 2063571010123-29"),  # copied from the label
    (validate_bpom_md, "MD224513001234"),
    (validate_bpom_md, "MD 224513001234"),
    (validate_bpom_md, "ML 224513001234"),
    (validate_bpom_md, "BPOM RI MD 224513001234"),
    (validate_bpom_md, "bpom ri md 224513001234"),
    *[(validate_gs1_barcode, number) for number in GS1_VALID],
    (validate_hs_code, "210390"),
    (validate_hs_code, "2103.90.90"),
    (validate_hs_code, "9206.00.10.00"),
]


@pytest.mark.parametrize(("validator", "value"), VALID, ids=[f"{v.__name__}:{n}" for v, n in VALID])
def test_a_valid_number_as_printed_is_accepted(validator, value):
    assert validator(value) is None


# Each refused number, and words the message must contain to tell the MSME what is expected.
INVALID = [
    (validate_nib, "912000123456", ["13 digits"]),  # 12 digits
    (validate_nib, "91200012345678", ["13 digits"]),  # 14 digits
    (validate_nib, "912000123456A", ["13 digits"]),
    (validate_nib, "", ["13 digits"]),
    (validate_npwp, "01.234.567.8-901.00", ["15 digits", "16 digits", "99.999.999.9-999.999"]),
    (validate_npwp, "00123456789010001", ["15 digits", "16 digits"]),  # 17 digits
    (validate_npwp, "01.234.567.8-901.00X", ["15 digits"]),
    (validate_npwp, "01.234.567.8-901.000", ["typing error", "digit 9, 8", "they give 4"]),
    (validate_npwp, "0012345678901000", ["typing error", "digit 10, 8", "they give 4"]),
    (validate_npwp, "01.234.576.4-901.000", ["typing error", "they give 5"]),  # 6 and 7 swapped
    (validate_pirt, "2063571010123-2", ["15 digits", "1234567890123-45"]),  # 14 digits
    (validate_pirt, "2063571010123-291", ["15 digits", "1234567890123-45"]),  # 16 digits
    (validate_pirt, "MD 224513001234", ["15 digits"]),
    (validate_bpom_md, "224513001234", ["MD or ML", "12 digits", "BPOM RI MD 123456789012"]),
    (validate_bpom_md, "MD 22451300123", ["MD or ML", "12 digits"]),  # 11 digits
    (validate_bpom_md, "MD 2245130012345", ["MD or ML", "12 digits"]),  # 13 digits
    (validate_bpom_md, "MK 224513001234", ["MD or ML"]),
    (validate_bpom_md, "BPOM RI SI 224513001234", ["MD or ML"]),
    (validate_gs1_barcode, "4901234567894", ["13 digits", "starts with 899"]),  # Japan's prefix
    (validate_gs1_barcode, "899123456789", ["13 digits", "starts with 899"]),  # 12 digits
    (validate_gs1_barcode, "89912345678912", ["13 digits"]),  # 14 digits
    *[
        (validate_gs1_barcode, number, [f"last digit of this barcode should be {expected}"])
        for number, expected in GS1_WRONG_CHECK_DIGIT
    ],
    (validate_hs_code, "2103", ["6 to 10 digits"]),  # a heading, not a subheading
    (validate_hs_code, "21039090001", ["6 to 10 digits"]),  # 11 digits
    (validate_hs_code, "2103.9O.90", ["6 to 10 digits"]),  # letter O for zero
]


@pytest.mark.parametrize(
    ("validator", "value", "expected"),
    INVALID,
    ids=[f"{v.__name__}:{n}" for v, n, _ in INVALID],
)
def test_an_invalid_number_is_refused_saying_what_is_expected(validator, value, expected):
    with pytest.raises(ValidationError) as refusal:
        validator(value)
    message = " ".join(refusal.value.messages)
    for words in expected:
        assert words in message


@pytest.mark.parametrize(
    ("digits", "check_digit"),
    [("899123456789", 1), ("899000000000", 6), ("899000000002", 0), ("899276113622", 2)],
)
def test_the_barcode_check_digit_is_the_hand_computed_one(digits, check_digit):
    assert validate_gs1_barcode(f"{digits}{check_digit}") is None
    with pytest.raises(ValidationError, match=f"should be {check_digit}"):
        validate_gs1_barcode(f"{digits}{(check_digit + 1) % 10}")


@pytest.mark.parametrize(
    ("kind", "printed", "stored"),
    [
        ("nib", "9120 0012 34567", "9120001234567"),
        ("npwp", "01.234.567.4-901.000", "012345674901000"),
        ("pirt", "2063571010123-29", "206357101012329"),
        ("pirt", "P-IRT No. 2063571010123-29", "206357101012329"),
        ("bpom_md", "BPOM RI MD 224513001234", "MD224513001234"),
        ("gs1_barcode", "899 1234 56789 1", "8991234567891"),
    ],
)
def test_a_number_is_stored_without_its_printed_punctuation(kind, printed, stored):
    assert normalize_number(kind, printed) == stored


@pytest.mark.parametrize(
    ("kind", "typed", "shown"),
    [
        ("npwp", "012345674901000", "01.234.567.4-901.000"),
        ("npwp", "01 234 567 4 901 000", "01.234.567.4-901.000"),
        ("npwp", "0012345674901000", "0012345674901000"),
        ("nib", "9120 0012 34567", "9120001234567"),
        ("pirt", "P-IRT No. 206357101012329", "2063571010123-29"),
        ("bpom_md", "BPOM RI MD 224513001234", "MD 224513001234"),
        ("gs1_barcode", "899 1234 56789 1", "8991234567891"),
        # Not its type's format (unconfirmed, or mistyped): as it was typed.
        ("halal", "HALAL-2024-0012", "HALAL-2024-0012"),
        ("npwp", "0123", "0123"),
        ("npwp", "", ""),
    ],
)
def test_a_number_is_shown_as_its_document_prints_it(kind, typed, shown):
    assert format_number(kind, typed) == shown
