"""Who may do what in the catalogue: `rules` predicates, built on the business's and the
region's (`products.permissions`), so "an owner of this business" and "staff of this
region" are written once.

Reading the catalogue needs nothing: its pages are public."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from kernel.roles import Role, has_role
from products.permissions import is_business_member, is_business_owner, staff_region_ids

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser

    from catalogue.models import Collection


@rules.predicate
def serves_collection_region(user: _AnyUser, collection: Collection) -> bool:
    """Staff of the office that publishes the collection (its region is theirs)."""
    return collection.region_id in staff_region_ids(user)


# (user, business): its members see whether it is listed; only an owner gives or
# withdraws the business's consent, which speaks for the whole business.
can_view_listing = is_business_member
can_manage_listing = is_business_owner

# (user): a coordinator publishes collections for the regions of their office;
# (user, collection): and changes those of those regions.
can_create_collection = has_role(Role.COORDINATOR)
can_edit_collection = has_role(Role.COORDINATOR) & serves_collection_region

rules.add_perm("catalogue.view_listing_object", can_view_listing)
rules.add_perm("catalogue.manage_listing_object", can_manage_listing)
rules.add_perm("catalogue.edit_collection_object", can_edit_collection)
