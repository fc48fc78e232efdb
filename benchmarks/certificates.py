"""`make bench`: how long issuing and serving a certificate takes on this machine.

Prints the median and 95th percentile of: rendering one certificate (warm process),
signing it, the whole issuance (the certify service and the render task it queues:
certificate, then export dossier), downloading an issued certificate (Django's test
client), and a plain WeasyPrint render of the same HTML; and the ratio of issuance to
that plain render.

Runs on a fresh clone after `make install`: everything happens in a throwaway SQLite
database and media folder in a temporary directory (removed at the end), with the
reference data loaded and the data made through the services, as an office would.

    python -m benchmarks.certificates [--runs 20]
"""

import argparse
import os
import platform
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def configure(workdir: Path) -> None:
    """Point the settings at the temporary directory before Django reads them."""
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "AWS_STORAGE_BUCKET_NAME": "",
            "SIGNING_PKCS12_PATH": str(workdir / "signing" / "bench.p12"),
            "SIGNING_PKCS12_PASSPHRASE": "",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "EMAIL_URL": "dummymail://",
            "CACHE_URL": "locmemcache://",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "LOG_LEVEL": "ERROR",
            "SITE_URL": "https://siap-ekspor.example",
        }
    )
    sys.path.insert(0, str(ROOT))


def timed(function, runs: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        function()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


# Data, through the services.


class Office:
    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from kernel.roles import Role
        from products.models import Business, Membership, Region

        users = get_user_model()
        self.region = Region.objects.get(code="35.71")

        def person(username, *roles):
            user = users.objects.create_user(
                username, f"{username}@bench.example", "bench", first_name=username.title()
            )
            for role in roles:
                user.groups.add(Group.objects.get(name=role))
            user.profile.regions.add(self.region)
            return user

        self.msme = person("rini", Role.MSME)
        self.coordinator = person("koordinator", Role.COORDINATOR)
        self.lead = person("kurator1", Role.CURATOR)
        self.curator = person("kurator2", Role.CURATOR)
        self.reviewer = person("reviewer", Role.PACKAGING_REVIEWER)
        self.officer = person("pejabat", Role.CERTIFYING_OFFICER)
        self.business = Business.objects.create(
            name="Sambal Bu Rini",
            nib="9120001234567",
            npwp="012345678901000",
            address="Jl. Dhoho 1, Kediri",
            region=self.region,
            email="rini@bench.example",
        )
        Membership.objects.create(
            business=self.business, user=self.msme, role=Membership.Role.OWNER
        )
        for kind, number in (("nib", "9120001234567"), ("npwp", "01.234.567.8-901.000")):
            self.document(kind, number=number)

    def document(self, kind, *, product=None, number=""):
        from datetime import timedelta

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from products.models import Document, DocumentType
        from products.uploads import inspect_upload

        doc_type = DocumentType.objects.get(key=kind)
        upload = SimpleUploadedFile(
            "scan" + (".png" if "photo" in kind else ".pdf"), _content(kind)
        )
        inspected = inspect_upload(upload)
        return Document.objects.create(
            business=self.business,
            product=product,
            kind=doc_type,
            number=number,
            expires_on=timezone.localdate() + timedelta(days=700) if doc_type.expires else None,
            file=upload,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=self.msme,
        )

    def product(self, n: int):
        from decimal import Decimal

        from products.models import Category, Market, Product

        product = Product.objects.create(
            business=self.business,
            name=f"Sambal Pecel Bu Rini {n}",
            category=Category.objects.get(key="sauces_condiments"),
            hs_code="21039090",
            description="Peanut chili sauce for pecel, dry paste.",
            materials="Peanuts, chili, palm sugar, garlic, kaffir lime leaf, salt",
            monthly_capacity=Decimal("2000"),
            capacity_unit="jars",
            shelf_life_days=180,
            fob_price=Decimal("2.40"),
            fob_currency="USD",
        )
        product.target_markets.set(Market.objects.filter(key__in=["jp", "my"]))
        self.document("product_photo", product=product)
        self.document("packaging_photo", product=product)
        self.document("pirt", product=product, number="2063571010123-29")
        self.document("halal", product=product, number="ID35110000123450824")
        return product

    def awaiting_certification(self, n: int):
        """An application brought to "awaiting certification" through the services."""
        from assessments.rules import packaging_items
        from assessments.services import packaging_review_save, scoresheet_save
        from curation import services

        application = services.application_create(product=self.product(n), by=self.msme)
        services.application_submit(application=application, by=self.msme)
        services.application_assign_curators(
            application=application,
            by=self.coordinator,
            curators=[self.lead, self.curator],
            lead=self.lead,
        )
        for curator in (self.lead, self.curator):
            scores = {c.key: (4, "Good.") for c in application.rubric.criteria.all()}
            scoresheet_save(
                application=application,
                curator=curator,
                scores=scores,
                recommendation="pass",
                submit=True,
            )
        services.application_pass_curation(application=application, by=self.lead)
        results = {item.key: ("pass", "") for item in packaging_items(application)}
        packaging_review_save(application=application, reviewer=self.reviewer, results=results)
        services.application_approve_packaging(application=application, by=self.reviewer)
        return application


def _content(kind: str) -> bytes:
    import io

    from PIL import Image

    if "photo" in kind:
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), (190, 80, 40)).save(buffer, format="PNG")
        return buffer.getvalue()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def run(runs: int) -> None:
    import warnings

    import django

    # WhiteNoise looks for collected static files, which only a deployment makes.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    django.setup()
    from importlib.metadata import version

    import weasyprint
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from certificates import rendering
    from certificates.models import Certificate
    from certificates.signing import create_development_key, load_signer, sign_pdf
    from certificates.storing import certificate_render
    from curation import services

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    create_development_key(Path(settings.SIGNING_PKCS12_PATH))
    office = Office()

    print(
        f"Preparing {runs + 2} applications through the workflow services...",
        file=sys.stderr,
        flush=True,
    )
    applications = [office.awaiting_certification(n) for n in range(runs + 2)]

    # The whole issuance: the certify service, whose commit runs the render task (the
    # immediate backend runs it at once): certificate rendered, signed, stored, then the
    # export dossier (specification sheet, checklist, ZIP).
    queue = iter(applications)

    def issue():
        services.application_certify(application=next(queue), by=office.officer)

    issuance = timed(issue, runs)
    certificates = list(Certificate.objects.order_by("pk"))
    assert all(c.is_ready and c.is_dossier_ready for c in certificates), "a render failed"
    certificate = certificates[-1]

    render = timed(lambda: rendering.render_certificate_pdf(certificate), runs)
    unsigned = rendering.render_certificate_pdf(certificate)
    signer = load_signer()
    signing = timed(
        lambda: sign_pdf(unsigned, signer=signer, reason="bench", location="Kota Kediri"), runs
    )
    html = rendering.render_certificate_html(certificate)
    plain = timed(lambda: weasyprint.HTML(string=html).write_pdf(), runs)

    # The certificate alone (what issuance cost before the dossier): certify, then
    # render, sign and store the certificate only.
    from django.test.utils import override_settings

    more = [office.awaiting_certification(runs + 2 + n) for n in range(runs + 2)]
    queue = iter(more)
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def issue_certificate_only():
        application = next(queue)
        with override_settings(TASKS=dummy):
            services.application_certify(application=application, by=office.officer)
        certificate_render(certificate_id=application.certificate.pk)

    certificate_only = timed(issue_certificate_only, runs)

    client = Client()
    client.force_login(office.msme)
    url = f"/certificates/{certificate.pk}/download/"

    def download():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        b"".join(response.streaming_content)

    downloads = timed(download, runs)

    rows = [
        ("render one certificate (warm process)", render),
        ("sign it (PAdES B-B, ECDSA P-256)", signing),
        ("issue: certify + render task (certificate + dossier)", issuance),
        ("  certificate only: certify + render, sign, store", certificate_only),
        ("download an issued certificate (test client GET)", downloads),
        ("plain WeasyPrint render of the same HTML", plain),
    ]
    print()
    print(
        f"Siap Ekspor certificates, {runs} runs each after 2 warm-up runs · "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"WeasyPrint {weasyprint.__version__}, pyHanko {version('pyHanko')}, "
        f"{os.cpu_count()} CPUs, SQLite and local files in a temporary directory"
    )
    print(f"{'':56} {'median':>9} {'p95':>9}")
    for label, values in rows:
        print(f"{label:56} {statistics.median(values) * 1000:7.1f} ms {p95(values) * 1000:6.1f} ms")
    base = statistics.median(plain)
    print(
        f"{'ratio issuance / plain render (medians)':56} {statistics.median(issuance) / base:8.2f}×"
    )
    print(
        f"{'ratio certificate-only issuance / plain render':56} "
        f"{statistics.median(certificate_only) / base:8.2f}×"
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per figure (default 20)")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    workdir = Path(tempfile.mkdtemp(prefix="siap-bench-"))
    try:
        configure(workdir)
        run(args.runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
