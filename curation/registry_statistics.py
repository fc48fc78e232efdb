"""The registry's figures on the statistics page (`catalogue.statistics`): the businesses of
the scope's regions by legal form, size class, sector (the KBLI division: the code's first
two digits) and whether a woman leads them, each row split into the businesses with a
certified product and those without.

They live in curation, not in products, because "certified" is the workflow's to say (an
application of one of the business's products that reached `certified`). The registry
is what the office holds today: the period, the category and the market do not apply.
One query for the four tables (`registry_counts`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from curation.models import Application
from curation.statistics import Column, Row, Scope, Table
from kernel.states import State
from products.models import Business

# The registry's groupings: what a business is counted by in each table.
GROUPS = ("legal_form", "size", "division", "women_led")


def registry_counts(scope: Scope) -> list[tuple[str, str, str | None, bool | None, int, int]]:
    """One query for the four tables: the scope's businesses counted per combination of
    legal form, size class, KBLI division and women-led (a few hundred rows at most,
    whatever the number of businesses), each with how many have a certified product."""
    found = Business.objects.order_by()
    if scope.region_ids is not None:
        found = found.filter(region_id__in=scope.region_ids)
    certified = Application.objects.filter(product__business=OuterRef("pk"), state=State.CERTIFIED)
    return list(
        found.alias(has_certified=Exists(certified))
        .annotate(division=Substr("kbli", 1, 2))
        .values_list(*GROUPS)
        .annotate(total=Count("pk"), certified=Count("pk", filter=Q(has_certified=True)))
        .values_list(*GROUPS, "total", "certified")
    )


def _table(
    counts: list[tuple],
    *,
    key: str,
    title: str,
    label: str,
    group: str,
    labels: Callable[[object], str],
    order: list | None = None,
) -> Table:
    """The businesses grouped by one of `GROUPS`, each group with how many have a
    certified product."""
    index = GROUPS.index(group)
    found: dict[object, list[int]] = {}
    for row in counts:
        value = row[index] if row[index] != "" else None
        sums = found.setdefault(value, [0, 0])
        sums[0] += row[-2]
        sums[1] += row[-1]
    order = order or []
    keys = [k for k in order if k in found] + sorted(
        (k for k in found if k not in order), key=lambda k: (k is None, str(k))
    )
    return Table(
        key=key,
        title=title,
        description=_(
            "The businesses of the registry (today, whatever the period), and how many of "
            "them have a certified product."
        ),
        label_column=Column(key.removeprefix("registry_"), label),
        columns=[
            Column("businesses", _("Businesses")),
            Column("certified", _("With a certified product")),
            Column("not_certified", _("Without")),
        ],
        rows=[
            Row(
                "" if k is None else str(k).lower(),
                labels(k),
                (found[k][0], found[k][1], found[k][0] - found[k][1]),
            )
            for k in keys
        ],
        chart="businesses",
    )


def _choice_label(choices: dict) -> Callable[[object], str]:
    return lambda value: str(choices.get(value) or _("Not recorded"))


def by_legal_form(counts: list[tuple]) -> Table:
    return _table(
        counts,
        key="registry_legal_form",
        title=_("Businesses by legal form"),
        label=_("Legal form"),
        group="legal_form",
        labels=_choice_label(dict(Business.LegalForm.choices)),
        order=list(Business.LegalForm.values),
    )


def by_size(counts: list[tuple]) -> Table:
    return _table(
        counts,
        key="registry_size",
        title=_("Businesses by size class"),
        label=_("Size class"),
        group="size",
        labels=_choice_label(dict(Business.Size.choices)),
        order=list(Business.Size.values),
    )


def by_sector(counts: list[tuple]) -> Table:
    def label(division: object) -> str:
        if not division:
            return _("Not recorded")
        return _("KBLI %(division)s") % {"division": division}

    return _table(
        counts,
        key="registry_sector",
        title=_("Businesses by sector"),
        label=_("Sector (KBLI division)"),
        group="division",
        labels=label,
    )


def by_women_led(counts: list[tuple]) -> Table:
    answers = {True: _("Led by a woman"), False: _("Not led by a woman")}
    return _table(
        counts,
        key="registry_women_led",
        title=_("Women-led businesses"),
        label=_("Leadership"),
        group="women_led",
        labels=_choice_label(answers),
        order=[True, False],
    )


TABLES: dict[str, Callable[[list[tuple]], Table]] = {
    "registry_legal_form": by_legal_form,
    "registry_size": by_size,
    "registry_sector": by_sector,
    "registry_women_led": by_women_led,
}


def registry_tables(scope: Scope) -> list[Table]:
    counts = registry_counts(scope)
    return [make(counts) for make in TABLES.values()]


def registry_table(scope: Scope, key: str) -> Table:
    return TABLES[key](registry_counts(scope))
