"""Who the signed-in user is, read once per request in one query: their roles, the
businesses they belong to (with their role in each), the regions they work for as staff,
their language, and how many of their notices are unread.

Every page needs nearly all of it: the permission checks (roles, memberships, regions),
the language, the menu's badge. Read one by one it was five queries, a third of a page's
budget (issue #9: every page within 15 queries). `UserLanguageMiddleware` reads it first
thing in each request; the parts that belong to the layers below are handed to them
(`kernel.roles.remember_roles`, `products.permissions.remember_memberships_and_regions`),
so their checks find them read. It keeps to the request cache's rules
(`kernel.request_cache`): outside a request nothing is kept, and after a write in the
request each part is read again by whoever asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Group
from django.db.models import CharField, Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from curation.models import Notification, Profile
from kernel import request_cache
from kernel.roles import STAFF_ROLES, Role, remember_roles
from offices.models import ServedRegion
from products.models import Membership
from products.permissions import remember_memberships_and_regions

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


# The parts of the query, each row tagged with its own.
ROLE, MEMBERSHIP, REGION, PROFILE = "role", "membership", "region", "profile"
_NO_NUMBER = Value(0, output_field=IntegerField())
_NO_TEXT = Value("", output_field=CharField())


@dataclass(frozen=True)
class Identity:
    roles: frozenset[str]
    memberships: dict[int, str]  # business id: the user's role in it
    region_ids: list[int]
    language: str | None  # None without a profile
    unread_notices: int


def who_is(user: _User) -> Identity:
    """Who `user` (signed in) is: read once per request, in one query."""
    return request_cache.memoized(("identity", user.pk), lambda: _read(user))


def is_exporter_home(user: _User) -> bool:
    """Whether the signed-in user's home is what businesses share with them, with no MSME
    or staff menus: an exporter who belongs to no business and holds no staff role. (An
    account the office puts in the exporter group keeps the MSME role it signed up with;
    without a business that role has nothing to show it.)"""
    me = who_is(user)
    return (
        Role.EXPORTER in me.roles
        and not me.memberships
        and not me.roles & set(STAFF_ROLES)
        and not user.is_superuser
    )


def _read(user: _User) -> Identity:
    roles: set[str] = set()
    memberships: dict[int, str] = {}
    region_ids: list[int] = []
    language, unread = None, 0
    for part, number, text in _parts(user):
        if part == ROLE:
            roles.add(text)
        elif part == MEMBERSHIP:
            memberships[number] = text
        elif part == REGION:
            region_ids.append(number)
        elif part == PROFILE:
            language, unread = text, number
    region_ids.sort()
    remember_roles(user, roles)
    remember_memberships_and_regions(
        user, memberships=dict(memberships), region_ids=list(region_ids)
    )
    return Identity(
        roles=frozenset(roles),
        memberships=memberships,
        region_ids=region_ids,
        language=language,
        unread_notices=unread,
    )


def _parts(user: _User) -> QuerySet[Any]:
    """One SELECT per part, joined by UNION ALL into one query; each row is (part, number,
    text). The profile's row carries the language and the unread notices' count."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("user"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    first, *others = [
        _part(ROLE, Group.objects.filter(user=user), _NO_NUMBER, "name"),
        _part(MEMBERSHIP, Membership.objects.filter(user=user), "business_id", "role"),
        _part(
            REGION,
            # The regions the user's office serves (`staff_region_ids`).
            ServedRegion.objects.filter(office__staff__user=user),
            "region_id",
            _NO_TEXT,
        ),
        _part(
            PROFILE,
            Profile.objects.filter(user=user),
            Coalesce(Subquery(unread), 0),
            "language",
        ),
    ]
    return first.union(*others, all=True)


def _part(name: str, rows: QuerySet[Any], number: Any, text: Any) -> QuerySet[Any]:
    # No ordering: a part of a UNION may not have its own (SQLite refuses it).
    return rows.order_by().values_list(Value(name, output_field=CharField()), number, text)
