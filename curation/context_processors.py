from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curation.identity import who_is
from curation.two_factor import requires_two_factor
from kernel.roles import Role, user_roles


def navigation(request):
    """The signed-in user's menu, by role, and the unread notifications badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    items = [(reverse("curation:home"), _("Dashboard"), None)]
    if Role.MSME in roles:
        items.append((reverse("curation:product_list"), _("My products"), None))
        items.append((reverse("products:business_home"), _("My business"), None))
    if Role.EXPORTER in roles:
        items.append((reverse("certificates:shared"), _("Shared with me"), None))
    items.append((reverse("curation:applications"), _("Applications"), None))
    if Role.COORDINATOR in roles:
        items.append((reverse("curation:overview"), _("Overview"), None))
    items.append(
        (
            reverse("curation:notifications"),
            _("Notifications"),
            who_is(user).unread_notices or None,
        )
    )
    items.append((reverse("account_email"), _("Account"), None))
    items.append((reverse("account_logout"), _("Sign out"), None))
    path = request.path
    return {
        "two_factor_required": requires_two_factor(user),
        "nav": [
            {"url": url, "label": label, "badge": badge, "active": path == url}
            for url, label, badge in items
        ],
    }
