"""`make bench-export`: does the statistics' list of applications (CSV, one row each) stream
100,000 rows in under 10 seconds and in constant memory?

What is measured, per database of `make bench-scale` (siap_bench_1k, siap_bench_100k:
they must exist, seeded by it; nothing here seeds or migrates them): the export a
superuser downloads from /statistics/applications.csv with no period (every application),
through the view, reading its streamed body to the end as the server would send it. Beside
each size: the rows, the seconds, the peak of the memory Python allocated while it
streamed (tracemalloc), and how much the process's peak resident memory grew (ru_maxrss).
The goal: under 10 s at 100,000 rows, and a peak that does not grow with the rows: at most
8 MB, half of what the 100,000 rows' file weighs (holding the rows would take tens of
MB). The 1k figure is beside it for reference only: a thousand rows are less than one
chunk that the cursor reads (2,000), so its peak is below a chunk's.

    python -m benchmarks.export [--sizes 1000,100000] [--pg-url URL] [--database-prefix P]

Each size runs in a process of its own, so that one size's peak is not the other's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"
GOAL_SECONDS = 10.0
GOAL_PEAK_BYTES = 8 * 1024 * 1024


def measure() -> dict:
    """In a process of its own, against DATABASE_URL: stream the export once (warming
    up the imports and the connection on a one-row export first), then once measured."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from benchmarks.scale_vocabulary import SUPERUSER
    from catalogue.views.statistics import applications_export

    user = get_user_model().objects.get(username=SUPERUSER)

    def stream(query: str) -> tuple[int, int]:
        request = RequestFactory().get(f"/statistics/applications.csv?{query}")
        request.user = user
        response = applications_export(request, "csv")
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        return lines - 1, size  # less the header

    stream("since=2999-01-01&until=")  # the imports, the connection, the first query
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Timed as a server streams it. tracemalloc records every allocation, which slows
    # Python down by about half as much again, so the peak is taken on a second run.
    started = time.perf_counter()
    rows, size = stream("since=&until=")
    seconds = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    stream("since=&until=")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "peak_bytes": peak,
        "rss_growth_kb": rss_after - rss_before,
    }


def run(size_name: str, pg_url: str, prefix: str) -> dict:
    from benchmarks.scale import database_url

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.scale_settings",
        "DATABASE_URL": database_url(pg_url, f"{prefix}{size_name}"),
        "DEBUG": "false",  # DEBUG keeps every query's SQL: memory that grows with the rows
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.export", "--measure"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise SystemExit(f"the export at {size_name} failed ({completed.returncode})")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,100k", help="database suffixes (1k,100k)")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--database-prefix", default="siap_bench_")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure()))
        return
    sizes = args.sizes.split(",")
    results = {size: run(size, args.pg_url, args.database_prefix) for size in sizes}
    print(
        f"{'database':<24}{'rows':>10}{'MB':>8}{'seconds':>10}{'peak (tracemalloc)':>20}"
        f"{'RSS growth':>12}"
    )
    for size, r in results.items():
        print(
            f"{args.database_prefix + size:<24}{r['rows']:>10,}{r['bytes'] / 1e6:>8.1f}"
            f"{r['seconds']:>10.2f}{r['peak_bytes'] / 1e6:>17.2f} MB"
            f"{r['rss_growth_kb'] / 1024:>9.1f} MB"
        )
    big = results[sizes[-1]]
    over = []
    if big["seconds"] > GOAL_SECONDS:
        over.append(f"> {GOAL_SECONDS:.0f} s")
    if big["peak_bytes"] > GOAL_PEAK_BYTES:
        over.append(f"peak > {GOAL_PEAK_BYTES // 2**20} MB")
    verdict = "within" if not over else "OVER (" + ", ".join(over) + ")"
    print(
        f"Goal: the largest under {GOAL_SECONDS:.0f} s with a peak of at most "
        f"{GOAL_PEAK_BYTES // 2**20} MB: {verdict}"
    )


if __name__ == "__main__":
    main()
