from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certificates.signing import DEVELOPMENT_COMMON_NAME, create_development_key


class Command(BaseCommand):
    help = (
        "Make a self-signed ECDSA P-256 key for signing certificate PDFs in development and "
        "demos, as PKCS#12 at SIGNING_PKCS12_PATH (and the certificate as PEM beside it). "
        "Production uses the office's own certificate instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path", help="Where to write the PKCS#12 file (default: SIGNING_PKCS12_PATH)."
        )
        parser.add_argument("--common-name", default=DEVELOPMENT_COMMON_NAME)
        parser.add_argument("--days", type=int, default=3650, help="Validity of the certificate.")
        parser.add_argument(
            "--force", action="store_true", help="Replace an existing key (old PDFs keep theirs)."
        )

    def handle(self, *args, path=None, common_name, days, force, **options):
        path = Path(path or settings.SIGNING_PKCS12_PATH)
        if days < 1:
            raise CommandError("--days must be at least 1.")
        try:
            certificate = create_development_key(
                path, common_name=common_name, days=days, overwrite=force
            )
        except FileExistsError:
            raise CommandError(f"{path} exists; use --force to replace it.") from None
        if options["verbosity"] > 0:
            fingerprint = certificate.fingerprint(certificate.signature_hash_algorithm).hex()
            self.stdout.write(
                self.style.SUCCESS(f"Signing key written to {path}")
                + f"\nCertificate (to trust in a PDF reader): {path.with_suffix('.pem')}"
                + f"\nSHA-256 fingerprint: {fingerprint}"
                + "\nSelf-signed: for development and demos only."
            )
