"""The coaching item of the signed-in menu (`curation.context_processors`): an office's
programmes, for its coordinators and administrators."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curation.context_processors import add_menu_items
from kernel.roles import Role


@add_menu_items
def coaching_items(request, roles: set[str]) -> list:
    if roles & {Role.COORDINATOR, Role.OFFICE_ADMIN}:
        return [(reverse("coaching:programmes"), _("Coaching programmes"), None)]
    return []
