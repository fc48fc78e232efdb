"""The figures of the statistics page, its exports and its API about applications and
curators, for the regions a member of staff works for (the registry's figures are in
`curation.registry_statistics`; the buyers' enquiries, a layer above, in
`catalogue.statistics`, which also assembles the page).

Each figure is a `Table`: a row per state, grade, month, stage or curator, each cell a
number. A table is the truth the page's chart draws, what its CSV and XLSX files hold and
what the API answers, so the three never disagree. Everything is counted by the database,
in a fixed number of queries whatever the number of applications: one for the counts by
state and grade and today's overdue ones (`StateCounts`, after the offices' targets), one
per other table.

The period (`Scope.since`, `Scope.until`) dates each figure by what it counts: the
applications by the day they were started (by state, by grade), a certification by its
day, a stay in a stage by the day it ended, a scoresheet by the day it was submitted. The
overdue counts and the curators' open work are today's, whatever the period.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessments.models import Scoresheet
from curation import deadlines
from curation.deadlines import start_of
from curation.models import Application, CuratorAssignment, TransitionLog
from kernel.roles import Role
from kernel.states import FINAL_STATES, State

# The stages an application passes through before its end, in the workflow's order.
STAGES = [state for state in State if state not in FINAL_STATES]

Number = int | float | None


@dataclass(frozen=True)
class Column:
    key: str  # stable, for the API and the code
    label: str  # in the user's language, for the page and the files


@dataclass(frozen=True)
class Row:
    key: str  # a state, a grade, "2026-05", a curator's id
    label: str
    values: tuple[Number, ...]


@dataclass
class Table:
    key: str
    title: str
    description: str
    label_column: Column  # what the rows are (state, grade, month, ...)
    columns: list[Column]  # the numbers
    rows: list[Row] = field(default_factory=list)
    chart: str | None = None  # the column the bar chart draws; None: no chart

    @property
    def header(self) -> list[str]:
        return [self.label_column.label, *(column.label for column in self.columns)]

    def chart_values(self) -> list[tuple[str, Number]]:
        if self.chart is None:
            return []
        index = [column.key for column in self.columns].index(self.chart)
        return [(row.label, row.values[index]) for row in self.rows]


@dataclass(frozen=True)
class Scope:
    """Whose applications and when: the filters of the page, checked (`region_ids` only
    those the user works for; None for a superuser, who sees every region)."""

    region_ids: tuple[int, ...] | None
    since: date | None = None
    until: date | None = None
    category_id: int | None = None
    market_id: int | None = None

    @property
    def start(self) -> datetime | None:
        return start_of(self.since) if self.since else None

    @property
    def end(self) -> datetime | None:
        """The moment after the period's last day."""
        return start_of(self.until + timedelta(days=1)) if self.until else None

    def in_period(self, lookup: str) -> Q:
        q = Q()
        if self.start:
            q &= Q(**{f"{lookup}__gte": self.start})
        if self.end:
            q &= Q(**{f"{lookup}__lt": self.end})
        return q


def applications(scope: Scope, *, dated: bool = True) -> QuerySet[Application]:
    """The applications of the scope's regions, category and market; `dated`: only those
    started in the period. Filtered on the application's own region (its index), and on the
    market through the markets table (no row twice)."""
    found = Application.objects.order_by()
    if scope.region_ids is not None:
        found = found.filter(region_id__in=scope.region_ids)
    if scope.category_id:
        found = found.filter(product__category_id=scope.category_id)
    if scope.market_id:
        markets = Application.target_markets.through.objects.filter(
            application_id=OuterRef("pk"), market_id=scope.market_id
        )
        found = found.filter(Exists(markets))
    if dated:
        found = found.filter(scope.in_period("created_at"))
    return found


def _count(label: str) -> Column:
    return Column("count", label)


@dataclass(frozen=True)
class StateCounts:
    """One query's answer for three tables (by state, by grade, and the stages' "today"
    columns): per state and grade, the applications started in the period, and of all of
    them whatever the period, those in it now and those past their office's target."""

    rows: list[tuple[str, str, int, int, int]]  # state, grade, started, now, overdue

    @classmethod
    def of(cls, scope: Scope, today: date | None = None) -> StateCounts:
        targets = deadlines.all_targets()
        today = today or timezone.localdate()
        late = Q(pk__in=[])
        for state in STAGES:
            late |= Q(state=state) & _late(state, targets, today)
        period = scope.in_period("created_at")
        started = Count("pk", filter=period) if period else Count("pk")
        found = (
            applications(scope, dated=False)
            .values_list("state", "grade")
            .annotate(started=started, now=Count("pk"), late=Count("pk", filter=late))
            .values_list("state", "grade", "started", "now", "late")
        )
        return cls(rows=list(found))

    def started_by_state(self) -> dict[str, int]:
        return _sums((state, started) for state, _g, started, _n, _l in self.rows)

    def started_by_grade(self) -> dict[str, int]:
        return _sums((grade, started) for _s, grade, started, _n, _l in self.rows if grade)

    def now_and_overdue(self, state: str) -> tuple[int, int]:
        rows = [(now, late) for s, _g, _st, now, late in self.rows if s == state]
        return sum(now for now, _late in rows), sum(late for _now, late in rows)


def _sums(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    sums: dict[str, int] = {}
    for key, n in pairs:
        sums[key] = sums.get(key, 0) + n
    return sums


def by_state(scope: Scope, counts: StateCounts | None = None) -> Table:
    started = (counts or StateCounts.of(scope)).started_by_state()
    return Table(
        key="states",
        title=_("Applications by state"),
        description=_("The applications started in the period, by the state they are in now."),
        label_column=Column("state", _("State")),
        columns=[_count(_("Applications"))],
        rows=[Row(state.value, str(state.label), (started.get(state, 0),)) for state in State],
        chart="count",
    )


def by_grade(scope: Scope, counts: StateCounts | None = None) -> Table:
    started = (counts or StateCounts.of(scope)).started_by_grade()
    return Table(
        key="grades",
        title=_("Grade distribution"),
        description=_(
            "The applications started in the period that passed curation, by the grade "
            "their score earned."
        ),
        label_column=Column("grade", _("Grade")),
        columns=[_count(_("Applications"))],
        rows=[Row(grade, grade, (started[grade],)) for grade in sorted(started) if started[grade]],
        chart="count",
    )


def certified_per_month(scope: Scope) -> Table:
    """Certifications by the month they were made, every month of the period shown, those
    with none too. Certified is a final state, so an application's time in its state is the
    moment it was certified: the region's index (region, state, time in the state) finds
    them without reading the audit trail."""
    certified = (
        applications(scope, dated=False)
        .filter(state=State.CERTIFIED)
        .filter(scope.in_period("state_changed_at"))
    )
    counts = {
        timezone.localtime(month).date() if isinstance(month, datetime) else month: n
        for month, n in certified.annotate(month=TruncMonth("state_changed_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    }
    months = _months(scope, counts)
    return Table(
        key="certified",
        title=_("Certified per month"),
        description=_("Certificates issued in each month of the period."),
        label_column=Column("month", _("Month")),
        columns=[_count(_("Certified"))],
        rows=[
            Row(
                month.isoformat()[:7],  # the row's key: YYYY-MM
                formats.date_format(month, "YEAR_MONTH_FORMAT"),
                (counts.get(month, 0),),
            )
            for month in months
        ],
        chart="count",
    )


def _months(scope: Scope, counts: dict[date, int]) -> list[date]:
    first = scope.since or min(counts, default=None)
    last = scope.until or max(counts, default=None) or timezone.localdate()
    if first is None:
        return []
    month = first.replace(day=1)
    months: list[date] = []
    while month <= last and len(months) < 240:  # twenty years at most on one page
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def stage_times(scope: Scope, counts: StateCounts | None = None) -> Table:
    """Per stage: the stays in it that ended in the period (how many, the median and 90th
    percentile of their length in days), and the applications in it now, with those past
    the office's target for it (`curation.deadlines`: the office's own target where it set
    one, else the service standard the reminders use)."""
    stays = _stays(scope)
    counts = counts or StateCounts.of(scope)
    rows = []
    for state in STAGES:
        count, median, p90 = stays.get(state, (0, None, None))
        open_, late = counts.now_and_overdue(state)
        rows.append(
            Row(
                state.value,
                str(state.label),
                (count, _days(median), _days(p90), open_, late),
            )
        )
    return Table(
        key="stages",
        title=_("Days in each stage"),
        description=_(
            "How long applications stayed in each stage, over the stays that ended in the "
            "period (median and 90th percentile, in days); and today: how many are in each "
            "stage, and how many of them are past the office's target."
        ),
        label_column=Column("stage", _("Stage")),
        columns=[
            Column("stays", _("Stays ended")),
            Column("median_days", _("Median days")),
            Column("p90_days", _("90th percentile days")),
            Column("open", _("In it today")),
            Column("overdue", _("Overdue today")),
        ],
        rows=rows,
        chart="median_days",
    )


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _late(state: str, targets: deadlines.Targets, today: date) -> Q:
    """Overdue in `state` today: each region's applications against the cut-off of the
    office serving it, those of a region no office serves against the default."""
    late = Q(pk__in=[])
    by_cutoff: dict[datetime, list[int]] = {}
    for region_id, office_id in targets.office_of_region.items():
        target = targets.by_office.get(office_id, deadlines.DEFAULTS).get(state)
        if target is not None:
            by_cutoff.setdefault(target.overdue_if_entered_before(today), []).append(region_id)
    for cutoff, region_ids in by_cutoff.items():
        late |= Q(region_id__in=region_ids, state_changed_at__lt=cutoff)
    if (default := deadlines.DEFAULTS.get(state)) is not None:
        late |= Q(state_changed_at__lt=default.overdue_if_entered_before(today)) & ~Q(
            region_id__in=list(targets.office_of_region)
        )
    return late


class PercentileCont(Aggregate):
    """PostgreSQL's interpolated percentile of the values in a group."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Expression, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def _stays(scope: Scope) -> dict[str, tuple[int, float | None, float | None]]:
    """Per state left: (stays, median days, 90th percentile days) of the stays that ended
    in the period. Each audit row ends a stay, which began when the application entered
    the state it left (`source_since`). PostgreSQL takes the percentiles too; SQLite,
    which has none, returns the lengths in order and Python takes the same interpolated
    percentiles."""
    candidates = applications(scope, dated=False)
    if scope.start:
        # Nothing changed since the period began: no stay of it ended in the period.
        candidates = candidates.filter(state_changed_at__gte=scope.start)
    stays = (
        TransitionLog.objects.order_by()
        .filter(application__in=candidates.values("pk"))
        .filter(scope.in_period("at"))
    )
    length = ExpressionWrapper(F("at") - F("source_since"), output_field=DurationField())
    if connection.vendor == "postgresql":
        return {
            state: (n, _in_days(median), _in_days(p90))
            for state, n, median, p90 in stays.values_list("source")
            .annotate(
                n=Count("pk"),
                median=PercentileCont(length, 0.5, output_field=DurationField()),
                p90=PercentileCont(length, 0.9, output_field=DurationField()),
            )
            .values_list("source", "n", "median", "p90")
        }
    lengths: dict[str, list[float]] = {}
    ordered = stays.annotate(length=length).order_by("source", "length")
    for state, days in ordered.values_list("source", "length"):
        lengths.setdefault(state, []).append(_in_days(days))
    return {
        state: (len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9))
        for state, values in lengths.items()
    }


def _in_days(length: timedelta) -> float:
    return length.total_seconds() / 86400


def percentile_cont(ordered: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's `percentile_cont` of values in ascending order: the value at
    `fraction` of the way from the first to the last, interpolated between neighbours."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = math.floor(position), math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def curator_workload(scope: Scope) -> Table:
    """Per curator of the offices serving the scope's regions (and any other curating its
    applications): the unfinished applications they are assigned to, how many of them they
    lead, their scoresheets still to submit in the rounds open now, and those they
    submitted in the period.

    One query, the union of three: the assignments counted per curator, the scoresheets
    counted per curator, and the office's curators with nothing (so an idle curator is a
    row of zeros); each part reads the scope's applications by their region's index, and
    the parts are added up here."""
    zero = Value(0, output_field=IntegerField())
    period = scope.in_period("submitted_at")
    person = ("curator_id", "curator__first_name", "curator__username")
    assignments = CuratorAssignment.objects.order_by().filter(application__state__in=STAGES)
    sheets = Scoresheet.objects.order_by()
    to_submit = Q(
        submitted_at__isnull=True,
        round__closed_at__isnull=True,
        round__application__state__in=STAGES,
    )
    curators = get_user_model().objects.order_by().filter(groups__name=Role.CURATOR)
    if scope.region_ids is not None:
        assignments = assignments.filter(application__region_id__in=scope.region_ids)
        sheets = sheets.filter(round__application__region_id__in=scope.region_ids)
        curators = curators.filter(profile__office__served__region_id__in=scope.region_ids)
    if scope.category_id or scope.market_id:
        chosen = applications(scope, dated=False).values("pk")
        assignments = assignments.filter(application__in=chosen)
        sheets = sheets.filter(round__application__in=chosen)
    submitted = Count("pk", filter=period) if period else Count("pk", filter=~Q(submitted_at=None))
    parts = (
        assignments.values_list(*person).annotate(
            assigned=Count("pk"),
            leading=Count("pk", filter=Q(is_lead=True)),
            pending=zero,
            submitted=zero,
        ),
        sheets.filter(to_submit | (period & ~Q(submitted_at=None)))
        .values_list(*person)
        .annotate(
            assigned=zero,
            leading=zero,
            pending=Count("pk", filter=to_submit),
            submitted=submitted,
        ),
        curators.values_list("pk", "first_name", "username")
        .distinct()
        .annotate(assigned=zero, leading=zero, pending=zero, submitted=zero),
    )
    found: dict[int, list] = {}
    for pk, name, username, *counts in parts[0].union(parts[1], parts[2], all=True):
        row = found.setdefault(pk, [name or username, 0, 0, 0, 0])
        for i, n in enumerate(counts, start=1):
            row[i] += n or 0
    return Table(
        key="curators",
        title=_("Curators' workload"),
        description=_(
            "Today: the unfinished applications each curator is assigned to (and leads), "
            "and their scoresheets still to submit; in the period: the scoresheets they "
            "submitted."
        ),
        label_column=Column("curator", _("Curator")),
        columns=[
            Column("assigned", _("Open assignments")),
            Column("leading", _("Leading")),
            Column("pending", _("Scoresheets to submit")),
            Column("submitted", _("Scoresheets submitted")),
        ],
        rows=[
            Row(str(pk), row[0], tuple(row[1:]))
            for pk, row in sorted(found.items(), key=lambda item: (item[1][0].lower(), item[0]))
        ],
        chart="assigned",
    )


def application_tables(scope: Scope) -> list[Table]:
    counts = StateCounts.of(scope)
    return [
        by_state(scope, counts),
        by_grade(scope, counts),
        certified_per_month(scope),
        stage_times(scope, counts),
        curator_workload(scope),
    ]
