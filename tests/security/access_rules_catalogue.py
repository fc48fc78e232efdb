"""The access rules of the public catalogue (open to everyone, signed in or not), the
business's listing (its members see it, its owner decides) and the offices' collections
(a coordinator of the region makes and edits them); see access_rules.py."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from catalogue.models import Collection, Listing
from catalogue.services import collection_save, listing_consent_give
from tests.security.access_world import (
    ANONYMOUS,
    EVERYONE,
    MEMBERS,
    Rule,
    allow,
    everyone,
    product_name,
)

PUBLIC = 200  # what an anonymous visitor gets on a public page
EVERYBODY = EVERYONE | {ANONYMOUS}  # who reads a public page's products


def _certified(office, bring_to):
    return bring_to("certified")


def _listed(office, bring_to):
    """The office's product certified through the workflow, its business listed."""
    application = bring_to("certified")
    listing_consent_give(business=office.business, by=office.msme)
    return application


def _collection(published):
    def setup(office, bring_to):
        application = _listed(office, bring_to)
        collection = collection_save(
            by=office.coordinator,
            slug="expo-kediri",
            name="Expo Kediri",
            region=office.business.region,
            starts_on=date(2026, 8, 17),
            products=[office.product],
            published=published,
        )
        return application, {"collection": collection}

    return setup


def _product_url(name):
    return lambda w: reverse(name, args=[w.office.product.pk])


def _photo_url(w):
    photo = w.office.product.documents.filter(kind__key="product_photo").latest("pk")
    return reverse("catalogue:photo", args=[w.office.product.pk, photo.pk])


def _collection_url(name):
    return lambda w: reverse(name, args=[w.extra["collection"].slug])


def _listing_url(name):
    return lambda w: reverse(name, args=[w.office.business.pk])


def _collection_data(w):
    return {
        "name": "Expo Kediri Baru",
        "slug": "",
        "region": w.office.business.region.pk,
        "starts_on": "2026-09-01",
        "ends_on": "",
        "description_id": "",
        "description_en": "",
        "products": [w.office.product.pk],
        "published": "on",
    }


def _collections(w):
    return sorted(Collection.objects.values_list("slug", "name", "published_at"))


def _consents(w):
    return sorted(Listing.objects.values_list("business", "consented_at", "withdrawn_at"))


CATALOGUE_RULES = [
    Rule(
        "catalogue:list",
        "catalogue",
        lambda w: reverse("catalogue:list"),
        setup=_listed,
        allowed=everyone(),
        anonymous=PUBLIC,
        secret=product_name,
        shows_to=EVERYBODY,
        must_show=EVERYONE,
    ),
    Rule(
        "catalogue:product",
        "catalogue-product",
        _product_url("catalogue:product"),
        setup=_listed,
        allowed=everyone(),
        anonymous=PUBLIC,
    ),
    Rule(
        "catalogue:photo",
        "catalogue-photo",
        _photo_url,
        setup=_listed,
        allowed=everyone(),
        anonymous=PUBLIC,
    ),
    Rule(
        "sitemap",
        "sitemap",
        lambda w: reverse("sitemap"),
        setup=_listed,
        allowed=everyone(),
        anonymous=PUBLIC,
    ),
    Rule(
        "catalogue:collections",
        "catalogue-collections",
        lambda w: reverse("catalogue:collections"),
        setup=_collection(published=True),
        allowed=everyone(),
        anonymous=PUBLIC,
    ),
    Rule(
        "catalogue:collection",
        "catalogue-collection",
        _collection_url("catalogue:collection"),
        setup=_collection(published=True),
        allowed=everyone(),
        anonymous=PUBLIC,
        secret=product_name,
        shows_to=EVERYBODY,
        must_show=EVERYONE,
    ),
    Rule(
        "catalogue:collection",
        "catalogue-collection-draft",
        _collection_url("catalogue:collection"),
        setup=_collection(published=False),
        allowed=allow({"coordinator"}),
        anonymous=404,
    ),
    Rule(
        "catalogue:collection_new",
        "catalogue-collection-new",
        lambda w: reverse("catalogue:collection_new"),
        setup=_listed,
        method="GET+POST",
        # Every coordinator may make one, of their own regions' products only: the other
        # region's coordinator gets the form back, refused (tests/catalogue).
        allowed=allow({"coordinator", "foreign_coordinator"}),
        post_allowed=frozenset({"coordinator", "foreign_coordinator"}),
        data=_collection_data,
        actor="coordinator",
        effect=_collections,
    ),
    Rule(
        "catalogue:collection_edit",
        "catalogue-collection-edit",
        _collection_url("catalogue:collection_edit"),
        setup=_collection(published=True),
        method="GET+POST",
        allowed=allow({"coordinator"}),
        data=_collection_data,
        actor="coordinator",
        effect=_collections,
    ),
    Rule(
        "catalogue:listing",
        "catalogue-listing",
        _listing_url("catalogue:listing"),
        setup=_certified,
        method="GET+POST",
        allowed=allow(MEMBERS),  # the staff member sees it; only the owner decides
        post_allowed=frozenset({"msme"}),
        data=lambda w: {},
        actor="msme",
        effect=_consents,
    ),
    Rule(
        "catalogue:listing_withdraw",
        "catalogue-listing-withdraw",
        _listing_url("catalogue:listing_withdraw"),
        setup=_listed,
        method="POST",
        allowed=allow({"msme"}),
        data=lambda w: {},
        actor="msme",
        effect=_consents,
    ),
]
