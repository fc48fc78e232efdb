"""Telling the superusers of a region no office serves, which only they can fix (an
office is made, and its served regions chosen, in the admin).

They are told when a business registers in such a region (or moves to one), and again
when one of its applications is refused at submission, but once per region: the notice is
a reminder (`curation.reminders`, kind "region_unserved", one row per region and
superuser, whose unique constraint makes every later call, or two at once, a no-op). When
an office starts serving the region its rows are deleted (`curation.signals`), so should
the region lose its office one day, they are told again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.http import urlencode

from curation.models import Reminder
from curation.reminders import PASSED, Due, people, send
from offices.routing import is_served

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

    from products.models import Business


def tell_superusers_if_unserved(business: Business) -> list[_User]:
    """Tell every active superuser, in the app and by e-mail, that `business` is in a
    region no office serves, unless they were told of that region already; returns who
    was told now. One query when the region is served."""
    region = business.region
    if is_served(region.pk):
        return []
    superusers = people(get_user_model().objects.filter(is_superuser=True, is_active=True))
    if not superusers:
        return []
    # The admin's form for a new office, its home region filled in.
    path = reverse("admin:offices_office_add") + "?" + urlencode({"home_region": region.pk})
    due = Due(
        kind=Reminder.Kind.REGION_UNSERVED,
        subject_id=region.pk,
        threshold=PASSED,
        recipients=superusers,
        path=path,
        params={"region": region.name, "province": region.province, "business": business.name},
    )
    return [user for _due, user in send([due])]
