"""`make test` runs the suite on both cores with `--dist loadgroup`: the browser tests, the
deployment smoke test and the tests that share one Redis database rely on their
`xdist_group` keeping them on one worker. An upgrade of pytest or pytest-xdist once broke
that without a word (every group spread over both workers); this catches it."""

import subprocess
import sys
import textwrap

GROUPED_TESTS = textwrap.dedent(
    """
    import os

    import pytest

    @pytest.mark.xdist_group("together")
    @pytest.mark.parametrize("n", range(8))
    def test_grouped(n, tmp_path_factory):
        worker = os.environ["PYTEST_XDIST_WORKER"]
        log = tmp_path_factory.getbasetemp().parent.parent / "workers.txt"
        with open(log, "a") as out:
            out.write(worker + "\\n")
    """
)


def test_a_group_runs_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED_TESTS)
    (tmp_path / "conftest.py").write_text("")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:django",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "--basetemp",
            str(tmp_path / "base"),
            "test_grouped.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers = (tmp_path / "workers.txt").read_text().split()
    assert len(workers) == 8
    assert len(set(workers)) == 1, workers
