"""`make bench`: how fast issuing, rendering and verifying certificates is on this machine,
each figure beside the goal it has (issue "Speed and scale").

Three ratios and a figure, each side of a ratio measured in the same loop, in turns (A, B,
A, B...), so that whatever else the machine does weighs on both alike:

- issuance / a bare WeasyPrint render of the same HTML (goal: at most 1.2×). Issuance is
  what a certifying officer waits for before the certificate can be downloaded: the
  certify service and the certificate's task (render, sign, store); the export dossier is
  then queued in a task of its own, run afterwards and timed apart;
- the verification page / a bare template view (goal: at least 75 % of its throughput).
  Both are requests through Django's test client in this one process (the same worker,
  the whole middleware stack); the bare view renders the same template from a context
  held in memory: no database, no cache, no rate limit;
- our render (one font configuration per process) / the bare render, for information;
- the resident memory (RSS) of a render worker after N renders (goal: at most 250 MiB;
  N is 1,000 unless --renders says otherwise): a fresh process renders certificates
  (signed), specification sheets and checklists in turn, as a task worker does.

Also the median and 95th percentile of signing, of the export dossier's task and of a
download. Runs on a fresh clone after `make install`: everything happens in a throwaway
SQLite database and media folder in a temporary directory (removed at the end), with the
reference data loaded and the data made through the services, as an office would.

    python -m benchmarks.certificates [--runs 20] [--requests 1000] [--renders 1000]
    python -m benchmarks.certificates --quick      # small sizes: checks it runs (CI)
"""

import argparse
import difflib
import os
import platform
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import benchmarks.certificates_urls as urlconf
from benchmarks.certificates_memory import render_worker, rss_worker
from benchmarks.certificates_office import Office

ROOT = Path(__file__).resolve().parent.parent

# The goals (issue "Speed and scale").
ISSUANCE_GOAL = 1.2  # issuance at most this many bare renders
VERIFY_GOAL = 0.75  # the verification page at least this share of a bare view's throughput
RSS_GOAL_MIB = 250  # a render worker's RSS after the renders

QUICK = {"runs": 3, "requests": 40, "renders": 12}


def configure(workdir: Path, cache_url: str = "locmemcache://") -> None:
    """Point the settings at the temporary directory before Django reads them."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "AWS_STORAGE_BUCKET_NAME": "",
            "SIGNING_PKCS12_PATH": str(workdir / "signing" / "bench.p12"),
            "SIGNING_PKCS12_PASSPHRASE": "",
            # Tasks are queued, not run: the benchmark runs each one itself, as a worker
            # would, so that what it times is one task and not the tasks it queues.
            "TASKS_BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "EMAIL_URL": "dummymail://",
            "CACHE_URL": cache_url,
            # The rate limit is counted on every request (that is part of the page's
            # cost) but never reached.
            "VERIFY_RATE_LIMIT": str(10**9),
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(40),
            "LOG_LEVEL": "ERROR",
            "SITE_URL": "https://siap-ekspor.example",
            "ALLOWED_HOSTS": "testserver",
            "STATIC_ROOT": str(workdir / "static"),
        }
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def setup_django() -> None:
    import warnings

    import django

    # WhiteNoise looks for collected static files, which only a deployment makes.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()


def timed(function, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        function()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def alternated(a, b, runs: int, warmup: int = 2) -> tuple[list[float], list[float]]:
    """Time `a` and `b` in turns (A, B, A, B...), after `warmup` turns of each."""
    for _ in range(warmup):
        a()
        b()
    times_a, times_b = [], []
    for _ in range(runs):
        for function, times in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
    return times_a, times_b


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _goal(ok: bool) -> str:
    return "meets the goal" if ok else "MISSES the goal"


def run(*, runs: int, requests: int, renders: int, workdir: Path, cache_url: str) -> None:
    setup_django()
    from importlib.metadata import version

    import weasyprint
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django_tasks import default_task_backend

    from certificates import rendering
    from certificates.models import Certificate
    from certificates.signing import create_development_key, load_signer, sign_pdf
    from certificates.tasks import certificate_render_task, dossier_render_task
    from curation import services

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    # With DEBUG off the pages need the collected static files' manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    # Production (DEBUG off) refuses the development key's name: a key like an office's.
    create_development_key(
        Path(settings.SIGNING_PKCS12_PATH), common_name="Siap Ekspor benchmark signer"
    )
    office = Office()
    backend = default_task_backend

    print(
        f"Preparing {runs + 2} applications through the workflow services...",
        file=sys.stderr,
        flush=True,
    )
    applications = iter([office.awaiting_certification(n) for n in range(runs + 2)])
    dossiers_queued: list[int] = []

    # A: issuance, as the officer's side sees it: the certify service (its commit queues
    # the certificate's task), then that task as a worker runs it: render, sign, store.
    # The task queues the export dossier, which runs later (below), not in this time.
    def issue():
        backend.clear()
        services.application_certify(application=next(applications), by=office.officer)
        (queued,) = [r for r in backend.results if r.task.name == certificate_render_task.name]
        outcome = certificate_render_task.call(*queued.args)
        assert len(outcome) == 64, f"the certificate's task failed: {outcome}"
        dossiers_queued.extend(
            r.args[0] for r in backend.results if r.task.name == dossier_render_task.name
        )

    # B: the bare render of the same HTML (a certificate like those issued): WeasyPrint
    # as its documentation shows it, a new font configuration per document.
    html = ""

    def bare_render():
        weasyprint.HTML(string=html).write_pdf()

    issue()  # one issued certificate to take the bare render's HTML from
    reference_stored = time.monotonic()
    reference = Certificate.objects.get(pk=dossiers_queued[0])
    html = rendering.render_certificate_html(reference)
    issuance, plain = alternated(issue, bare_render, runs, warmup=1)
    certificates = list(Certificate.objects.order_by("pk"))
    assert all(c.is_ready for c in certificates), "a certificate render failed"
    assert len(dossiers_queued) == len(certificates), "a dossier was not queued"
    assert not any(c.is_dossier_ready for c in certificates), "a dossier ran in issuance"

    # The export dossiers, each in its own task, after its certificate.
    dossier_ids = iter(dossiers_queued)
    dossier_task = timed(lambda: dossier_render_task.call(next(dossier_ids)), runs, warmup=2)
    for certificate_id in dossier_ids:
        dossier_render_task.call(certificate_id)
    assert all(c.is_dossier_ready for c in Certificate.objects.all()), "a dossier failed"

    # Our render (the process's font configuration) against the bare one, in turns.
    ours, plain_again = alternated(
        lambda: rendering.render_certificate_pdf(reference), bare_render, runs
    )
    unsigned = rendering.render_certificate_pdf(reference)
    signing = timed(
        lambda: sign_pdf(unsigned, signer=load_signer(), reason="bench", location="Kediri"),
        runs,
    )

    # The verification page against a bare template view, request by request in turns,
    # both through the test client in this process.
    # The page caches nothing for a few seconds after a change (the PDF stored, here):
    # measure it as it is all the rest of the time.
    from certificates.verification import SETTLE_SECONDS, verified_certificate

    time.sleep(max(0.0, reference_stored + SETTLE_SECONDS + 0.1 - time.monotonic()))
    verify_url = f"/verify/{reference.verification_code}/"
    bare_url = f"/bench/bare/{reference.verification_code}/"
    # The bare view of the comparison's URL configuration (benchmarks/certificates_urls.py).
    urlconf.BareView.context = {
        "certificate": verified_certificate(reference.verification_code),
        "verdict": reference.verdict(),
        "check": None,
        "language": "id",
        "path": verify_url,
        "max_upload_mb": round(settings.VERIFY_UPLOAD_MAX_BYTES / 1_048_576, 1),
    }
    from django.test.utils import override_settings

    visitor = Client()
    with override_settings(ROOT_URLCONF="benchmarks.certificates_urls"):
        for url in (verify_url, bare_url):
            response = visitor.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
        page, bare = alternated(
            lambda: visitor.get(verify_url, secure=True),
            lambda: visitor.get(bare_url, secure=True),
            requests,
            warmup=20,
        )

        def same_page(url):
            # Each request's own CSRF token (masked anew every time) and path aside.
            body = visitor.get(url, secure=True).content.decode().replace(bare_url, verify_url)
            return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)

        ours_page, bare_page = same_page(verify_url), same_page(bare_url)
        diff = "\n".join(difflib.unified_diff(ours_page.splitlines(), bare_page.splitlines()))
        assert ours_page == bare_page, "the bare view must render the same page:\n" + diff

    client = Client()
    client.force_login(office.msme)
    download_url = f"/certificates/{reference.pk}/download/"

    def download():
        response = client.get(download_url, secure=True)
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)

    downloads = timed(download, runs)

    print("Measuring a render worker's memory...", file=sys.stderr, flush=True)
    worker = rss_worker(workdir, reference.pk, renders, cache_url)

    rows = [
        ("issue: certify + the certificate's task (render, sign, store)", issuance),
        ("bare WeasyPrint render of the same HTML (in turns with the above)", plain),
        ("render one certificate, warm (our write_pdf)", ours),
        ("bare WeasyPrint render (in turns with the above)", plain_again),
        ("sign it (PAdES B-B, ECDSA P-256)", signing),
        ("export dossier task, after the certificate (own task)", dossier_task),
        ("download an issued certificate (test client GET)", downloads),
        ("verification page (test client GET)", page),
        ("bare template view, same page (in turns with the above)", bare),
    ]
    print()
    print(
        f"Siap Ekspor certificates: {runs} runs per timing after warm-up, {requests} requests "
        f"per page, {renders} renders for memory · {platform.python_implementation()} "
        f"{platform.python_version()}, WeasyPrint {weasyprint.__version__}, pyHanko "
        f"{version('pyHanko')}, {os.cpu_count()} CPUs, SQLite and local files in a "
        f"temporary directory, cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    print(f"{'':68} {'median':>9} {'p95':>9}")
    for label, values in rows:
        print(f"{label:68} {statistics.median(values) * 1000:7.1f} ms {p95(values) * 1000:6.1f} ms")
    print()
    issuance_ratio = statistics.median(issuance) / statistics.median(plain)
    render_ratio = statistics.median(ours) / statistics.median(plain_again)
    page_rps, bare_rps = len(page) / sum(page), len(bare) / sum(bare)
    verify_share = page_rps / bare_rps
    rss = worker["after"]["rss"]
    print(f"{'figure':52} {'measured':>12}   goal")
    print(
        f"{'issuance / bare render (medians)':52} {issuance_ratio:11.2f}×   "
        f"≤ {ISSUANCE_GOAL:.1f}×  {_goal(issuance_ratio <= ISSUANCE_GOAL)}"
    )
    print(
        f"{'verification page / bare view (requests per second)':52} {verify_share:11.0%}   "
        f"≥ {VERIFY_GOAL:.0%}  {_goal(verify_share >= VERIFY_GOAL)}"
        f"  ({page_rps:.0f} vs {bare_rps:.0f} req/s)"
    )
    print(
        f"{f'render worker RSS after {renders} renders':52} {rss:8.0f} MiB   "
        f"≤ {RSS_GOAL_MIB} MiB  {_goal(rss <= RSS_GOAL_MIB)}"
        f"  (after 1 render {worker['first']['rss']:.0f} MiB, peak {worker['after']['peak']:.0f})"
    )
    print(f"{'our render / bare render (medians; no goal)':52} {render_ratio:11.2f}×")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (20)")
    parser.add_argument(
        "--requests", type=int, default=1000, help="requests per page, in turns (1000)"
    )
    parser.add_argument(
        "--renders", type=int, default=1000, help="renders before a worker's RSS (1000)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes, to check that it runs ({', '.join(f'{k} {v}' for k, v in QUICK.items())})",
    )
    parser.add_argument(
        "--cache-url",
        default="locmemcache://",
        help="the cache the pages use (default: in-process; e.g. redis://127.0.0.1:6379/9)",
    )
    parser.add_argument("--rss-worker", type=int, metavar="CERTIFICATE_ID", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    if args.rss_worker is not None:
        configure(args.workdir, args.cache_url)
        setup_django()
        render_worker(args.rss_worker, args.renders)
        return
    if args.runs < 2 or args.requests < 2 or args.renders < 2:
        parser.error("--runs, --requests and --renders must be at least 2")
    workdir = Path(tempfile.mkdtemp(prefix="siap-bench-"))
    try:
        configure(workdir, args.cache_url)
        run(
            runs=args.runs,
            requests=args.requests,
            renders=args.renders,
            workdir=workdir,
            cache_url=args.cache_url,
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
