"""`make bench-scale`: do the list pages hold up when the data grows a hundredfold?

What is measured: the median (p50) and 95th percentile (p95), in milliseconds, of real
HTTP GETs of every list page and API list of every role (`PAGES`: the MSME's applications,
products, notifications and API list; each staff role's work queue, `?queue=<role>` of
the application list; the coordinator's overview with and without its filters; the
regional head's list; the admin's application changelist with a search, as a
superuser), at two dataset sizes: 1,000 and 100,000 applications. Beside each page: the
ratio of the p95s (100k / 1k) and the goals, p95 ≤ 150 ms at 100k and ≤ 1.5 times the 1k
figure, each row marked within or over.

How:

1. One PostgreSQL database per size (`siap_bench_1k`, `siap_bench_100k`; `--quick` uses
   `siap_bench_quick_*`), created when missing and migrated on every run. A new one is
   seeded by benchmarks/scale_dataset.py (bulk_create; N applications in every state with
   their audit trail, assignments, scores, packaging reviews, certificates, notifications,
   from thousands of businesses, and the staff of nine offices), then VACUUM ANALYZE,
   then marked (the database's comment holds size and SEED_VERSION). A later run reuses a
   database marked with the same size and version; `--reseed` rebuilds it. The databases
   are kept: drop them with `dropdb` when done.
2. Each database is served by its own gunicorn (deploy/gunicorn.conf.py, one sync worker,
   DEBUG off, the production middleware; benchmarks/scale_settings.py only drops the
   static files' manifest, which `collectstatic` would have to write first).
3. The timed users. The planted ones have the same rows at every size, so their pages
   are judged on both goals: the MSME `umkm-bench` (50 applications), the curator
   `kurator-bench` (a desk of 40), and the staff of the planted office, which serves
   only Kota Kediri, where no generated business is (more than a page waiting for its
   coordinator, packaging reviewer and certifying officer; its regional head). Beside
   them, per staff role, the one with the longest queue in the data ("busiest"): their
   pages show more rows behind them at 100,000, and are judged on the time goal alone.
   Each gets a session made in that database as the sign-in leaves it (staff
   with their TOTP recorded), held by a persistent `requests` session.
4. Warm-up rounds, then the timed rounds: each round requests every page once per size,
   alternating the sizes request by request (1k, 100k, 1k, 100k, ...), so whatever else
   loads the machine weighs on both alike. A page must answer 200 every time.
5. Afterwards, in-process against the largest database: EXPLAIN (ANALYZE, BUFFERS) of each
   work queue's count and page queries, built through the selectors as the list builds
   them, and the SQL each page runs (count, time, the slowest statements); printed before
   the table, or written to `--explain-to FILE`.

    python -m benchmarks.scale [--sizes 1000,100000] [--requests 30] [--warmup 3]
                               [--reseed] [--quick] [--explain-to FILE] [--pg-url URL]

`--quick` (200 and 2,000 applications, 3 requests per page) is for CI: it measures, but
proves nothing about speed. PostgreSQL comes from `--pg-url` (or BENCH_PG_URL), by default
postgres://postgres@127.0.0.1:5432/postgres; the user must be allowed to create databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import requests

from benchmarks.scale_timing import PAGES, measure, page_path, size_label, table
from benchmarks.scale_vocabulary import SEED_VERSION

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def database_name(size: int, *, quick: bool) -> str:
    return f"siap_bench_{'quick_' if quick else ''}{size_label(size)}"


def marker(size: int) -> str:
    return f"siap-bench-scale size={size} version={SEED_VERSION}"


def database_url(pg_url: str, name: str) -> str:
    return urlsplit(pg_url)._replace(path=f"/{name}", query="").geturl()


# The databases.


def ensure_database(pg_url: str, name: str, wanted: str, *, reseed: bool) -> bool:
    """Create the database when missing, or rebuild it when it is not marked as seeded
    with `wanted` (or `reseed`). Returns whether it must be seeded."""
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=5) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        if row is not None and row[0] == wanted and not reseed:
            return False
        if row is not None:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        return True


# The processes.


def django_environment(database: str, *, secret_key: str, workdir: Path) -> dict[str, str]:
    """What the servers and commands get: production settings (DEBUG off) pointed at one
    database, nothing of the caller's shell besides PATH and HOME."""
    return {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "benchmarks.scale_settings",
        "DATABASE_URL": database,
        "DEBUG": "false",
        "SECRET_KEY": secret_key,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on the loopback: no proxy in front to terminate HTTPS.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "CACHE_URL": "locmemcache://",
        "EMAIL_URL": "dummymail://",
        "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "AWS_STORAGE_BUCKET_NAME": "",
        "SENTRY_DSN": "",
        "SIGNING_PKCS12_PATH": str(workdir / "signing.p12"),
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "json",
    }


def run_django(arguments: list[str], env: dict[str, str]) -> str:
    """benchmarks/scale_database.py with these arguments; its standard output."""
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_database", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if completed.returncode:
        raise SystemExit(f"scale_database {arguments[0]} failed ({completed.returncode})")
    return completed.stdout


def prepare_all(jobs: dict[int, tuple[dict[str, str], bool]]) -> dict[int, dict[str, Any]]:
    """Migrate (and seed) every database at once, one process each; their answers."""
    processes = {}
    for size, (env, seed) in jobs.items():
        arguments = ["prepare", str(size), marker(size), *(["--seed"] if seed else [])]
        processes[size] = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.scale_database", *arguments],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    results = {}
    try:
        for size, process in processes.items():
            output, _ = process.communicate()
            if process.returncode:
                raise SystemExit(f"preparing the {size_label(size)} database failed")
            results[size] = json.loads(output.strip().splitlines()[-1])
    finally:
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return results


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving one database, as deploy/Procfile's `web` does (one sync worker);
    its output in a log file."""

    def __init__(self, name: str, env: dict[str, str], logs: Path):
        self.name = name
        self.port = free_port()
        self.env = {**env, "BIND": f"127.0.0.1:{self.port}"}
        self.log_path = logs / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            # No worker restarts in the middle of the timing.
            "--max-requests",
            "0",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, with its worker
            )
        return self

    def wait_until_live(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer /healthz in {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def serving(envs: dict[int, dict[str, str]], logs: Path) -> Iterator[dict[int, Server]]:
    servers = {size: Server(f"web-{size_label(size)}", env, logs) for size, env in envs.items()}
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_until_live()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


# The report.


def report_header(
    args: argparse.Namespace,
    sizes: list[int],
    names: dict[int, str],
    prepared: dict[int, dict[str, Any]],
    seeded: dict[int, bool],
) -> list[str]:
    with psycopg.connect(args.pg_url, connect_timeout=5) as admin:
        (server_version,) = admin.execute("SHOW server_version").fetchone() or ("?",)
    lines = [
        f"Siap Ekspor at scale: {args.requests} timed requests per page and size after "
        f"{args.warmup} warm-up rounds, sizes alternating request by request; gunicorn "
        f"(1 sync worker, DEBUG off) per database, PostgreSQL {server_version}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; load average {args.load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after",
    ]
    for size in sizes:
        result = prepared[size]
        counts = result["counts"]
        if seeded[size]:
            how = f"seeded in {result['seed_seconds']:.0f} s by this run"
        else:
            how = "reused (seeded by an earlier run)"
        applications = sum(n for key, n in counts.items() if key.startswith("applications "))
        lines.append(
            f"  {names[size]}: {applications:,} applications, {counts['businesses']:,} "
            f"businesses, {counts['users']:,} users, {counts['audit rows']:,} audit rows, "
            f"{counts['notifications']:,} notifications; {how}"
        )
        people = ", ".join(
            f"{role} {p['username']} ({p['detail']})" for role, p in result["personas"].items()
        )
        lines.append(f"    timed as: {people}")
    return lines


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="applications per database (default 1000,100000)")
    parser.add_argument("--requests", type=int, help="timed requests per page and size (30)")
    parser.add_argument("--warmup", type=int, help="warm-up rounds, not timed (3)")
    parser.add_argument("--reseed", action="store_true", help="rebuild the databases")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes (200, 2000) and 3 requests per page, in databases of their own (CI)",
    )
    parser.add_argument("--explain-to", type=Path, help="write the EXPLAIN output to this file")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", DEFAULT_PG_URL),
        help=f"a PostgreSQL database to connect to for creating others (default {DEFAULT_PG_URL})",
    )
    args = parser.parse_args(argv)
    default_sizes = "200,2000" if args.quick else "1000,100000"
    try:
        args.sizes = sorted({int(s) for s in (args.sizes or default_sizes).split(",")})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas")
    if len(args.sizes) < 2 or args.sizes[0] < 100:
        parser.error("--sizes needs two sizes or more, each of 100 applications or more")
    if args.requests is None:
        args.requests = 3 if args.quick else 30
    if args.warmup is None:
        args.warmup = 1 if args.quick else 3
    if args.requests < 1 or args.warmup < 0:
        parser.error("--requests must be at least 1, --warmup at least 0")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    sizes: list[int] = args.sizes
    try:
        psycopg.connect(args.pg_url, connect_timeout=5).close()
    except psycopg.Error as error:
        raise SystemExit(f"PostgreSQL is not reachable at {args.pg_url}: {error}") from None
    args.load_before = os.getloadavg()[0]
    names = {size: database_name(size, quick=args.quick) for size in sizes}
    secret_key = secrets.token_urlsafe(50)
    started = time.monotonic()
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="siap-bench-scale-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        (workdir / "static").mkdir()  # empty: WhiteNoise only checks that it is there
        envs = {
            size: django_environment(
                database_url(args.pg_url, names[size]), secret_key=secret_key, workdir=workdir
            )
            for size in sizes
        }
        seeded = {
            size: ensure_database(args.pg_url, names[size], marker(size), reseed=args.reseed)
            for size in sizes
        }
        print(
            "Preparing "
            + ", ".join(f"{names[s]} ({'seeding' if seeded[s] else 'reusing'})" for s in sizes),
            file=sys.stderr,
            flush=True,
        )
        prepared = prepare_all({size: (envs[size], seeded[size]) for size in sizes})
        personas = {size: prepared[size]["personas"] for size in sizes}
        cookie = prepared[sizes[0]]["cookie"]

        print("Serving and timing", file=sys.stderr, flush=True)
        with serving(envs, workdir) as servers:
            samples = measure(
                servers,
                personas,
                cookie,
                requests_per_page=args.requests,
                warmup=args.warmup,
            )

        big = sizes[-1]
        print(f"EXPLAIN ANALYZE against {names[big]}", file=sys.stderr, flush=True)
        pages = [
            {"label": p.label, "role": p.role, "path": page_path(p, personas[big][p.role])}
            for p in PAGES
        ]
        explained = run_django(
            ["explain", json.dumps(personas[big]), json.dumps(pages)],
            {**envs[big], "LOG_LEVEL": "WARNING"},  # not a line per request
        )
        heading = f"EXPLAIN ANALYZE at {size_label(big)} ({names[big]})"
        if args.explain_to:
            args.explain_to.write_text(f"{heading}\n{explained}")
            print(f"{heading}: written to {args.explain_to}")
        else:
            print(f"{heading}\n{explained}")

    print()
    for line in report_header(args, sizes, names, prepared, seeded):
        print(line)
    print()
    for line in table(samples, sizes):
        print(line)
    print(f"({time.monotonic() - started:.0f} s in all)")


if __name__ == "__main__":
    main()
