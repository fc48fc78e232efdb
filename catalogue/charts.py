"""Bar charts of the statistics tables, drawn on the server as inline SVG (no script, no
dependency): one horizontal bar per row, its label above it, so that long labels (a
product, a curator) fit a 360 px phone. The chart only repeats its table, which is shown
with it and is what screen readers, the files and the API read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats

from curation.statistics import Number, Table

WIDTH = 320  # the drawing's own units; the SVG scales to its box (static/css/app.css)
ROW = 34  # a label's line and its bar
BAR = 14
VALUE_ROOM = 48  # right of the longest bar, for its number
LABEL_CHARACTERS = 48


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    label_y: int
    bar_y: int
    width: float
    value_x: float
    value_y: int


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    width: int
    height: int
    bars: list[Bar]


def shown(value: Number) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def bar_chart(table: Table) -> Chart | None:
    """The chart of `table`'s chart column, or None when there is nothing to draw."""
    values = table.chart_values()
    largest = max((v for _label, v in values if v), default=0)
    if not values or not largest:
        return None
    room = WIDTH - VALUE_ROOM
    bars = []
    for i, (label, value) in enumerate(values):
        top = i * ROW
        width = round(room * (value or 0) / largest, 1)
        if len(label) > LABEL_CHARACTERS:
            label = label[: LABEL_CHARACTERS - 1] + "…"
        bars.append(
            Bar(
                label=label,
                value=shown(value),
                label_y=top + 12,
                bar_y=top + 16,
                width=width,
                value_x=width + 4,
                value_y=top + 28,
            )
        )
    return Chart(key=table.key, title=table.title, width=WIDTH, height=len(values) * ROW, bars=bars)
