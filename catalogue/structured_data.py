"""What a shared page tells machines: the OpenGraph tags a WhatsApp or Facebook preview
reads, and the schema.org Product a search engine reads (JSON-LD).

The JSON-LD is built here as data and serialised with `json.dumps`, never assembled in a
template, so any product name or description is valid JSON; `<`, `>` and `&` are escaped
as \\u003c... so nothing in it can close the <script> block it is printed in (as Django's
`json_script` does).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from catalogue.language import OG_LOCALES
from certificates.models import Certificate

SITE_NAME = "Siap Ekspor"
# What previews show of a description before cutting it.
PREVIEW_CHARACTERS = 200

_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_for_script(data: Any) -> SafeString:
    """`data` as JSON that is safe inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 (escaped above)


def preview_text(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(PREVIEW_CHARACTERS)


def open_graph(
    *,
    title: str,
    description: str,
    url: str,
    language: str,
    image: str | None = None,
    kind: str = "website",
) -> list[tuple[str, str]]:
    """(property, content) of each OpenGraph tag of a page."""
    tags = [
        ("og:type", kind),
        ("og:site_name", SITE_NAME),
        ("og:title", title),
        ("og:description", preview_text(description)),
        ("og:url", url),
        ("og:locale", OG_LOCALES.get(language, language)),
    ]
    tags += [
        ("og:locale:alternate", locale) for code, locale in OG_LOCALES.items() if code != language
    ]
    if image:
        tags += [("og:image", image), ("og:image:alt", title)]
    return tags


def product_json_ld(
    entry: Certificate,
    *,
    url: str,
    images: list[str],
    verification_url: str,
    product_links: Sequence[str] = (),
    business_links: Sequence[str] = (),
) -> SafeString:
    """The schema.org Product of a catalogue entry, in the active language: the product,
    its maker, its certificate (a Certification), and an Offer saying where it is
    certified to be sold. No price: the catalogue shows none (a buyer asks the business).

    The product's own pages elsewhere (its marketplace listings) are its `sameAs`; the
    business's website, shops and social pages its maker's; the export contact only as
    far as the business chose to show it (`Business.public_contact`)."""
    product = entry.product
    business = product.business
    maker = {
        "@type": "Organization",
        "name": business.name,
        "address": {
            "@type": "PostalAddress",
            "addressRegion": business.region.name,
            "addressCountry": "ID",
        },
        "sameAs": list(business_links),
    }
    contact = business.public_contact
    if contact is not None:
        maker["contactPoint"] = _without_empty(
            {
                "@type": "ContactPoint",
                "contactType": "sales",
                "name": contact.name,
                "email": contact.email,
                "telephone": contact.phone,
            }
        )
    properties = [
        {"@type": "PropertyValue", "name": _("Export readiness grade"), "value": entry.grade}
    ]
    if product.monthly_capacity:
        properties.append(
            {
                "@type": "PropertyValue",
                "name": _("Monthly capacity"),
                "value": _number(product.monthly_capacity),
                "unitText": product.capacity_unit,
            }
        )
    if product.hs_code:
        properties.append(
            {"@type": "PropertyValue", "name": _("HS code"), "value": product.hs_code}
        )
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": url,
        "description": product.description,
        "category": product.category.label,
        "image": images,
        "sameAs": list(product_links),
        "brand": {"@type": "Brand", "name": business.name},
        "manufacturer": _without_empty(maker),
        "countryOfOrigin": {"@type": "Country", "name": "Indonesia"},
        "additionalProperty": properties,
        "hasCertification": {
            "@type": "Certification",
            "name": _("Export readiness certificate"),
            "certificationIdentification": entry.number,
            "certificationStatus": "https://schema.org/CertificationActive",
            "issuedBy": {"@type": "GovernmentOrganization", "name": _office_name(entry)},
            "validFrom": timezone.localdate(entry.issued_at),
            "expires": entry.valid_until,
            "url": verification_url,
        },
        "offers": {
            "@type": "Offer",
            "url": url,
            "itemCondition": "https://schema.org/NewCondition",
            "seller": _without_empty(maker),
            "eligibleRegion": [{"@type": "Country", "name": name} for name in entry.market_names],
        },
    }
    return json_for_script(_without_empty(data))


def _number(value: Decimal) -> int | float:
    """A JSON number, not the text DjangoJSONEncoder makes of a Decimal: 300, 12.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def _office_name(entry: Certificate) -> str:
    return _("Curation office of %(region)s") % {"region": entry.region.name}


def _without_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}
