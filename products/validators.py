"""Validators for the Indonesian business and product numbers an MSME types in.

Each one accepts the number as it is printed (with the usual dots, dashes and spaces),
refuses anything else with a message that says what is expected, and `normalize_*`
gives the stored form. Formats and sources: shared/domain/DOMAIN-FACTS.md section 3.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PUNCTUATION = re.compile(r"[\s.\-/]")


def strip_punctuation(value: str) -> str:
    return _PUNCTUATION.sub("", value or "").upper()


def _check(value: str, pattern: str, message) -> str:
    cleaned = strip_punctuation(value)
    if not re.fullmatch(pattern, cleaned):
        raise ValidationError(message, code="invalid", params={"value": value})
    return cleaned


def validate_nib(value: str) -> None:
    _check(value, r"\d{13}", _("An NIB has exactly 13 digits, for example 1234567890123."))


def validate_npwp(value: str) -> None:
    _check(
        value,
        r"\d{15}|\d{16}",
        _(
            "An NPWP has 15 digits (printed 99.999.999.9-999.999) "
            "or 16 digits (the current form, or a NIK)."
        ),
    )


# The prefixes printed before a number on a label, which an MSME may copy with it.
_LABEL_PREFIXES = {"pirt": re.compile(r"^PIRT(NO)?"), "bpom_md": re.compile(r"^BPOMRI")}


def _without_label_prefix(kind: str, value: str) -> str:
    return _LABEL_PREFIXES[kind].sub("", strip_punctuation(value))


def validate_pirt(value: str) -> None:
    # Labels print "P-IRT No. 1234567890123-45".
    if not re.fullmatch(r"\d{15}", _without_label_prefix("pirt", value)):
        raise ValidationError(
            _("A P-IRT number has 15 digits, printed as 1234567890123-45."), code="invalid"
        )


def validate_bpom_md(value: str) -> None:
    if not re.fullmatch(r"M[DL]\d{12}", _without_label_prefix("bpom_md", value)):
        raise ValidationError(
            _(
                "A BPOM number is MD or ML followed by 12 digits, for example BPOM RI MD 123456789012."
            ),
            code="invalid",
        )


def gs1_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for the digits before it (weights 3,1,3,... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def validate_gs1_barcode(value: str) -> None:
    cleaned = _check(
        value,
        r"899\d{10}",
        _("An Indonesian GS1 barcode (EAN-13) has 13 digits and starts with 899."),
    )
    expected = gs1_check_digit(cleaned[:12])
    if int(cleaned[12]) != expected:
        raise ValidationError(
            _("The last digit of this barcode should be %(expected)s: check for a typing error."),
            code="check_digit",
            params={"expected": expected},
        )


def validate_hs_code(value: str) -> None:
    _check(
        value,
        r"\d{6,10}",
        _("An HS code has 6 to 10 digits, for example 2103.90.90 (sauces)."),
    )


# Validators by document type key, for the numbers on uploaded documents. Only formats
# confirmed by a source are enforced; unconfirmed ones (halal, trademark) are accepted
# with a warning, see `number_warning`.
DOCUMENT_NUMBER_VALIDATORS = {
    "nib": validate_nib,
    "npwp": validate_npwp,
    "pirt": validate_pirt,
    "bpom_md": validate_bpom_md,
    "gs1_barcode": validate_gs1_barcode,
}


def normalize_number(kind: str, value: str) -> str:
    """The stored form of a number: digits (and letters where they belong), no punctuation."""
    if kind in _LABEL_PREFIXES:
        return _without_label_prefix(kind, value)
    return strip_punctuation(value)
