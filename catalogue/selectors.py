"""Reading the catalogue: which products are in it, narrowed by the list's filters, with
their photos; the collections; and a business's own listing.

An entry of the catalogue is a certificate: the live one (valid by its status, not past
its date) of a product whose business's consent stands. Nothing about it is stored, so a
revocation, a renewal's supersession, the day after the last valid day or a withdrawn
consent takes the product out on the next request. A product has at most one live
certificate: a renewal supersedes the previous one in the transaction that issues it
(`certificates.issuing`).

The list finds, counts and pages its products in a copy of what it sorts and filters on
(`ListedProduct`, one narrow row per listed product, kept current by `catalogue.listed`),
so that a page costs about the same among 20,000 products as among 200; the page's own
entries are then read from the certificates by id, with the live conditions checked
again (`entries_with_ids`).

Every page reads a fixed number of queries whatever the catalogue's size: an entry comes
with its product, business, regions and category joined, and the photos of a page's
products in one more query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from assessments.models import Rubric
from catalogue.listed import CONSENTED
from catalogue.models import Collection, ListedProduct, Listing
from catalogue.permissions import can_edit_collection
from certificates.models import Certificate, CertificateQuerySet, Verdict
from kernel.roles import Role, user_roles
from products.models import Business, Category, Document, Link, Market, Product, Region
from products.permissions import staff_region_ids

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser

# The documents shown as the product's photos, in this order: the product, then its
# packaging (the label a buyer will see).
PHOTO_KINDS = ("product_photo", "packaging_photo")
# Words of a search that count; the rest are ignored (each word is one more condition).
SEARCH_WORDS = 5


def live_certificates(today: date | None = None) -> CertificateQuerySet:
    """Certificates that are valid today: not revoked or superseded, not expired."""
    return Certificate.objects.with_verdict(Verdict.VALID, today)


def catalogue_entries(today: date | None = None) -> CertificateQuerySet:
    """The catalogue: the live certificate of every product whose business's consent
    stands, with what a list row shows joined in, by product name."""
    return (
        live_certificates(today)
        # One join to the listing: a business without one has no consent (NULL here).
        .filter(CONSENTED)
        .select_related("product__business__region", "product__category", "region")
        # The export dossier's data (kilobytes of JSON a certificate) is never shown here.
        .defer("dossier")
        .order_by("product__name", "product_id")
    )


@dataclass(frozen=True)
class CatalogueFilters:
    """What a buyer narrowed the list to (empty: anything)."""

    query: str = ""
    category: str = ""  # Category.key
    region: str = ""  # Region.code of the business
    market: str = ""  # Market.key the product is certified for
    grade: str = ""

    @property
    def any(self) -> bool:
        return any((self.query, self.category, self.region, self.market, self.grade))


def listed_products(today: date | None = None) -> QuerySet[ListedProduct]:
    """The list, from its copy: the listed products whose certificate is valid today (a
    revocation or withdrawal has deleted the row already; an expiry is this comparison),
    by product name."""
    return ListedProduct.objects.filter(valid_until__gte=today or timezone.localdate()).order_by(
        "name", "product_id"
    )


def filter_listed(
    listed: QuerySet[ListedProduct], filters: CatalogueFilters, choices: FilterChoices
) -> QuerySet[ListedProduct]:
    """The list narrowed by the filters (each a value that `choices` offers: the form has
    checked). By the ids of the category and region, which the choices hold: the planner
    then knows how many rows each has, and walks the index of the category or region in
    name order rather than the whole list."""
    if filters.category:
        categories = {category.key: category.pk for category in choices.categories}
        listed = listed.filter(category=categories.get(filters.category))
    if filters.region:
        regions = {region.code: region.pk for region in choices.regions}
        listed = listed.filter(region=regions.get(filters.region))
    if filters.market:
        # The markets certified for, as the certificate states them (the certified
        # application's, which no longer change).
        listed = listed.filter(markets__contains=f" {filters.market} ")
    if filters.grade:
        listed = listed.filter(grade=filters.grade)
    words = filters.query.split()[:SEARCH_WORDS]
    for word in words:
        # Every word somewhere: "kopi kediri" finds Kediri's coffee, not all coffee. In
        # the copy's text (names, description; a trigram index on PostgreSQL), or the
        # first digits of the HS code.
        listed = listed.filter(Q(text__contains=word.lower()) | Q(hs_code__startswith=word))
    if words:
        # What a search finds is sorted by name, rather than found by walking the whole
        # list in name order: a common word's products need not come first.
        listed = listed.order_by(Concat("name", Value("")), "product_id")
    return listed


def entries_with_ids(
    certificate_ids: Iterable[int], today: date | None = None
) -> list[Certificate]:
    """The catalogue entries of these certificates (a page of the list), in this order,
    joined as the list shows them. Read from the certificates and consents themselves, so
    an entry is shown only if it is in the catalogue now, whatever its copy says."""
    ids = list(certificate_ids)
    found = {entry.pk: entry for entry in catalogue_entries(today).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@dataclass(frozen=True)
class FilterChoices:
    categories: list[Category]
    regions: list[Region]
    markets: list[Market]
    grades: list[str]


def filter_choices(listed: QuerySet[ListedProduct]) -> FilterChoices:
    """What the list's filters offer: every category and market, the regions and grades
    that the catalogue has (five queries, whatever its size: a region or grade is offered
    when one product of it is found, not counted)."""
    bands = Rubric.objects.values_list("grades", flat=True)
    grades = sorted({band["grade"] for rubric in bands for band in rubric})
    # One row whose columns say which of the rubrics' grades the list has (none if the
    # list is empty).
    found = list(
        listed.order_by().values(
            **{f"g{n}": Exists(listed.filter(grade=grade)) for n, grade in enumerate(grades)}
        )[:1]
    )
    present = dict(found[0]) if found else {}
    return FilterChoices(
        categories=list(Category.objects.order_by("key")),
        regions=list(
            Region.objects.filter(Exists(listed.filter(region=OuterRef("pk")))).order_by("name")
        ),
        markets=list(Market.objects.order_by("key")),
        grades=[grade for n, grade in enumerate(grades) if present.get(f"g{n}")],
    )


@dataclass(frozen=True)
class Photo:
    pk: int
    product_id: int
    kind: str


def photos_of(product_ids: Iterable[int]) -> dict[int, list[Photo]]:
    """{product id: its photos}, product photos first and the newest first, for many
    products in one query. Only images: a PDF uploaded as a photo is not drawn."""
    found: dict[int, list[Photo]] = defaultdict(list)
    rows = (
        Document.objects.filter(
            product__in=list(product_ids),
            kind__key__in=PHOTO_KINDS,
            content_type__startswith="image/",
        )
        .order_by("-uploaded_at", "-pk")
        .values_list("pk", "product_id", "kind__key")
    )
    for pk, product_id, kind in rows:
        found[product_id].append(Photo(pk, product_id, kind))
    for photos in found.values():
        photos.sort(key=lambda photo: PHOTO_KINDS.index(photo.kind))  # stable: newest first
    return found


def get_entry(product_pk: int | str) -> Certificate:
    """A product's catalogue entry, with the business's listing (its links); 404 when the
    product is not in the catalogue now."""
    entry = (
        catalogue_entries()
        .select_related("product__business__catalogue_listing")
        .filter(product_id=product_pk)
        .order_by("-issued_at", "-pk")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


@dataclass(frozen=True)
class PublicLinks:
    product: list[Link]
    business: list[Link]


def public_links(product: Product) -> PublicLinks:
    """The product's web addresses and its business's own, in one query."""
    links = Link.objects.filter(
        Q(product=product) | Q(business=product.business_id, product__isnull=True)
    )
    found = PublicLinks(product=[], business=[])
    for link in links:
        (found.product if link.product_id else found.business).append(link)
    return found


def get_photo(product_pk: int | str, photo_pk: int | str) -> Document:
    """A photo of a product in the catalogue now; 404 for anything else (a document that
    is not a photo, another product's, a product taken out of the catalogue)."""
    if not catalogue_entries().filter(product_id=product_pk).exists():
        raise Http404
    photo = Document.objects.filter(
        pk=photo_pk,
        product_id=product_pk,
        kind__key__in=PHOTO_KINDS,
        content_type__startswith="image/",
    ).first()
    if photo is None:
        raise Http404
    return photo


# Collections.


def published_collections() -> QuerySet[Collection]:
    return Collection.objects.published().select_related("region")


def collections_showing(product: Product) -> QuerySet[Collection]:
    """The published collections that chose `product` (for its page)."""
    return published_collections().filter(products=product)


def collections_editable_by(user: _AnyUser) -> QuerySet[Collection]:
    """The collections, published or not, of the offices `user` coordinates for."""
    if Role.COORDINATOR not in user_roles(user):
        return Collection.objects.none()
    return Collection.objects.filter(region__in=staff_region_ids(user)).select_related("region")


def get_collection_for_user(user: _AnyUser, slug: str) -> Collection:
    """A published collection for anyone; a draft only for those who may edit it."""
    collection = Collection.objects.select_related("region").filter(slug=slug).first()
    if collection is None:
        raise Http404
    if not collection.is_published and not can_edit_collection.test(user, collection):
        raise Http404
    return collection


def get_editable_collection(user: _AnyUser, slug: str) -> Collection:
    """A collection for a coordinator of its office; 404 for anyone else."""
    try:
        return collections_editable_by(user).get(slug=slug)
    except Collection.DoesNotExist:
        raise Http404 from None


def collection_entries(collection: Collection) -> CertificateQuerySet:
    """The collection's products that are in the catalogue now."""
    return catalogue_entries().filter(product__in=collection.products.values("pk"))


def collectable_products(user: _AnyUser, chosen: Iterable[int] = ()) -> QuerySet[Product]:
    """What a coordinator may put in a collection: the products in the catalogue now whose
    business is in the regions of their office, and whatever the collection already holds
    (a product whose listing ended stays chosen until someone takes it out)."""
    regions = staff_region_ids(user)
    listed = catalogue_entries().filter(product__business__region__in=regions)
    return (
        Product.objects.filter(Q(pk__in=listed.values("product_id")) | Q(pk__in=list(chosen)))
        .select_related("business__region")
        .order_by("business__region__name", "name", "pk")
    )


# A business's own listing (its members' pages).


def listing_of(business: Business) -> Listing | None:
    return Listing.objects.filter(business=business).select_related("consented_by").first()


def product_in_catalogue(product: Product) -> bool:
    return catalogue_entries().filter(product=product).exists()


def has_live_certificate(product: Product) -> bool:
    return live_certificates().filter(product=product).exists()
