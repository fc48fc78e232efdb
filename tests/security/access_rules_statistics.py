"""The access rules of the statistics (/statistics/, its files, /api/statistics/): the
regional head and the coordinators read their own regions' figures; another region's
coordinator reads only theirs, and asking for this region's is refused; nobody else
reads any. See access_rules.py."""

from __future__ import annotations

from django.urls import reverse

from tests.security.access_rules_api import _enquired
from tests.security.access_world import API_REFUSED, Rule, allow, product_name

# Who may open the pages: the office's readers, and another region's coordinator (who
# sees only their own region's figures).
READERS = frozenset({"coordinator", "regional_admin", "foreign_coordinator"})
# Who reads this region's figures: the enquiries' table names the product asked about.
THIS_REGION = frozenset({"coordinator", "regional_admin"})
# A filter naming this region: refused (400) to the other region's coordinator.
REFUSED_FILTER = (400, 403, 404)
KEDIRI = "region=35.71"


def _path(name, *args, query=""):
    return lambda w: reverse(name, args=args) + (f"?{query}" if query else "")


STATISTICS_RULES = [
    Rule(
        "statistics:page",
        "statistics",
        _path("statistics:page"),
        setup=_enquired,
        allowed=allow(READERS),
        secret=product_name,
        shows_to=THIS_REGION,
        must_show=THIS_REGION,
    ),
    Rule(
        "statistics:page",
        "statistics-this-region",
        _path("statistics:page", query=KEDIRI),
        setup=_enquired,
        allowed=allow(THIS_REGION),
        refused=REFUSED_FILTER,
    ),
    Rule(
        "statistics:export",
        "statistics-table-csv",
        _path("statistics:export", "enquiries", "csv"),
        setup=_enquired,
        allowed=allow(READERS),
        secret=product_name,
        shows_to=THIS_REGION,
        must_show=THIS_REGION,
    ),
    Rule(
        "statistics:export",
        "statistics-table-csv-this-region",
        _path("statistics:export", "enquiries", "csv", query=KEDIRI),
        setup=_enquired,
        allowed=allow(THIS_REGION),
        refused=REFUSED_FILTER,
    ),
    Rule(
        "statistics:export",
        "statistics-all-xlsx",
        _path("statistics:export", "all", "xlsx"),
        setup=_enquired,
        allowed=allow(READERS),
    ),
    # Streamed: its rows are checked in tests/statistics (read back).
    Rule(
        "statistics:applications",
        "statistics-applications-csv",
        _path("statistics:applications", "csv"),
        setup=_enquired,
        allowed=allow(READERS),
    ),
    Rule(
        "statistics:applications",
        "statistics-applications-xlsx-this-region",
        _path("statistics:applications", "xlsx", query=KEDIRI),
        setup=_enquired,
        allowed=allow(THIS_REGION),
        refused=REFUSED_FILTER,
    ),
    Rule(
        "api_statistics",
        "api-statistics",
        _path("api_statistics"),
        setup=_enquired,
        allowed=allow(READERS),
        anonymous=API_REFUSED,
        secret=product_name,
        shows_to=THIS_REGION,
        must_show=THIS_REGION,
    ),
    Rule(
        "api_statistics",
        "api-statistics-this-region",
        _path("api_statistics", query=KEDIRI),
        setup=_enquired,
        allowed=allow(THIS_REGION),
        anonymous=API_REFUSED,
        refused=REFUSED_FILTER,
    ),
]
