"""Who may do what in the catalogue: `rules` predicates, built on the business's and the
region's (`products.permissions`), so "an owner of this business" and "staff of this
region" are written once.

Reading the catalogue needs nothing: its pages are public."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from kernel.roles import STAFF_ROLES, Role, has_role, user_roles
from products.permissions import (
    is_business_member,
    is_business_owner,
    member_business_roles,
    staff_region_ids,
)

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser

    from catalogue.models import Collection, Enquiry
    from products.models import Business


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


@rules.predicate
def is_enquiry_member(user: _AnyUser, enquiry: Enquiry) -> bool:
    """A member of the business the enquiry was sent to (read from the enquiry's own
    business id: no query for its product)."""
    return enquiry.business_id in member_business_roles(user)


@rules.predicate
def is_office_staff(user: _AnyUser) -> bool:
    """Staff with a role and at least one region: someone an office's figures are for."""
    return bool(set(STAFF_ROLES) & user_roles(user)) and bool(staff_region_ids(user))


@rules.predicate
def serves_business_region(user: _AnyUser, business: Business) -> bool:
    return business.region_id in staff_region_ids(user)


# (user, enquiry): a buyer's enquiry is the business's correspondence: its members read it
# and say whether it is answered; nobody else opens it, the office included.
can_view_enquiry = is_enquiry_member
# (user): the office's staff see how many enquiries each product of their regions had;
# (user, business): and those of this business.
can_see_enquiry_counts = is_office_staff
can_see_business_enquiry_counts = is_office_staff & serves_business_region

rules.add_perm("catalogue.view_listing_object", can_view_listing)
rules.add_perm("catalogue.manage_listing_object", can_manage_listing)
rules.add_perm("catalogue.edit_collection_object", can_edit_collection)
rules.add_perm("catalogue.view_enquiry_object", can_view_enquiry)
