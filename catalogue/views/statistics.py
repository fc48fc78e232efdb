"""The statistics page of an office and its regions (/statistics/), its tables as CSV and
XLSX files, and the filtered applications as a file (`catalogue.statistics` says who may
read them and why they live in this layer; the figures are counted where their data lives).

Every address takes the page's filters from its query string, so the page works without
JavaScript, a filtered page can be shared, and its files hold what it shows. A filter the
user may not use (another office's region) is an error on the page (400), never a way
around their regions. A fixed number of queries whatever the number of applications.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from catalogue import statistics_exports as exports
from catalogue.charts import bar_chart
from catalogue.statistics import (
    TABLE_KEYS,
    Choices,
    StatisticsFilterForm,
    all_tables,
    can_see_statistics,
    table_by_key,
)


def _form(request) -> StatisticsFilterForm:
    if not can_see_statistics.test(request.user):
        raise PermissionDenied
    return StatisticsFilterForm(request.GET, choices=Choices.for_user(request.user))


@login_required
@require_safe
def statistics_page(request):
    form = _form(request)
    if not form.is_valid():
        return render(request, "catalogue/statistics.html", {"form": form}, status=400)
    tables = all_tables(form.scope())
    query = request.GET.urlencode()
    return render(
        request,
        "catalogue/statistics.html",
        {
            "form": form,
            "tables": [(table, bar_chart(table)) for table in tables],
            "query": f"?{query}" if query else "",
        },
    )


@login_required
@require_safe
def statistics_export(request, key, extension):
    """One table (`key`), or every table in one workbook (`key` "all", XLSX only)."""
    if key not in (*TABLE_KEYS, "all") or extension not in ("csv", "xlsx"):
        raise Http404
    if key == "all" and extension != "xlsx":
        raise Http404
    form = _form(request)
    if not form.is_valid():
        return render(request, "catalogue/statistics.html", {"form": form}, status=400)
    scope = form.scope()
    if key == "all":
        return exports.tables_xlsx(all_tables(scope), scope, "statistics")
    table = table_by_key(scope, key)
    if table is None:
        raise Http404
    if extension == "csv":
        return exports.table_csv(table, scope)
    return exports.tables_xlsx([table], scope, f"statistics-{key}")


@login_required
@require_safe
def applications_export(request, extension):
    """The filtered applications, one row each: CSV streamed whatever their number, XLSX
    up to `APPLICATIONS_XLSX_ROWS`."""
    if extension not in ("csv", "xlsx"):
        raise Http404
    form = _form(request)
    if not form.is_valid():
        return render(request, "catalogue/statistics.html", {"form": form}, status=400)
    if extension == "csv":
        return exports.applications_csv(form.scope())
    return exports.applications_xlsx(form.scope())
