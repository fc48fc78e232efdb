"""The memory of a render worker, for `make bench` (benchmarks/certificates.py): a fresh
process (`python -m benchmarks.certificates --rss-worker`) renders what a task worker
renders and reports its resident memory (RSS)."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mib() -> dict[str, float]:
    """This process's resident memory now and at its peak, in MiB (Linux: /proc)."""
    fields = {}
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"rss": fields.get("VmRSS", peak), "peak": fields.get("VmHWM", peak)}


def rss_worker(workdir: Path, certificate_id: int, renders: int, cache_url: str) -> dict:
    """Run `renders` renders in a fresh process (a render worker) and return its memory."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.certificates",
            "--rss-worker",
            str(certificate_id),
            "--renders",
            str(renders),
            "--workdir",
            str(workdir),
            "--cache-url",
            cache_url,
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_SECRET_KEY": os.environ["SECRET_KEY"]},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the render worker failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def render_worker(certificate_id: int, renders: int) -> None:
    """The child of `rss_worker`: renders in turn what a task worker renders (the signed
    certificate, the specification sheet, the checklist), writing nothing, and prints its
    memory after the first render and after the last as one JSON line. Django is set up
    first (benchmarks.certificates.setup_django)."""
    from certificates import dossier, rendering
    from certificates.models import Certificate
    from certificates.signing import load_signer, sign_pdf

    certificate = Certificate.objects.with_related().get(pk=certificate_id)

    def signed_certificate():
        sign_pdf(
            rendering.render_certificate_pdf(certificate),
            signer=load_signer(),
            reason="bench",
            location="Kediri",
        )

    kinds = [
        signed_certificate,
        lambda: dossier.render_specification_pdf(certificate),
        lambda: dossier.render_checklist_pdf(certificate),
    ]
    kinds[0]()
    first = rss_mib()
    for n in range(1, renders):
        kinds[n % len(kinds)]()
    print(json.dumps({"first": first, "after": rss_mib(), "renders": renders}))
