"""The catalogue's items in the signed-in menu (`curation.context_processors`): a
business member's enquiry inbox; the enquiry counts per product for an office's
coordinator and regional head; the statistics for whoever may read them.

The inbox's item carries no count of unread enquiries: that would be one more query on
every page a member opens, and the busiest (a product's edit page) is at the budget
(tests/security/test_query_budget.py). A new enquiry raises the notifications' badge
instead (it is a notice too), and the inbox counts the unread ones."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalogue.statistics import can_see_statistics
from curation.context_processors import add_menu_items
from kernel.roles import Role
from products.permissions import member_business_roles, staff_region_ids


@add_menu_items
def enquiry_items(request, roles: set[str]) -> list:
    user = request.user
    items = []
    if member_business_roles(user):
        items.append((reverse("catalogue:enquiries"), _("Enquiries"), None))
    if roles & {Role.COORDINATOR, Role.REGIONAL_ADMIN} and staff_region_ids(user):
        items.append((reverse("catalogue:enquiry_counts"), _("Enquiries per product"), None))
    if can_see_statistics.test(user):
        items.append((reverse("statistics:page"), _("Statistics"), None))
    return items
