"""The pages `make bench-scale` (benchmarks/scale.py) times, the timing itself (every page
once per size each round, the sizes alternating request by request) and the table of
the figures beside the goals."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import requests

from benchmarks.scale_vocabulary import BUSIEST, PLANTED_REGION, SEARCH_TERM

if TYPE_CHECKING:
    from benchmarks.scale import Server

GOAL_P95_MS = 150.0
GOAL_RATIO = 1.5


@dataclass(frozen=True)
class Page:
    label: str
    role: str  # whose session requests it: a key of the personas
    path: str  # may name {planted_region} (PLANTED_REGION) and {search}
    # False where the rows shown grow with the data (the busiest office's queues): a
    # different page at each size, so only the time goal applies, not the ratio.
    same_rows: bool = True


PAGES: tuple[Page, ...] = (
    Page("MSME: applications", "msme", "/applications/"),
    Page("MSME: products", "msme", "/products/"),
    Page("MSME: notifications", "msme", "/notifications/"),
    Page("MSME: API applications", "msme", "/api/applications/"),
    Page("curator: queue", "curator", "/applications/?queue=curator"),
    Page("curator: all applications", "curator", "/applications/"),
    Page("curator: notifications", "curator", "/notifications/"),
    Page("curator: API applications", "curator", "/api/applications/"),
    Page("coordinator: queue", "coordinator", "/applications/?queue=coordinator"),
    Page("coordinator: all applications", "coordinator", "/applications/"),
    Page("coordinator: overview", "coordinator", "/overview/"),
    Page(
        "coordinator: overview, filtered",
        "coordinator",
        "/overview/?region={planted_region}&state=in_curation&overdue=1",
    ),
    Page("coordinator: overview, search", "coordinator", "/overview/?q={search}"),
    Page("coordinator: notifications", "coordinator", "/notifications/"),
    Page("coordinator: API applications", "coordinator", "/api/applications/"),
    Page(
        "packaging reviewer: queue",
        "packaging_reviewer",
        "/applications/?queue=packaging_reviewer",
    ),
    Page("packaging reviewer: notifications", "packaging_reviewer", "/notifications/"),
    Page("officer: queue", "certifying_officer", "/applications/?queue=certifying_officer"),
    Page("regional head: applications", "regional_admin", "/applications/"),
    # The statistics (the last twelve months of their regions: catalogue/statistics.py).
    Page("regional head: statistics", "regional_admin", "/statistics/"),
    Page("regional head: API statistics", "regional_admin", "/api/statistics/"),
    Page("coordinator: statistics", "coordinator", "/statistics/"),
    Page("admin: applications, search", "superuser", "/admin/curation/application/?q={search}"),
    # The public catalogue, as a buyer sees it without signing in.
    Page("buyer: catalogue", "buyer", "/catalogue/"),
    Page("buyer: catalogue, filtered", "buyer", "/catalogue/?region={planted_region}"),
    # The other filters at once: a page of the 349 such products at 100,000, of 12 at 1,000.
    Page(
        "buyer: catalogue, by category, market, grade",
        "buyer",
        "/catalogue/?category=coffee_spices&market=jp&grade=A",
    ),
    Page("buyer: catalogue, search", "buyer", "/catalogue/?q={search}"),
    Page("buyer: product page", "buyer", "/catalogue/products/{listed_product}/"),
    Page("buyer: API catalogue", "buyer", "/api/catalogue/"),
    # The staff with the longest queues in the data: full pages at both sizes, and far
    # more behind them at 100,000.
    *(
        Page(f"{name}, busiest: {what}", f"{role}{BUSIEST}", path, same_rows=False)
        for name, role, what, path in (
            ("coordinator", "coordinator", "queue", "/applications/?queue=coordinator"),
            ("coordinator", "coordinator", "overview", "/overview/"),
            (
                "packaging reviewer",
                "packaging_reviewer",
                "queue",
                "/applications/?queue=packaging_reviewer",
            ),
            ("officer", "certifying_officer", "queue", "/applications/?queue=certifying_officer"),
            ("regional head", "regional_admin", "applications", "/applications/"),
            ("regional head", "regional_admin", "statistics", "/statistics/"),
        )
    ),
)


def size_label(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


# The timing.


def page_path(page: Page, persona: dict[str, Any]) -> str:
    """The page's path, with what its persona found in that database (the catalogue's
    planted product) filled in."""
    return page.path.format(
        planted_region=PLANTED_REGION, search=SEARCH_TERM, **persona.get("params", {})
    )


def measure(
    servers: dict[int, Server],
    personas: dict[int, dict[str, dict[str, Any]]],
    cookie: str,
    *,
    requests_per_page: int,
    warmup: int,
) -> dict[str, dict[int, list[float]]]:
    """Milliseconds per page and size: `warmup` rounds discarded, then the timed ones."""
    sessions: dict[tuple[int, str], requests.Session] = {}
    for size in servers:
        for role, persona in personas[size].items():
            session = requests.Session()
            if persona["session"]:  # the buyer has none: the public pages, anonymous
                session.cookies.set(cookie, persona["session"], domain="127.0.0.1", path="/")
            session.headers["Accept-Language"] = "id"
            sessions[size, role] = session
    samples: dict[str, dict[int, list[float]]] = {p.label: {s: [] for s in servers} for p in PAGES}
    rounds = warmup + requests_per_page
    try:
        for number in range(rounds):
            print(
                f"  round {number + 1}/{rounds}{' (warm-up)' if number < warmup else ''}",
                file=sys.stderr,
                flush=True,
            )
            for page in PAGES:
                for size, server in servers.items():  # alternating: 1k, 100k, 1k, ...
                    path = page_path(page, personas[size][page.role])
                    session = sessions[size, page.role]
                    started = time.perf_counter()
                    response = session.get(server.url + path, allow_redirects=False, timeout=120)
                    elapsed = (time.perf_counter() - started) * 1000
                    if response.status_code != 200:
                        raise SystemExit(
                            f"{page.label} at {size_label(size)} ({path}) answered "
                            f"{response.status_code} {response.headers.get('Location', '')}\n"
                            f"{response.text[:500]}\n{server.log_tail()}"
                        )
                    if number >= warmup:
                        samples[page.label][size].append(elapsed)
    finally:
        for session in sessions.values():
            session.close()
    return samples


# The report.


def verdict(big_p95: float, small_p95: float, *, same_rows: bool = True) -> str:
    over = []
    if big_p95 > GOAL_P95_MS:
        over.append(f"> {GOAL_P95_MS:.0f} ms")
    if same_rows and big_p95 > GOAL_RATIO * small_p95:
        over.append(f"> {GOAL_RATIO}×")
    return "within" if not over else "OVER (" + ", ".join(over) + ")"


def table(samples: dict[str, dict[int, list[float]]], sizes: list[int]) -> list[str]:
    small, big = sizes[0], sizes[-1]
    width = max(len(p.label) for p in PAGES) + 2
    columns = "".join(f"{size_label(s) + ' p50':>11}{size_label(s) + ' p95':>11}" for s in sizes)
    ratio_name = f"{size_label(big)}/{size_label(small)}"
    lines = [
        f"{'page':<{width}}{columns}{ratio_name + ' p95':>14}   "
        f"goal: {size_label(big)} p95 ≤ {GOAL_P95_MS:.0f} ms and ≤ {GOAL_RATIO}× "
        f"{size_label(small)}   path",
    ]
    within = 0
    for page in PAGES:
        figures = samples[page.label]
        cells = "".join(
            f"{statistics.median(figures[s]):8.1f} ms{p95(figures[s]):8.1f} ms" for s in sizes
        )
        small_p95, big_p95 = p95(figures[small]), p95(figures[big])
        mark = verdict(big_p95, small_p95, same_rows=page.same_rows)
        within += mark == "within"
        if not page.same_rows:
            mark += " (time only: more rows)"
        lines.append(
            f"{page.label:<{width}}{cells}{big_p95 / small_p95:13.2f}×   {mark:<44}{page.path}"
        )
    lines.append(f"Within goal: {within} of {len(PAGES)} pages.")
    return lines
