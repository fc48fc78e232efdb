from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curation.identity import is_exporter_home, who_is
from curation.two_factor import requires_two_factor
from kernel.roles import Role, user_roles

# Menu items of the apps above this one, which this module cannot import (the catalogue's
# enquiry inbox): each function takes the request and the user's roles and returns the
# (address, label, badge) of the items it adds. Added from the app's `ready()`.
MENU_ITEMS: list[Callable[[HttpRequest, set[str]], list[tuple[str, Any, int | None]]]] = []


def add_menu_items(make):
    """Register `make` (see MENU_ITEMS); returns it, to be used as a decorator."""
    if make not in MENU_ITEMS:
        MENU_ITEMS.append(make)
    return make


def navigation(request):
    """The signed-in user's menu, by role, and the unread notifications badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    if is_exporter_home(user):
        # What is shared with them is their home: no dashboard, products or applications.
        items = [(reverse("certificates:shared"), _("Shared with me"), None)]
    else:
        items = [(reverse("curation:home"), _("Dashboard"), None)]
        if Role.MSME in roles:
            items.append((reverse("curation:product_list"), _("My products"), None))
            items.append((reverse("products:business_home"), _("My business"), None))
        if Role.EXPORTER in roles:
            items.append((reverse("certificates:shared"), _("Shared with me"), None))
        items.append((reverse("curation:applications"), _("Applications"), None))
    if Role.COORDINATOR in roles:
        items.append((reverse("curation:overview"), _("Overview"), None))
    if roles & {Role.OFFICE_ADMIN, Role.COORDINATOR}:
        # The office's staff and settings (`curation.views.office`).
        items.append((reverse("curation:office_staff"), _("Office"), None))
    if Role.CURATOR in roles:
        items.append((reverse("curation:conflicts"), _("Conflicts of interest"), None))
    if Role.COORDINATOR in roles or Role.OFFICE_ADMIN in roles:
        items.append((reverse("products:registry"), _("Registry"), None))
    for make in MENU_ITEMS:
        items.extend(make(request, roles))
    items.append(
        (
            reverse("curation:notifications"),
            _("Notifications"),
            who_is(user).unread_notices or None,
        )
    )
    items.append((reverse("curation:account"), _("Account"), None))
    items.append((reverse("account_logout"), _("Sign out"), None))
    path = request.path
    return {
        "two_factor_required": requires_two_factor(user),
        "nav": [
            {"url": url, "label": label, "badge": badge, "active": path == url}
            for url, label, badge in items
        ],
    }
