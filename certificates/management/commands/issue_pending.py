import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from certificates.models import Certificate, Shipment
from certificates.storing import certificate_issue_files, shipment_render


class Command(BaseCommand):
    help = (
        "Render and store everything issued that has no file yet: certificates (signed PDF "
        "and export dossier) and shipment papers (pro-forma invoice and packing list), "
        "after a failed render or with a task backend that cannot retry. Safe to run at any "
        "time, e.g. from cron: a file already stored is never rendered again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many of each.")

    def handle(self, *args, limit=None, **options):
        verbosity = options["verbosity"]
        certificates = self._ids(Certificate.objects.pending().order_by("issued_at", "pk"), limit)
        failed = self._run(
            certificates,
            lambda pk: certificate_issue_files(certificate_id=pk),
            "certificates",
            verbosity,
        )
        if verbosity > 0:
            self.stdout.write(
                f"Rendered {len(certificates) - len(failed)} of {len(certificates)} pending "
                "certificates."
            )
        pending_shipments = self._ids(
            Shipment.objects.pending().order_by("created_at", "pk"), limit
        )
        failed_shipments = self._run(
            pending_shipments,
            lambda pk: shipment_render(shipment_id=pk),
            "shipments",
            verbosity,
        )
        if verbosity > 0 and pending_shipments:
            self.stdout.write(
                f"Rendered {len(pending_shipments) - len(failed_shipments)} of "
                f"{len(pending_shipments)} pending shipments."
            )
        lines = []
        if failed:
            numbers = dict(
                Certificate.objects.filter(pk__in=[pk for pk, _ in failed]).values_list(
                    "pk", "number"
                )
            )
            lines += [f"{numbers[pk]}: {message}" for pk, message in failed]
        if failed_shipments:
            numbers = dict(
                Shipment.objects.filter(pk__in=[pk for pk, _ in failed_shipments]).values_list(
                    "pk", "number"
                )
            )
            lines += [f"{numbers[pk]}: {message}" for pk, message in failed_shipments]
        if lines:
            raise CommandError("Some files are still pending:\n" + "\n".join(lines))

    @staticmethod
    def _ids(queryset, limit) -> list[int]:
        ids = queryset.values_list("pk", flat=True)
        return list(ids[:limit] if limit else ids)

    @staticmethod
    def _run(ids, render, label, verbosity) -> list[tuple[int, str]]:
        failed = []
        for pk in tqdm(
            ids, desc=label, unit="item", disable=verbosity == 0 or not ids, file=sys.stderr
        ):
            try:
                render(pk)
            except Exception as error:  # recorded on the row; go on with the rest
                failed.append((pk, f"{type(error).__name__}: {error}"))
        return failed
