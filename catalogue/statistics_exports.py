"""The statistics as files: each table as CSV or XLSX, every table in one XLSX (a sheet
each), and the filtered applications themselves, one row each.

Headers and labels are in the user's language (the tables are built in it), the numbers
are numbers (an empty cell where there is none, such as the median of no stay), and the
file name carries the period.

The list of applications can be long (a province: a hundred thousand rows). As CSV it is
streamed (`StreamingHttpResponse`) from a server-side cursor (`iterator(chunk_size=2000)`)
of plain tuples (`values_list`), so the memory it takes does not grow with the rows. An
XLSX file must be written whole before it is sent, so its list stops at
`APPLICATIONS_XLSX_ROWS` rows and says so in its last row: the CSV has them all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from curation import statistics as figures
from curation.statistics import Scope, Table
from kernel.states import State

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
# Excel opens a UTF-8 CSV file as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"
APPLICATIONS_XLSX_ROWS = 10_000
CHUNK = 2000


def file_name(stem: str, scope: Scope, extension: str) -> str:
    period = "-".join(d.isoformat() for d in (scope.since, scope.until) if d)
    return f"{stem}{'-' + period if period else ''}.{extension}"


def _attachment(response: HttpResponse | StreamingHttpResponse, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def table_rows(table: Table) -> Iterator[list[Any]]:
    yield table.header
    for row in table.rows:
        yield [row.label, *row.values]


def table_csv(table: Table, scope: Scope) -> HttpResponse:
    response = HttpResponse(content_type=CSV)
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerows(["" if v is None else v for v in row] for row in table_rows(table))
    return _attachment(response, file_name(f"statistics-{table.key}", scope, "csv"))


def sheet_title(title: str, taken: set[str]) -> str:
    """An XLSX sheet's name: at most 31 characters, none of []:*?/\\, and unique."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def tables_xlsx(tables: Iterable[Table], scope: Scope, stem: str) -> HttpResponse:
    """The tables in one workbook, a sheet each, written in write-only mode (row by row,
    never a whole sheet in memory)."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_title(table.title, taken))
        for row in table_rows(table):
            sheet.append(row)
    return _xlsx_response(workbook, file_name(stem, scope, "xlsx"))


def _xlsx_response(workbook: Workbook, name: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX), name)


# The applications, one row each.


def application_header() -> list[str]:
    return [
        _("Application"),
        _("Product"),
        _("Business"),
        _("Region"),
        _("Office"),
        _("Category"),
        _("State"),
        _("Grade"),
        _("Score"),
        _("Created"),
        _("Submitted"),
        _("Certified"),
    ]


def application_values(scope: Scope) -> Iterator[tuple]:
    """The filtered applications as tuples, oldest first, read 2,000 at a time; the text
    of each cell in the language active now (read once, before the first row)."""
    english = (get_language() or "id").startswith("en")
    states = {state.value: str(state.label) for state in State}
    rows = (
        figures.applications(scope)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "product__name",
            "product__business__name",
            "region__code",
            "region__name",
            "office__name",  # the office it went to (empty for a draft)
            "product__category__label_en" if english else "product__category__label_id",
            "state",
            "grade",
            "final_score",
            "created_at",
            "submitted_at",
            "certified_at",
        )
    )
    return _converted(_without_jit(rows.iterator(chunk_size=CHUNK)), states)


def _without_jit(rows: Iterator[tuple]) -> Iterator[tuple]:
    """The rows, read with PostgreSQL planning for all of them: JIT off for this connection
    while they stream (above its cost threshold the planner compiles the query first,
    seconds before the first row, for a plain read of joined rows), and the cursor planned
    for every row. Set back afterwards (the connection may serve other requests)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
            # Plan for reading every row (a cursor's default plans for the first tenth),
            # so the joins are hashed once rather than looked up row by row.
            cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield from rows
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")
                cursor.execute("RESET cursor_tuple_fraction")


def _converted(rows: Iterator[tuple], states: dict[str, str]) -> Iterator[tuple]:
    zone = timezone.get_current_timezone()
    for (
        pk, product, business, code, region, office, category, state, grade, score,
        created, submitted, certified,
    ) in rows:  # fmt: skip
        yield (
            pk,
            product,
            business,
            f"{region} ({code})",
            office or "",
            category,
            states.get(state, state),
            grade,
            score,
            _day(created, zone),
            _day(submitted, zone),
            _day(certified, zone),
        )


def _day(moment: datetime | None, zone=None):
    return moment.astimezone(zone or timezone.get_current_timezone()).date() if moment else None


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def applications_csv(scope: Scope) -> StreamingHttpResponse:
    header = application_header()  # in the request's language, before streaming starts
    rows = application_values(scope)

    def lines() -> Iterator[str]:
        # A piece of the file per chunk of rows read: as little held as one chunk, and no
        # trip through the response's machinery per row.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(BOM)
        writer.writerow(header)
        for count, row in enumerate(rows, start=1):
            writer.writerow([_csv_cell(value) for value in row])
            if count % CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type=CSV)
    return _attachment(response, file_name("applications", scope, "csv"))


def applications_xlsx(scope: Scope) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(_("Applications"), set()))
    sheet.append(application_header())
    for count, row in enumerate(application_values(scope)):
        if count == APPLICATIONS_XLSX_ROWS:
            sheet.append(
                [
                    _(
                        "Only the first %(rows)s applications are in this file: download the "
                        "CSV file for all of them."
                    )
                    % {"rows": APPLICATIONS_XLSX_ROWS}
                ]
            )
            break
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    return _xlsx_response(workbook, file_name("applications", scope, "xlsx"))
