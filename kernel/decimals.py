"""Numbers as people type them, in either language: "2,40" and "2.40" are both two point
four, in Indonesian and in English pages, and a grouped number reads as its writer meant
it ("1.234,5" in Indonesian is one thousand two hundred thirty-four and a half, never
1.2345).

The rule, for a number typed with separators:

- both a comma and a point: the last one is the decimal separator, the other groups
  thousands ("1.234,5", "1,234.5");
- one of them several times: it groups thousands ("1.234.567");
- one of them once: a decimal separator ("2,40", "2.40", "0.5"), except when exactly
  three digits follow it and it is the reader's thousands separator: an Indonesian's
  "2.500" is two thousand five hundred, an English reader's "2,500" too.

Groups must be of three digits ("1.23.4" is not a number).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import formats

_SPACES = re.compile(r"[\s\u00a0\u202f]")


class NotANumber(ValueError):
    """The text is not a number in either way of writing one."""


def _ungroup(text: str, separator: str) -> str:
    if separator not in text:
        return text
    if not re.fullmatch(r"\d{1,3}(?:" + re.escape(separator) + r"\d{3})+", text):
        raise NotANumber(text)
    return text.replace(separator, "")


def parse_decimal(text: str) -> Decimal:
    """`text` as a Decimal, written either way (see the module); NotANumber otherwise."""
    value = _SPACES.sub("", str(text))
    sign = ""
    if value and value[0] in "+-":
        sign, value = value[0], value[1:]
    if not value or not re.fullmatch(r"[\d.,]+", value) or not value[0].isdigit():
        raise NotANumber(text)
    comma, point = value.rfind(","), value.rfind(".")
    if comma >= 0 and point >= 0:
        decimal_sep = "," if comma > point else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _, fraction = value.rpartition(decimal_sep)
        whole = _ungroup(whole, group_sep)
    elif comma >= 0 or point >= 0:
        sep = "," if comma >= 0 else "."
        if value.count(sep) > 1:
            whole, fraction = _ungroup(value, sep), ""
        else:
            whole, _, fraction = value.partition(sep)
            reader_groups = formats.get_format("THOUSAND_SEPARATOR") == sep
            if len(fraction) == 3 and reader_groups and len(whole) <= 3 and whole[0] != "0":
                whole, fraction = whole + fraction, ""
    else:
        whole, fraction = value, ""
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        raise NotANumber(text)
    try:
        return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")
    except InvalidOperation:
        raise NotANumber(text) from None


class DecimalInput(forms.TextInput):
    """A text box for a decimal number: a phone's decimal keypad, and no browser check of
    its own (a number box refuses "2,40" before the server sees it)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class TypedDecimalField(forms.DecimalField):
    """A DecimalField that reads "2,40" and "2.40" alike (`parse_decimal`) and shows its
    value as the reader writes it (2,40 in Indonesian, 2.40 in English: `localize`)."""

    widget = DecimalInput

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", DecimalInput)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(str(value))
        except NotANumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
