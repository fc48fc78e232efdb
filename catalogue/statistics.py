"""The statistics of an office and its regions (issue #12): who may read them, the filters,
and the tables of the page, its CSV and XLSX files and /api/statistics/.

The page lives in the catalogue's layer, the top one of the apps, because it is the only
layer that reads both the applications (`curation.statistics`, and the registry's figures
in `curation.registry_statistics`) and the buyers' enquiries (`catalogue.models`); the
figures are computed where their data lives, and this module only puts them together.

Who: the regional head, the coordinators and the office administrators, each for the
regions their office serves (`products.permissions.staff_region_ids`); a superuser for
every region. The filters are checked against those: a region or an office that is not
theirs is an error, never a way to see another office's figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

import rules
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import Enquiry
from curation import registry_statistics
from curation import statistics as figures
from curation.statistics import Column, Row, Scope, Table
from kernel.roles import Role, user_roles
from offices.models import ServedRegion
from products.forms import DATE_WIDGET
from products.models import Category, Market, Product, Region
from products.permissions import staff_region_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser

# The roles the figures are for (WORKFLOW.md: the regional head reads statistics; the
# coordinator and the office's administrator plan with them).
STATISTICS_ROLES = frozenset({Role.REGIONAL_ADMIN, Role.COORDINATOR, Role.OFFICE_ADMIN})
# The products asked about most that the enquiries' table shows.
ENQUIRY_ROWS = 50


@rules.predicate
def can_see_statistics(user: _AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(STATISTICS_ROLES & user_roles(user)) and bool(staff_region_ids(user))


@dataclass(frozen=True)
class Choices:
    """What the user may filter by: their regions, the offices serving them, and every
    category and market. Read in three queries."""

    regions: list[Region]
    offices: dict[str, tuple[str, list[int]]]  # code -> (name, the user's regions it serves)
    categories: list[Category]
    markets: list[Market]
    all_regions: bool  # a superuser: no region condition at all

    @classmethod
    def for_user(cls, user: _AnyUser) -> Choices:
        everything = bool(user.is_superuser)
        regions = Region.objects.order_by("code")
        if not everything:
            regions = regions.filter(pk__in=staff_region_ids(user))
        region_list = list(regions)
        offices: dict[str, tuple[str, list[int]]] = {}
        served = ServedRegion.objects.filter(region__in=[r.pk for r in region_list])
        for code, name, region_id in served.order_by("office__name").values_list(
            "office__code", "office__name", "region_id"
        ):
            offices.setdefault(code, (name, []))[1].append(region_id)
        return cls(
            regions=region_list,
            offices=offices,
            categories=list(Category.objects.order_by("key")),
            markets=list(Market.objects.order_by("key")),
            all_regions=everything,
        )


def default_period(today: date | None = None) -> tuple[date, date]:
    """Twelve whole months to today: this month and the eleven before it."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    for _month in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
    return month, today


class StatisticsFilterForm(forms.Form):
    """The page's filters, read from the address (so the page works without JavaScript, a
    filtered page can be shared, and its files and the API take the same parameters)."""

    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_WIDGET)
    region = forms.ChoiceField(label=gettext_lazy("Region"), required=False)
    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    market = forms.ChoiceField(label=gettext_lazy("Market"), required=False)

    def __init__(self, data, *, choices: Choices):
        if "since" not in data and "until" not in data:
            # No period asked for: the last twelve months (an empty date is "no limit").
            since, until = default_period()
            data = {**dict(data.items()), "since": since.isoformat(), "until": until.isoformat()}
        super().__init__(data)
        self.choices = choices
        everything = [("", _("All"))]
        self.fields["region"].choices = everything + [(r.code, str(r)) for r in choices.regions]
        self.fields["office"].choices = everything + [
            (code, name) for code, (name, _regions) in choices.offices.items()
        ]
        self.fields["category"].choices = everything + [
            (c.key, c.label) for c in choices.categories
        ]
        self.fields["market"].choices = everything + [(m.key, m.name) for m in choices.markets]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise ValidationError(_("The period ends before it begins."))
        return data

    def scope(self) -> Scope:
        """The checked filters as a `Scope` (call after `is_valid()`)."""
        data, choices = self.cleaned_data, self.choices
        region_ids: tuple[int, ...] | None = (
            None if choices.all_regions else tuple(r.pk for r in choices.regions)
        )
        if data.get("region"):
            region_ids = tuple(r.pk for r in choices.regions if r.code == data["region"])
        if data.get("office"):
            served = choices.offices[data["office"]][1]
            region_ids = tuple(r for r in (region_ids or served) if r in served)
        category = next((c.pk for c in choices.categories if c.key == data.get("category")), None)
        market = next((m.pk for m in choices.markets if m.key == data.get("market")), None)
        return Scope(
            region_ids=region_ids,
            since=data.get("since"),
            until=data.get("until"),
            category_id=category,
            market_id=market,
        )


def enquiries_per_product(scope: Scope) -> Table:
    """The products of the scope asked about most in the period, with what their
    businesses made of the enquiries (never what the enquiries say)."""
    found = Enquiry.objects.order_by().filter(scope.in_period("created_at"))
    if scope.region_ids is not None:
        found = found.filter(business__region_id__in=scope.region_ids)
    if scope.category_id:
        found = found.filter(product__category_id=scope.category_id)
    if scope.market_id:
        markets = Product.target_markets.through.objects.filter(
            product_id=OuterRef("product_id"), market_id=scope.market_id
        )
        found = found.filter(Exists(markets))
    statuses = list(Enquiry.Status.values)
    rows = (
        found.values_list("product", "product__name", "business__name")
        .annotate(total=Count("pk"), **{s: Count("pk", filter=Q(status=s)) for s in statuses})
        .order_by("-total", "product__name", "product")[:ENQUIRY_ROWS]
    )
    return Table(
        key="enquiries",
        title=_("Enquiries per product"),
        description=_(
            "The products buyers asked about most in the period (at most %(rows)s), and "
            "what their businesses made of the enquiries."
        )
        % {"rows": ENQUIRY_ROWS},
        label_column=Column("product", _("Product")),
        columns=[
            Column("total", _("Enquiries")),
            *(Column(s, str(Enquiry.Status(s).label)) for s in statuses),
        ],
        rows=[
            Row(str(pk), f"{name} ({business})", tuple(counts))
            for pk, name, business, *counts in rows
        ],
        chart="total",
    )


def all_tables(scope: Scope) -> list[Table]:
    """Every table of the page, in its order."""
    return [
        *figures.application_tables(scope),
        enquiries_per_product(scope),
        *registry_statistics.registry_tables(scope),
    ]


def table_by_key(scope: Scope, key: str) -> Table | None:
    """One table (for its file), computing only that one."""
    makers: dict[str, Callable[[Scope], Table]] = {
        "states": figures.by_state,
        "grades": figures.by_grade,
        "certified": figures.certified_per_month,
        "stages": figures.stage_times,
        "curators": figures.curator_workload,
        "enquiries": enquiries_per_product,
    }
    if key in registry_statistics.TABLES:
        return registry_statistics.registry_table(scope, key)
    return makers[key](scope) if key in makers else None


TABLE_KEYS = (
    "states",
    "grades",
    "certified",
    "stages",
    "curators",
    "enquiries",
    *registry_statistics.TABLES,
)
