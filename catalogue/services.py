"""The functions that change the catalogue: a business's consent (given, changed,
withdrawn) and an office's collections.

Each takes keyword arguments and the acting user (`by`), checks that the user may do it
and raises `WorkflowError` otherwise (the pages answer 403 or 404 before calling, so the
check here guards every other caller). Every change of consent leaves a `ListingEvent`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Collection, Listing, ListingEvent
from catalogue.permissions import can_create_collection, can_edit_collection, can_manage_listing
from catalogue.selectors import collectable_products
from kernel.errors import WorkflowError
from products.models import Business, Product, Region
from products.permissions import staff_region_ids

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


def _require_owner(by: _User, business: Business) -> None:
    if not can_manage_listing.test(by, business):
        raise WorkflowError(
            _("Only an owner of %(business)s can decide whether it is listed.")
            % {"business": business}
        )


def listing_consent_give(*, business: Business, by: _User) -> Listing:
    """List the business's certified products (nothing to do while its consent stands).
    Consent given again after a withdrawal is a new consent: by this owner, from now."""
    _require_owner(by, business)
    with transaction.atomic():
        # Locked: two owners pressing at once give one consent, not two rows.
        listing = Listing.objects.select_for_update().filter(business=business).first()
        now = timezone.now()
        if listing is None:
            listing = Listing(business=business, consented_by=by, consented_at=now)
            kind = ListingEvent.Kind.GIVEN
        elif not listing.is_active:
            listing.consented_by, listing.consented_at = by, now
            listing.withdrawn_by = listing.withdrawn_at = None
            kind = ListingEvent.Kind.GIVEN
        else:
            return listing
        try:
            with transaction.atomic():
                listing.save()
        except IntegrityError:
            # Another owner's first consent committed between our read and our insert.
            raise WorkflowError(
                _("Someone else just changed this listing. Reload the page and try again."),
                stale=True,
            ) from None
        ListingEvent.objects.create(listing=listing, kind=kind, actor=by, at=now)
    return listing


def listing_consent_withdraw(*, business: Business, by: _User) -> Listing | None:
    """Take the business's products out of the catalogue (at once: the pages read the
    consent on every request). Nothing to do when it was not listed."""
    _require_owner(by, business)
    with transaction.atomic():
        listing = Listing.objects.select_for_update().filter(business=business).first()
        if listing is None or not listing.is_active:
            return listing
        now = timezone.now()
        listing.withdrawn_by, listing.withdrawn_at = by, now
        listing.save(update_fields=["withdrawn_by", "withdrawn_at", "updated_at"])
        ListingEvent.objects.create(
            listing=listing, kind=ListingEvent.Kind.WITHDRAWN, actor=by, at=now
        )
    return listing


# Collections.


def collection_save(
    *,
    by: _User,
    collection: Collection | None = None,
    slug: str,
    name: str,
    region: Region,
    starts_on: date,
    ends_on: date | None = None,
    description_id: str = "",
    description_en: str = "",
    products: Iterable[Product] = (),
    published: bool = False,
) -> Collection:
    """Create or change a collection of the office of `region`. Its products must be in
    the catalogue and of the office's regions (or already in the collection); publishing
    it shows it to everyone from now, unpublishing hides it again."""
    if collection is None:
        allowed = can_create_collection.test(by)
    else:
        allowed = can_edit_collection.test(by, collection)
    if not allowed or region.pk not in staff_region_ids(by):
        raise WorkflowError(
            _("Only a coordinator of the region's office can publish its collections.")
        )
    if ends_on is not None and ends_on < starts_on:
        raise WorkflowError(fields={"ends_on": _("The end date is before the start date.")})
    products = list(products)
    chosen = set(collection.products.values_list("pk", flat=True)) if collection else set()
    allowed_ids = set(collectable_products(by, chosen).values_list("pk", flat=True))
    refused = [p for p in products if p.pk not in allowed_ids]
    if refused:
        raise WorkflowError(
            fields={
                "products": _("Not in the catalogue of your regions: %(products)s.")
                % {"products": ", ".join(p.name for p in refused)}
            }
        )
    with transaction.atomic():
        if collection is None:
            collection = Collection(created_by=by)
        collection.slug, collection.name, collection.region = slug, name, region
        collection.starts_on, collection.ends_on = starts_on, ends_on
        collection.description_id, collection.description_en = description_id, description_en
        if published and collection.published_at is None:
            collection.published_at = timezone.now()
        elif not published:
            collection.published_at = None
        try:
            with transaction.atomic():
                collection.save()
        except IntegrityError:
            raise WorkflowError(
                fields={"slug": _("Another collection already has this address.")}
            ) from None
        collection.products.set(products)
    return collection
