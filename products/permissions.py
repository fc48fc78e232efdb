"""Who may do what to a business and what it owns: the `rules` predicates, in one place.

Each predicate takes (user, obj) where obj is a business or anything that belongs to
one: a product, a document, an invitation, or whatever is about one product (an
application, a certificate, a share) through its `product`. The workflow and the
certificates build their predicates on these, so "a member of this business" and "staff
of its region" are written once.

They read the user's memberships and regions once per request (`member_business_roles`,
`staff_region_ids`, through `kernel.request_cache`), so a page that checks ten
permissions asks the database once for each (or not at all: a request reads them with the
user's roles and language in one query, `curation.identity`); outside a request each
check reads them afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.db.models import QuerySet

from kernel import request_cache
from kernel.roles import Role, has_role
from offices.models import ServedRegion
from products.models import Business, BusinessInvitation, Document, Membership, Product

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser


# Deleting a membership, or a document or document type (`products.rules`), in a request
# drops what the request read.
request_cache.forget_when_deleted(
    "products.Membership", "products.Document", "products.DocumentType"
)


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


def business_id_of(obj: Any) -> int:
    """The id of the business `obj` belongs to (without loading the business)."""
    if isinstance(obj, Business):
        return obj.pk
    if isinstance(obj, Product | Document | BusinessInvitation | Membership):
        return obj.business_id
    return obj.product.business_id


def member_business_roles(user: _AnyUser) -> dict[int, str]:
    """The businesses `user` is a member of, by id, each with their role in it; read once
    per request."""
    if not user.is_authenticated:
        return {}
    return request_cache.memoized(
        ("memberships", user.pk),
        lambda: dict(Membership.objects.filter(user=user).values_list("business_id", "role")),
    )


def staff_region_ids(user: _AnyUser) -> list[int]:
    """The regions whose businesses `user` works for as staff: those their office serves
    (`Profile.office`, `offices.ServedRegion`); read once per request."""
    if not user.is_authenticated:
        return []
    return request_cache.memoized(
        ("regions", user.pk),
        lambda: list(
            ServedRegion.objects.filter(office__staff__user=user)
            .order_by("region_id")
            .values_list("region_id", flat=True)
        ),
    )


def remember_memberships_and_regions(
    user: _AnyUser, *, memberships: dict[int, str], region_ids: list[int]
) -> None:
    """What `member_business_roles` and `staff_region_ids` would read, read with the rest
    of who the user is (`curation.identity`): they answer with it for the rest of the
    request."""
    request_cache.remember(("memberships", user.pk), memberships)
    request_cache.remember(("regions", user.pk), region_ids)


@rules.predicate
def is_business_member(user: _AnyUser, obj: Any) -> bool:
    return business_id_of(obj) in member_business_roles(user)


@rules.predicate
def is_business_owner(user: _AnyUser, obj: Any) -> bool:
    return member_business_roles(user).get(business_id_of(obj)) == Membership.Role.OWNER


@rules.predicate
def works_in_business_region(user: _AnyUser, obj: Any) -> bool:
    """Staff whose office serves the business's region (`staff_region_ids`)."""
    if not user.is_authenticated:
        return False
    return business_of(obj).region_id in staff_region_ids(user)


# Staff act only on their own region's businesses, and never on a business they belong to.
is_region_coordinator = has_role(Role.COORDINATOR) & works_in_business_region & ~is_business_member
is_region_packaging_reviewer = (
    has_role(Role.PACKAGING_REVIEWER) & works_in_business_region & ~is_business_member
)
is_region_certifying_officer = (
    has_role(Role.CERTIFYING_OFFICER) & works_in_business_region & ~is_business_member
)
is_regional_admin = has_role(Role.REGIONAL_ADMIN) & works_in_business_region


# The registry (`products.registry_services`): coordinators and office administrators
# import their regions' registry and hand its businesses to their owners.
holds_registry_role = has_role(Role.COORDINATOR) | has_role(Role.OFFICE_ADMIN)


@rules.predicate
def works_for_a_region(user: _AnyUser) -> bool:
    return bool(staff_region_ids(user))


may_import_registry = holds_registry_role & works_for_a_region
is_region_registry_staff = holds_registry_role & works_in_business_region & ~is_business_member
