"""Keeping `ListedProduct`, the copy of the catalogue's list, current: `refresh` makes the
rows of some products (or of all the products of some businesses, categories or regions)
say again what the certificates, consents and names say, in the caller's transaction;
`catalogue.signals` calls it after every save that can change them. `rebuild` does it for every product, for data
written without saving models one by one (the benchmark's bulk seed).

A refresh reads the truth and writes the difference: the rows of products that are listed
now are inserted or updated (one upsert, so two refreshes of the same product at once
cannot collide), the rows of those that are not are deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from catalogue.models import ListedProduct
from certificates.models import Certificate, Status

# The columns of the copy besides its key, as the upsert updates them.
COPIED = [
    "certificate",
    "application",
    "business",
    "region",
    "category",
    "name",
    "hs_code",
    "grade",
    "markets",
    "valid_until",
    "text",
]
# A business's consent stands: given, and not withdrawn since.
CONSENTED = Q(
    product__business__catalogue_listing__consented_at__isnull=False,
    product__business__catalogue_listing__withdrawn_at__isnull=True,
)


# What each kind of scope is in the copy, and among the certificates.
SCOPES = {
    "products": ("product__in", "product__in"),
    "businesses": ("business__in", "product__business__in"),
    "categories": ("category__in", "product__category__in"),
    "regions": ("region__in", "product__business__region__in"),
}


def market_keys(markets: list[dict]) -> str:
    """The certificate's markets as the copy holds them (`ListedProduct.markets`)."""
    return "".join(f" {market['key']}" for market in markets) + " "


def search_text(*parts: str) -> str:
    """What a search looks for words in (`catalogue.selectors.filter_listed`)."""
    return "\n".join(part for part in parts if part).lower()


def refresh(**scope: Iterable[int]) -> None:
    """Make the copy's rows match the certificates, consents and names: of these products
    (`products=[ids]`), or of every product of these businesses, categories or regions
    (`businesses=`, `categories=`, `regions=`); of every product without a scope."""
    ((kind, ids),) = scope.items() if scope else (("", ()),)
    if kind:
        in_copy, in_certificates = SCOPES[kind]
        ids = list(ids)
        of_copy, of_certificate = Q(**{in_copy: ids}), Q(**{in_certificates: ids})
    else:
        of_copy = of_certificate = Q()
    # Valid by their status: the date is compared when the list is read. A renewal
    # supersedes the earlier certificate in the transaction that issues it; between the
    # two saves, the newer one wins.
    certificates = (
        Certificate.objects.filter(of_certificate, CONSENTED, status=Status.VALID)
        .order_by("product_id", "issued_at", "pk")
        .values_list(
            "pk",
            "product_id",
            "application_id",
            "grade",
            "markets",
            "valid_until",
            "product__business_id",
            "product__business__region_id",
            "product__category_id",
            "product__name",
            "product__hs_code",
            "product__description",
            "product__business__name",
            "product__category__label_id",
            "product__category__label_en",
            "product__business__region__name",
        )
    )
    rows: dict[int, ListedProduct] = {}
    for (
        pk,
        product,
        application,
        grade,
        markets,
        valid_until,
        business,
        region,
        category,
        name,
        hs_code,
        description,
        business_name,
        *names,  # of the category (in both languages) and of the region
    ) in certificates.iterator(chunk_size=2000):
        rows[product] = ListedProduct(
            product_id=product,
            certificate_id=pk,
            application_id=application,
            business_id=business,
            region_id=region,
            category_id=category,
            name=name,
            hs_code=hs_code,
            grade=grade,
            markets=market_keys(markets),
            valid_until=valid_until,
            text=search_text(name, description, business_name, *names),
        )
    with transaction.atomic():
        ListedProduct.objects.filter(of_copy).exclude(product__in=list(rows)).delete()
        if rows:
            ListedProduct.objects.bulk_create(
                rows.values(),
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["product"],
                update_fields=COPIED,
            )


def rebuild() -> None:
    """The whole copy again, from the certificates and consents."""
    refresh()
