"""What a document's number says that the rest of the data should agree with, and the
doubts and advice an upload shows about it.

A P-IRT number carries the code of the regency or city whose health office issued it
(digits 4 to 7: 3571 for Kota Kediri, 35.71) and the year it expires (its last two
digits), DOMAIN-FACTS.md section 3. When one of them disagrees with the business's region
or with the document's expiry date, something is wrong, but only the MSME can tell what: a
typing error, a permit of the regency where the business produced before (void once
production moves), a wrong region in the profile. So the upload is held with the doubt
shown until the MSME confirms the number (`UnconfirmedNumber`), instead of being refused.

An NPWP of the legacy 15 digits stays valid; the MSME is advised to use the 16-digit form
the tax office uses since 2024.
"""

import re
from collections.abc import Iterable, Mapping
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from kernel.errors import Messages, WorkflowError
from products.models import Business, DocumentType, Region
from products.validators import format_number, normalize_number, npwp_16_digits


class UnconfirmedNumber(WorkflowError):
    """An upload held until the MSME confirms the number: `doubts` say what disagrees with
    it; `fields`, as for any refusal, what must be corrected anyway."""

    def __init__(self, doubts: Iterable[str], *, fields: Mapping[str, Messages] | None = None):
        self.doubts = [str(doubt) for doubt in doubts]
        super().__init__(self.doubts, fields=fields)


def pirt_doubts(number: str, *, business: Business, expires_on: date | None) -> list[str]:
    """What a valid P-IRT `number` says that disagrees with the region of `business` or with
    the expiry date (empty when they agree)."""
    digits = normalize_number("pirt", number)
    doubts = []
    code = f"{digits[3:5]}.{digits[5:7]}"
    region = business.region
    if code != region.code:
        issuer = Region.objects.filter(code=code).first()
        doubts.append(
            _(
                "Digits 4 to 7 of this P-IRT number (%(digits)s) are the code of %(issuer)s, "
                "but %(business)s is registered in %(region)s. A P-IRT is issued by the "
                "regency or city where the food is made and is void once production moves: "
                "check the number, and the region in the business profile."
            )
            % {
                "digits": digits[3:7],
                "issuer": issuer or _("regency or city %(code)s") % {"code": code},
                "business": business.name,
                "region": region,
            }
        )
    if expires_on is not None and 2000 + int(digits[13:]) != expires_on.year:
        doubts.append(
            _(
                "The last two digits of this P-IRT number (%(digits)s) say it expires in "
                "%(year)s, but the expiry date is %(date)s. Check both."
            )
            % {
                "digits": digits[13:],
                "year": 2000 + int(digits[13:]),
                "date": formats.date_format(expires_on),
            }
        )
    return doubts


def number_warnings(kind: DocumentType, number: str, business: Business) -> list[str]:
    """What is accepted about a valid `number` of a `kind` document of `business` but
    deserves a second look."""
    found = [
        unconfirmed_format_warning(kind, number),
        profile_number_warning(kind, number, business),
        npwp_advice(number) if kind.key == "npwp" else None,
    ]
    return [warning for warning in found if warning]


def unconfirmed_format_warning(kind: DocumentType, number: str) -> str | None:
    """A doubt about a number whose format is not confirmed (accepted, but worth a look)."""
    if not number or not kind.number_pattern or kind.number_confirmed:
        return None
    if re.fullmatch(kind.number_pattern, normalize_number(kind.key, number)):
        return None
    return _(
        "The number %(number)s does not have the usual format of a %(document)s. It was "
        "accepted because that format is not confirmed: check it against the document."
    ) % {"number": number, "document": kind.label}


def profile_number_warning(kind: DocumentType, number: str, business: Business) -> str | None:
    """A doubt about an NIB or NPWP document whose number is not the business profile's
    (accepted: the profile may be the one that is wrong). An NPWP's 15 and 16-digit forms
    are the same number."""
    if kind.key not in ("nib", "npwp"):
        return None
    profile = getattr(business, kind.key)
    if kind.key == "npwp":
        same = npwp_16_digits(number) == npwp_16_digits(profile)
    else:
        same = normalize_number(kind.key, number) == normalize_number(kind.key, profile)
    if same:
        return None
    return _(
        "The number on this %(document)s is not the one in the business "
        "profile (%(profile)s). Check which one is right."
    ) % {"document": kind.label, "profile": format_number(kind.key, profile)}


def npwp_advice(number: str) -> str | None:
    """Advice for a valid NPWP of the legacy 15 digits, or None."""
    digits = normalize_number("npwp", number)
    if not re.fullmatch(r"\d{15}", digits):
        return None
    return _(
        "The NPWP %(npwp)s has the 15 digits used until 2023 and is accepted. Since 2024 the "
        "tax office uses 16 digits: a person's NIK, or for a business entity 0 followed by "
        "the 15 digits (%(current)s). Use the 16-digit form when you can."
    ) % {"npwp": format_number("npwp", digits), "current": npwp_16_digits(digits)}
