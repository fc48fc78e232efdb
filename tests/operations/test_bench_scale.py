"""`make bench-scale` runs: `python -m benchmarks.scale --quick` against the local PostgreSQL
seeds (or reuses) its two small databases, serves each with gunicorn, times every page and
prints the table with every page in it, after the EXPLAIN output. It measures; nothing
here asserts how fast a page is.

The quick run keeps to databases of its own (`siap_bench_quick_200`, `siap_bench_quick_2k`,
kept between runs like the full run's), so it never touches the full run's data. Without
PostgreSQL the test is skipped, unless DEPLOYMENT_REQUIRED=1 (as `.ci/run` sets it), where
that is a failure. It starts servers on this machine like the deployment smoke test, so
it is marked `deployment`: it runs on that test's worker, never beside it, and stays out
of CI's PostgreSQL pass with it.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from benchmarks.scale import PAGES, database_name
from tests.deployment.environment import PG_URL, REQUIRED

pytestmark = pytest.mark.deployment

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"\s+(\d+\.\d) ms"
ROW = re.compile(
    rf"^(?P<label>.+?)\s{{2,}}{NUMBER}{NUMBER}{NUMBER}{NUMBER}\s+(?P<ratio>\d+\.\d\d)×"
    r"\s+(?P<verdict>within|OVER \(.+?\))(?P<time_only> \(time only: more rows\))?"
    r"\s+(?P<path>/\S*)$"
)


@pytest.fixture
def postgres() -> str:
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        message = f"The scale benchmark needs PostgreSQL at {PG_URL} ({type(error).__name__})"
        if REQUIRED:
            pytest.fail(message + " (DEPLOYMENT_REQUIRED=1)")
        pytest.skip(message + ": start it, or set DEPLOYMENT_PG_URL")
    return PG_URL


def test_quick_run_prints_every_page(postgres: str) -> None:
    assert {database_name(200, quick=True), database_name(2000, quick=True)}.isdisjoint(
        {database_name(1000, quick=False), database_name(100_000, quick=False)}
    )
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--quick", "--pg-url", postgres],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    lines = completed.stdout.splitlines()

    header = next(n for n, line in enumerate(lines) if line.startswith("page "))
    assert "200 p95" in lines[header] and "2k p95" in lines[header]
    rows = lines[header + 1 : header + 1 + len(PAGES)]
    for page, row in zip(PAGES, rows, strict=True):
        match = ROW.match(row)
        assert match, f"not a row of the table: {row!r}"
        assert match["label"] == page.label
        assert match["path"] == page.path
        # The busiest staff's pages show more rows at the larger size: the ratio is not
        # judged there, and the row says so.
        assert bool(match["time_only"]) == (not page.same_rows)
    assert lines[header + 1 + len(PAGES)].startswith("Within goal: ")
    assert f"of {len(PAGES)} pages." in lines[header + 1 + len(PAGES)]

    # Before the table: which databases, which users, and the plans of the queues.
    output = completed.stdout
    assert "siap_bench_quick_200: 200 applications" in output
    assert "siap_bench_quick_2k: 2,000 applications" in output
    assert "umkm-bench (50 applications, 2 businesses)" in output
    for role in ("coordinator", "curator", "packaging_reviewer", "certifying_officer"):
        assert f"== {role} queue of " in output
    assert "Execution Time" in output

    # `make bench-export` on the same databases: every application of each, one row each.
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.export", "--pg-url", postgres]
        + ["--database-prefix", "siap_bench_quick_", "--sizes", "200,2k"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    table = completed.stdout.splitlines()
    assert table[0].split()[:3] == ["database", "rows", "MB"]
    assert [line.split()[:2] for line in table[1:3]] == [
        ["siap_bench_quick_200", "200"],
        ["siap_bench_quick_2k", "2,000"],
    ]
    assert table[3].startswith("Goal: the largest under 10 s")
