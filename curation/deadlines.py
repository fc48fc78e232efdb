"""How long an application may stay in a state before it is overdue.

An office sets its own targets in the admin (`StateTarget`), in calendar days, which is
how the coordinator's overview counts them. For a state it has set none for, the reminders
use the defaults below, in working days, as a regional office's service standards count
them: the days after the one the application entered the state, Monday to Friday.
Public holidays are not known to the application, so a default target ending after one
comes a day early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from curation.models import StateTarget
from kernel.states import State

DEFAULT_WORKING_DAYS = {
    State.SUBMITTED: 5,  # the coordinator assigns curators
    State.IN_CURATION: 10,  # the curators score (and the lead decides)
    State.PACKAGING_REVIEW: 5,
    State.AWAITING_CERTIFICATION: 3,
}


@dataclass(frozen=True)
class Target:
    days: int
    working_days: bool

    def due(self, since: date) -> date:
        """The last day within the target of a stay that began on `since`; the day after
        it, the stay is overdue."""
        if not self.working_days:
            return since + timedelta(days=self.days)
        day, left = since, self.days
        while left:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def is_overdue(self, since: date, today: date) -> bool:
        return today > self.due(since)

    def overdue_if_entered_before(self, today: date) -> datetime:
        """The moment before which a stay is overdue on `today` (the start of the day after
        the latest such start): the filter a state's index answers, before `is_overdue`
        looks at each row."""
        latest = today - timedelta(days=1)
        while not self.is_overdue(latest, today):
            latest -= timedelta(days=1)
        return start_of(latest + timedelta(days=1))


def start_of(day: date) -> datetime:
    """Midnight at the start of `day`, in the office's time zone (TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def state_targets() -> dict[str, Target]:
    """Each state's target: the office's where it set one, else the default."""
    targets: dict[str, Target] = {
        state: Target(days, working_days=True) for state, days in DEFAULT_WORKING_DAYS.items()
    }
    for state, days in StateTarget.objects.values_list("state", "days"):
        targets[state] = Target(days, working_days=False)
    return targets
