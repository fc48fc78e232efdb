"""How long an application may stay in a state before it is overdue.

Each office sets its own targets (`offices.StageTarget`, on its targets page), in working
days, as a regional office's service standards count them: the days after the one the
application entered the state, Monday to Friday. For a state it has set none for (or an
application of a region no office serves), the default service standard applies
(`offices.models.DEFAULT_TARGET_DAYS`). The application's office is the office that
serves its region. Public holidays are not known to the application, so a target ending
after one comes a day early.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from offices.models import DEFAULT_TARGET_DAYS, ServedRegion, StageTarget


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


DEFAULTS: dict[str, Target] = {
    state: Target(days, working_days=True) for state, days in DEFAULT_TARGET_DAYS.items()
}


@dataclass(frozen=True)
class Targets:
    """Every office's targets and which office serves which region, read in two queries:
    what a run of the reminders, or a list of many offices' applications, looks up per row."""

    by_office: dict[int, dict[str, Target]] = field(default_factory=dict)
    office_of_region: dict[int, int] = field(default_factory=dict)

    def for_region(self, region_id: int) -> dict[str, Target]:
        """The targets of the office serving `region_id` (the defaults if none does)."""
        office_id = self.office_of_region.get(region_id)
        return self.by_office.get(office_id, DEFAULTS) if office_id is not None else DEFAULTS

    def get(self, region_id: int, state: str) -> Target | None:
        return self.for_region(region_id).get(state)

    def loosest_cutoff(self, state: str, today: date) -> datetime | None:
        """The latest moment before which a stay in `state` is overdue somewhere: the filter
        that finds every office's overdue stays, before each row is checked against its
        own office's target (None: no office has a target for `state`)."""
        cutoffs = [
            targets[state].overdue_if_entered_before(today)
            for targets in (DEFAULTS, *self.by_office.values())
            if state in targets
        ]
        return max(cutoffs, default=None)


def office_targets(office_id: int | None) -> dict[str, Target]:
    """One office's target for each state it waits on: its own where it set one, else the
    default (the defaults alone without an office)."""
    targets = dict(DEFAULTS)
    if office_id is not None:
        for state, days in StageTarget.objects.filter(office_id=office_id).values_list(
            "state", "days"
        ):
            targets[state] = Target(days, working_days=True)
    return targets


def all_targets() -> Targets:
    """Every office's targets (`Targets`), in two queries."""
    by_office: dict[int, dict[str, Target]] = {}
    for office_id, state, days in StageTarget.objects.values_list("office_id", "state", "days"):
        by_office.setdefault(office_id, dict(DEFAULTS))[state] = Target(days, working_days=True)
    office_of_region = dict(ServedRegion.objects.values_list("region_id", "office_id"))
    for office_id in set(office_of_region.values()) - by_office.keys():
        by_office[office_id] = dict(DEFAULTS)
    return Targets(by_office=by_office, office_of_region=office_of_region)


def target_for(region_id: int, state: str) -> Target | None:
    """The target of a stay in `state` of an application of `region_id`, by the office
    serving that region."""
    office_id = (
        ServedRegion.objects.filter(region_id=region_id).values_list("office_id", flat=True).first()
    )
    return office_targets(office_id).get(state)
