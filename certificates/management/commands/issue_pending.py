import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from certificates import services
from certificates.models import Certificate


class Command(BaseCommand):
    help = (
        "Render, sign and store every issued certificate that has no PDF yet (after a "
        "failed render, or with a task backend that cannot retry). Safe to run at any time, "
        "e.g. from cron: a certificate already stored is never rendered again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many.")

    def handle(self, *args, limit=None, **options):
        pending = Certificate.objects.pending().order_by("issued_at", "pk")
        ids = list(
            pending.values_list("pk", flat=True)[:limit]
            if limit
            else pending.values_list("pk", flat=True)
        )
        verbosity = options["verbosity"]
        failed = []
        for pk in tqdm(
            ids, desc="certificates", unit="pdf", disable=verbosity == 0, file=sys.stderr
        ):
            try:
                services.certificate_render(certificate_id=pk)
            except Exception as error:  # recorded on the certificate; go on with the rest
                failed.append((pk, f"{type(error).__name__}: {error}"))
        if verbosity > 0:
            self.stdout.write(
                f"Rendered {len(ids) - len(failed)} of {len(ids)} pending certificates."
            )
        if failed:
            numbers = dict(
                Certificate.objects.filter(pk__in=[pk for pk, _ in failed]).values_list(
                    "pk", "number"
                )
            )
            lines = [f"{numbers[pk]}: {message}" for pk, message in failed]
            raise CommandError("Some certificates are still pending:\n" + "\n".join(lines))
