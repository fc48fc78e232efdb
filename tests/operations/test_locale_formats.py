"""One format per language (config/formats/): one long and one short date, each
language's separators, money with its currency, and nothing in the templates or the code
that prints a date its own way. The pages and PDFs that use them:
tests/certificates/test_locale_formats.py."""

import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from products.templatetags.local_formats import money, number

ROOT = Path(__file__).resolve().parents[2]
JAKARTA = ZoneInfo("Asia/Jakarta")

# What each language prints, and what the issue found on different pages (Django's own
# Indonesian "j N Y" and "d-m-Y", its American English "m/d/Y" and "N j, Y").
DATES = {
    "id": {
        "DATE_FORMAT": "2 Desember 2026",
        "SHORT_DATE_FORMAT": "2 Des 2026",
        "DATETIME_FORMAT": "2 Desember 2026, 14.05",
        "SHORT_DATETIME_FORMAT": "2 Des 2026, 14.05",
    },
    "en": {
        "DATE_FORMAT": "2 December 2026",
        "SHORT_DATE_FORMAT": "2 Dec 2026",
        "DATETIME_FORMAT": "2 December 2026, 14:05",
        "SHORT_DATETIME_FORMAT": "2 Dec 2026, 14:05",
    },
}


@pytest.mark.parametrize("language", ["id", "en"])
def test_one_long_and_one_short_date_per_language(language):
    moment = datetime(2026, 12, 2, 14, 5, tzinfo=JAKARTA)
    with translation.override(language):
        printed = {name: formats.date_format(moment, name) for name in DATES[language]}
        # A template's |date without a format is the long one.
        printed_plain = Template("{{ day|date }}").render(Context({"day": date(2026, 12, 2)}))
    assert printed == DATES[language]
    assert printed_plain == DATES[language]["DATE_FORMAT"]
    for wrong in ("02-12-2026", "2 Des. 2026", "12/02/2026", "Dec. 2, 2026"):
        assert wrong not in printed.values()


def test_every_month_reads_alike_in_both_languages():
    """The short form's month abbreviations: three letters, no full stop, in each
    language's own words (Mei, Agu, Okt, Des; May, Aug, Oct, Dec)."""
    with translation.override("id"):
        indonesian = [
            formats.date_format(date(2026, m, 1), "SHORT_DATE_FORMAT") for m in (5, 8, 10)
        ]
    with translation.override("en"):
        english = [formats.date_format(date(2026, m, 1), "SHORT_DATE_FORMAT") for m in (5, 8, 10)]
    assert indonesian == ["1 Mei 2026", "1 Agu 2026", "1 Okt 2026"]
    assert english == ["1 May 2026", "1 Aug 2026", "1 Oct 2026"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", ["3,430", "7,5", "1.200", "2.000", "USD 2,50", "USD 3.825,00", "JPY 1.300"]),
        ("en", ["3.430", "7.5", "1,200", "2,000", "USD 2.50", "USD 3,825.00", "JPY 1,300"]),
    ],
)
def test_numbers_and_money_in_each_language(language, expected):
    with translation.override(language):
        printed = [
            number(Decimal("3.43"), 3),
            number(Decimal("7.500")),  # trailing zeros dropped, not "7,500"
            number(Decimal("1200.000")),
            number("2000.00", -2),  # the dossier keeps numbers as text
            money(Decimal("2.5"), "USD"),
            money(Decimal("3825"), "USD"),
            money(Decimal("1299.50"), "JPY"),  # the yen has no minor unit: rounded half up
        ]
    assert printed == expected


def test_years_and_ids_in_templates_stay_ungrouped():
    """Grouping is asked for where a number is printed, not turned on for every number."""
    with translation.override("id"):
        assert Template("{{ year }} {{ pk }}").render(Context({"year": 2026, "pk": 12345})) == (
            "2026 12345"
        )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # Written differently: the Indonesian, then the English as the PDFs' .en line.
        ("{{ v|number:3 }} m³", '3,430 m³<span class="en">3.430 m³</span>'),
        ("{{ p|money:'USD' }}", 'USD 2,40<span class="en">USD 2.40</span>'),
        # Written alike: once.
        ("{{ n|number }} kg", "375 kg"),
    ],
)
def test_a_bilingual_cell_prints_each_language_its_own_way(content, expected):
    template = Template("{% load local_formats %}{% bilingual %}" + content + "{% endbilingual %}")
    context = Context({"v": Decimal("3.430"), "p": Decimal("2.40"), "n": Decimal("375.000")})
    with translation.override("en"):  # whatever the page's language
        assert template.render(context) == expected


# Kept so: no template or module prints a date in a pattern of its own.

NAMED_FORMATS = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "YEAR_MONTH_FORMAT",
}
# Machine-readable, for <time datetime="...">: never shown to a reader.
MACHINE_FORMATS = {"c", "Y-m-d"}
DATE_FILTER = re.compile(r"""\|(date|time):\s*(["'])(?P<format>[^"']*)\2""")
APPS = ["assessments", "catalogue", "certificates", "config", "curation", "kernel", "products"]


def template_files():
    return sorted(p for p in (ROOT / "templates").rglob("*") if p.suffix in {".html", ".txt"})


def test_templates_use_the_named_date_formats_only():
    wrong = []
    for path in template_files():
        text = path.read_text()
        for match in DATE_FILTER.finditer(text):
            pattern = match["format"]
            if pattern in NAMED_FORMATS:
                continue
            # A machine format only as the value of a datetime="" attribute.
            before = text[: match.start()]
            in_datetime_attribute = re.search(r'datetime="\{\{[^}]*$', before) is not None
            if pattern in MACHINE_FORMATS and in_datetime_attribute:
                continue
            line = text.count("\n", 0, match.start()) + 1
            wrong.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)}")
    assert not wrong, "Use DATE_FORMAT or SHORT_DATE_FORMAT:\n" + "\n".join(wrong)


def test_the_code_prints_dates_with_the_named_formats_only():
    own_pattern = re.compile(r"""strftime\(|date_format\([^)]*,\s*["'](?P<format>[^"']*)["']""")
    wrong = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for match in own_pattern.finditer(path.read_text()):
                if match["format"] in NAMED_FORMATS:
                    continue
                wrong.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not wrong, "Use the named formats (config/formats/):\n" + "\n".join(wrong)


def test_the_grep_finds_a_pattern_of_its_own():
    """The two tests above would pass on nothing: they do find what they look for."""
    assert DATE_FILTER.search('{{ d|date:"j F Y" }}')["format"] == "j F Y"
    assert DATE_FILTER.search("{{ d|date:'SHORT_DATE_FORMAT' }}")["format"] in NAMED_FORMATS
    assert len(template_files()) > 50
