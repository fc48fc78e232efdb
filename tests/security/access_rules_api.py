"""The access rules of the API beyond the applications (products, certificates, the public
catalogue, enquiries) and of the account's API tokens; see access_rules.py."""

from __future__ import annotations

from django.urls import reverse

from api_tokens.models import ApiToken
from api_tokens.services import create_token
from catalogue.enquiries import enquiry_send
from catalogue.models import Enquiry
from catalogue.services import listing_consent_give
from tests.security.access_world import (
    ANONYMOUS,
    API_REFUSED,
    EVERYONE,
    MEMBERS,
    REGION_STAFF,
    SEES,
    Rule,
    _certified_and_shared,
    allow,
    everyone,
    product_name,
)


def _listed(office, bring_to):
    application = bring_to("certified")
    listing_consent_give(business=office.business, by=office.msme)
    return application


def _enquired(office, bring_to):
    application = _listed(office, bring_to)
    enquiry = enquiry_send(
        product=office.product,
        buyer_type="abroad",
        name="Anna de Vries",
        company="Tropische Smaak B.V.",
        country="Netherlands",
        email="anna@tropischesmaak.example",
        message="A price for 2,000 jars, please.",
    )
    return application, {"enquiry": enquiry}


def _enquiries(w):
    return sorted(Enquiry.objects.values_list("pk", "status"))


ENQUIRY_DATA = {
    "buyer_type": "abroad",
    "name": "Kenji Sato",
    "company": "Tokyo Foods KK",
    "country": "Japan",
    "email": "kenji@tokyofoods.example",
    "quantity": "500 jars",
    "message": "Do you ship to Yokohama?",
}


def _with_token(office, bring_to):
    token, _secret = create_token(office.msme, name="Order system", scope="read")
    return None, {"token": token}


def _tokens(w):
    return sorted(ApiToken.objects.values_list("pk", "revoked_at"))


API_RULES = [
    Rule(
        "api_products",
        "api-products",
        lambda w: reverse("api_products"),
        allowed=everyone(),  # each reads their own: an empty list for non-members
        anonymous=API_REFUSED,
        secret=product_name,
        shows_to=MEMBERS,
        must_show=MEMBERS,
    ),
    Rule(
        "api_product",
        "api-product",
        lambda w: reverse("api_product", args=[w.office.product.pk]),
        allowed=allow(MEMBERS),
        anonymous=API_REFUSED,
    ),
    Rule(
        "api_certificates",
        "api-certificates",
        lambda w: reverse("api_certificates"),
        setup=_certified_and_shared,
        allowed=everyone(),
        anonymous=API_REFUSED,
        secret=product_name,
        shows_to=SEES | {"exporter"},
        must_show=SEES | {"exporter"},
    ),
    Rule(
        "api_certificate",
        "api-certificate",
        lambda w: reverse("api_certificate", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        allowed=allow(SEES | {"exporter"}),
        anonymous=API_REFUSED,
    ),
    Rule(
        "api_catalogue",
        "api-catalogue",
        lambda w: reverse("api_catalogue"),
        setup=_listed,
        allowed=everyone(),
        anonymous=200,
        secret=product_name,
        shows_to=EVERYONE | {ANONYMOUS},
        must_show=EVERYONE,
    ),
    Rule(
        "api_catalogue_entry",
        "api-catalogue-entry",
        lambda w: reverse("api_catalogue_entry", args=[w.office.product.pk]),
        setup=_listed,
        allowed=everyone(),
        anonymous=200,
    ),
    Rule(
        "api_enquiries",
        "api-enquiries",
        lambda w: reverse("api_enquiries"),
        setup=_enquired,
        allowed=everyone(),
        anonymous=API_REFUSED,
        secret=lambda w: w.extra["enquiry"].message,
        shows_to=MEMBERS,
        must_show=MEMBERS,
    ),
    Rule(
        "api_enquiry",
        "api-enquiry",
        lambda w: reverse("api_enquiry", args=[w.extra["enquiry"].pk]),
        setup=_enquired,
        allowed=allow(MEMBERS),
        anonymous=API_REFUSED,
    ),
    # Buyers' enquiries: anyone sends one from a product page; the business's members read
    # them; the office sees counts per product (tests/catalogue/test_enquiries.py).
    Rule(
        "catalogue:enquire",
        "enquire",
        lambda w: reverse("catalogue:enquire", args=[w.office.product.pk]),
        setup=_listed,
        method="POST",
        allowed=everyone(302),
        anonymous=302,
        data=lambda w: ENQUIRY_DATA,
        actor="outsider",
        effect=_enquiries,
    ),
    Rule(
        "catalogue:enquiry_sent",
        "enquiry-sent",
        # Only the browser that just sent one sees it; anyone else goes to the product page.
        lambda w: reverse("catalogue:enquiry_sent", args=[w.office.product.pk]),
        setup=_enquired,
        allowed=everyone(302),
        anonymous=302,
    ),
    Rule(
        "catalogue:enquiries",
        "enquiries",
        lambda w: reverse("catalogue:enquiries"),
        setup=_enquired,
        allowed=everyone(),
        secret=lambda w: w.extra["enquiry"].company,
        shows_to=MEMBERS,
        must_show=MEMBERS,
    ),
    Rule(
        "catalogue:enquiry",
        "enquiry",
        lambda w: reverse("catalogue:enquiry", args=[w.extra["enquiry"].pk]),
        setup=_enquired,
        allowed=allow(MEMBERS),
    ),
    Rule(
        "catalogue:enquiry_counts",
        "enquiry-counts",
        lambda w: reverse("catalogue:enquiry_counts"),
        setup=_enquired,
        allowed=allow(REGION_STAFF | {"lead", "curator", "spare_curator", "foreign_coordinator"}),
        secret=product_name,
        shows_to=REGION_STAFF | {"lead", "curator", "spare_curator"},
    ),
    # Everyone's own tokens page; a token is revoked by its owner alone.
    Rule(
        "api_tokens:list",
        "api-tokens",
        lambda w: reverse("api_tokens:list"),
        allowed=everyone(),
    ),
    Rule(
        "api_tokens:revoke",
        "api-token-revoke",
        lambda w: reverse("api_tokens:revoke", args=[w.extra["token"].pk]),
        setup=_with_token,
        method="POST",
        allowed=allow({"msme"}),
        actor="msme",
        effect=_tokens,
    ),
]
