"""The roles of WORKFLOW.md, each a Django group, and who holds which."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser

# An attribute of the user object that keeps the roles read for this request (the user is
# loaded once per request), so a page asks the database once.
_ROLES_CACHE = "_siap_roles"


class Role(models.TextChoices):
    MSME = "msme", _("MSME member")
    COORDINATOR = "coordinator", _("Curation coordinator")
    CURATOR = "curator", _("Curator")
    PACKAGING_REVIEWER = "packaging_reviewer", _("Packaging reviewer")
    CERTIFYING_OFFICER = "certifying_officer", _("Certifying officer")
    EXPORTER = "exporter", _("Exporter or buyer")
    REGIONAL_ADMIN = "regional_admin", _("Regional head")


STAFF_ROLES = (
    Role.COORDINATOR,
    Role.CURATOR,
    Role.PACKAGING_REVIEWER,
    Role.CERTIFYING_OFFICER,
    Role.REGIONAL_ADMIN,
)


def user_roles(user: _AnyUser) -> set[str]:
    """The user's role names, read once per request."""
    if not user.is_authenticated:
        return set()
    roles: set[str] | None = getattr(user, _ROLES_CACHE, None)
    if roles is None:
        roles = set(user.groups.values_list("name", flat=True))
        setattr(user, _ROLES_CACHE, roles)
    return roles
