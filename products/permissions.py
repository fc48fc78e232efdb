"""Who may do what to a business and what it owns: the `rules` predicates, in one place.

Each predicate takes (user, obj) where obj is a business or anything that belongs to
one: a product, a document, an invitation, or whatever is about one product (an
application, a certificate, a share) through its `product`. The workflow and the
certificates build their predicates on these, so "a member of this business" and "staff
of its region" are written once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import rules
from django.db.models import QuerySet

from kernel.roles import Role
from products.models import Business, BusinessInvitation, Document, Membership, Product, Region

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser


def business_of(obj: Any) -> Business:
    """The business `obj` belongs to."""
    if isinstance(obj, Business):
        return obj
    if isinstance(obj, Product | Document | BusinessInvitation | Membership):
        return obj.business
    return obj.product.business


def member_businesses(user: _AnyUser) -> QuerySet[Business]:
    """The businesses `user` is a member of (none for an anonymous user)."""
    if not user.is_authenticated:
        return Business.objects.none()
    return Business.objects.filter(memberships__user=user)


@rules.predicate
def is_business_member(user: _AnyUser, obj: Any) -> bool:
    if not user.is_authenticated:
        return False
    return business_of(obj).memberships.filter(user=user).exists()


@rules.predicate
def is_business_owner(user: _AnyUser, obj: Any) -> bool:
    if not user.is_authenticated:
        return False
    return business_of(obj).memberships.filter(user=user, role=Membership.Role.OWNER).exists()


@rules.predicate
def works_in_business_region(user: _AnyUser, obj: Any) -> bool:
    """Staff whose office covers the business's region (`Profile.regions`)."""
    if not user.is_authenticated:
        return False
    return Region.objects.filter(pk=business_of(obj).region_id, staff__user=user).exists()


def _role(role: Role) -> rules.Predicate:
    # rules annotates is_group_member as a plain callable; it returns a Predicate.
    return cast(rules.Predicate, rules.is_group_member(role.value))


# Staff act only on their own region's businesses, and never on a business they belong to.
is_region_coordinator = _role(Role.COORDINATOR) & works_in_business_region & ~is_business_member
is_region_packaging_reviewer = (
    _role(Role.PACKAGING_REVIEWER) & works_in_business_region & ~is_business_member
)
is_region_certifying_officer = (
    _role(Role.CERTIFYING_OFFICER) & works_in_business_region & ~is_business_member
)
is_regional_admin = _role(Role.REGIONAL_ADMIN) & works_in_business_region
