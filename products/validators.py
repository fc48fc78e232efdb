"""Validators for the Indonesian business and product numbers an MSME types in.

Each one accepts the number as it is printed (with the usual dots, dashes and spaces),
refuses anything else with a message that says what is expected, and `normalize_*`
gives the stored form. Formats and sources: shared/domain/DOMAIN-FACTS.md section 3.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import ean, luhn
from stdnum.exceptions import InvalidChecksum
from stdnum.id import npwp

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
    cleaned = _check(
        value,
        r"\d{15}|\d{16}",
        _(
            "An NPWP has 15 digits (printed 99.999.999.9-999.999) "
            "or 16 digits (the current form, or a NIK)."
        ),
    )
    if is_nik_npwp(cleaned):
        # A person's NIK has no check digit; its layout is unconfirmed (DOMAIN-FACTS.md).
        return
    try:
        npwp.validate(cleaned)
    except InvalidChecksum:
        # The digit before the dash as printed (99.999.999.9-999.999) checks the ones before
        # it. Not "should be X": the wrong digit is as likely one of the others.
        position = 9 if len(cleaned) == 16 else 8
        raise ValidationError(
            _(
                "This NPWP has a typing error: its check digit (digit %(position)s, "
                "%(found)s) does not match the digits before it (they give %(expected)s). "
                "Compare each digit with your NPWP card."
            ),
            code="check_digit",
            params={
                "position": position + 1,
                "found": cleaned[position],
                "expected": luhn.calc_check_digit(cleaned[:position]),
            },
        ) from None


def is_nik_npwp(digits: str) -> bool:
    """Whether a 16-digit NPWP is a person's NIK (the entity form starts with 0)."""
    return len(digits) == 16 and not digits.startswith("0")


def npwp_16_digits(value: str) -> str:
    """The current 16-digit form of an NPWP: an entity's is 0 followed by its old 15 digits
    (DOMAIN-FACTS.md section 3); other values come back without punctuation."""
    cleaned = strip_punctuation(value)
    return "0" + cleaned if re.fullmatch(r"\d{15}", cleaned) else cleaned


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


def validate_gs1_barcode(value: str) -> None:
    cleaned = _check(
        value,
        r"899\d{10}",
        _("An Indonesian GS1 barcode (EAN-13) has 13 digits and starts with 899."),
    )
    try:
        ean.validate(cleaned)
    except InvalidChecksum:
        raise ValidationError(
            _("The last digit of this barcode should be %(expected)s: check for a typing error."),
            code="check_digit",
            params={"expected": ean.calc_check_digit(cleaned[:12])},
        ) from None


def validate_hs_code(value: str) -> None:
    _check(
        value,
        r"\d{6,10}",
        _("An HS code has 6 to 10 digits, for example 2103.90.90 (sauces)."),
    )


def validate_kbli(value: str) -> None:
    """A KBLI 2020 code: the 5 digits of a business's sector (the first two its
    division, 01 to 99)."""
    cleaned = _check(
        value,
        r"\d{5}",
        _("A KBLI code has 5 digits, for example 10792 (snack foods) or 14111 (garments)."),
    )
    if cleaned.startswith("00"):
        raise ValidationError(
            _("A KBLI code starts with its division, 01 to 99: %(value)s is not one."),
            code="invalid",
            params={"value": value},
        )


# The earliest year founded the registry accepts: older ones are typing errors.
EARLIEST_FOUNDED_YEAR = 1900


def validate_founded_year(value: int) -> None:
    this_year = timezone.localdate().year
    if not EARLIEST_FOUNDED_YEAR <= value <= this_year:
        raise ValidationError(
            _("Give the year founded between %(earliest)s and %(this_year)s."),
            # Not "invalid": an IntegerField would show its own message for that code.
            code="year_range",
            params={"earliest": EARLIEST_FOUNDED_YEAR, "this_year": this_year},
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


def format_number(kind: str, value: str) -> str:
    """A number as its document prints it, the same on every page and PDF that shows it.

    The legacy 15-digit NPWP as 99.999.999.9-999.999, a P-IRT as 1234567890123-45, a BPOM
    number as MD 123456789012; an NIB, a 16-digit NPWP and a barcode as their digits. A
    number without its type's format (one of an unconfirmed format, or of another type) is
    shown as it was typed.
    """
    value = (value or "").strip()
    number = normalize_number(kind, value)
    match kind:
        case "npwp" if re.fullmatch(r"\d{15}", number):
            return npwp.format(number)
        case "npwp" if re.fullmatch(r"\d{16}", number):
            return number
        case "pirt" if re.fullmatch(r"\d{15}", number):
            return f"{number[:13]}-{number[13:]}"
        case "bpom_md" if re.fullmatch(r"M[DL]\d{12}", number):
            return f"{number[:2]} {number[2:]}"
        case "nib" | "gs1_barcode" if re.fullmatch(r"\d{13}", number):
            return number
    return value


# Web addresses and phone numbers a business gives buyers (`products.models.links`, the
# export contact on `Business`).

_PHONE = re.compile(r"^(?:\+?62|0)(\d{8,13})$")
_INTERNATIONAL_PHONE = re.compile(r"^\+([1-9]\d{7,14})$")


def normalize_phone(value: str) -> str:
    """`value` as dialled from anywhere: an Indonesian number (0812..., 62812...,
    +62812...) as +62812..., another country's as typed with its +, without spaces or
    punctuation; ValidationError for anything else."""
    digits = re.sub(r"[\s().\-]", "", value or "")
    if match := _PHONE.match(digits):
        return "+62" + match.group(1)
    if _INTERNATIONAL_PHONE.match(digits):
        return digits
    raise ValidationError(
        _(
            "Enter a phone number, for example 0812 3456 7890 or +62 812 3456 7890 "
            "(another country's number with its + code)."
        ),
        code="phone",
    )


def validate_phone(value: str) -> None:
    normalize_phone(value)
