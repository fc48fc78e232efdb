"""The roles of WORKFLOW.md, each a Django group, and who holds which."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _

from kernel import request_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser


class Role(models.TextChoices):
    MSME = "msme", _("MSME member")
    OFFICE_ADMIN = "office_admin", _("Office administrator")
    COORDINATOR = "coordinator", _("Curation coordinator")
    CURATOR = "curator", _("Curator")
    PACKAGING_REVIEWER = "packaging_reviewer", _("Packaging reviewer")
    CERTIFYING_OFFICER = "certifying_officer", _("Certifying officer")
    EXPORTER = "exporter", _("Exporter or buyer")
    REGIONAL_ADMIN = "regional_admin", _("Regional head")


STAFF_ROLES = (
    Role.OFFICE_ADMIN,
    Role.COORDINATOR,
    Role.CURATOR,
    Role.PACKAGING_REVIEWER,
    Role.CERTIFYING_OFFICER,
    Role.REGIONAL_ADMIN,
)


def user_roles(user: _AnyUser) -> set[str]:
    """The user's role names, read once per request (`kernel.request_cache`). None for a
    deactivated account: whatever it still holds, it may no longer act."""
    if not user.is_authenticated or not user.is_active:
        return set()
    roles = request_cache.memoized(
        ("roles", user.pk), lambda: frozenset(user.groups.values_list("name", flat=True))
    )
    return set(roles)


def remember_roles(user: _AnyUser, names: Iterable[str]) -> None:
    """The user's role names, read with the rest of who they are (`curation.identity`):
    `user_roles` answers with them for the rest of the request."""
    request_cache.remember(("roles", user.pk), frozenset(names))


def has_role(role: Role) -> rules.Predicate:
    """The `rules` predicate "holds `role`", reading `user_roles` (so the permission
    checks of a page share one read of the groups). Use it instead of
    `rules.is_group_member`, which keeps the groups on the user object."""

    @rules.predicate(name=f"has_role_{role.value}")
    def predicate(user: _AnyUser) -> bool:
        return role.value in user_roles(user)

    return predicate
