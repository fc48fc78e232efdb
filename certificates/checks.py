"""System checks: `manage.py check --deploy` says when production would sign with no key."""

from pathlib import Path

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    path = Path(settings.SIGNING_PKCS12_PATH)
    if path.exists():
        return []
    return [
        checks.Error(
            f"No certificate signing key at {path}: certificates would stay pending.",
            hint="Set SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSPHRASE to the office's "
            "PKCS#12 certificate.",
            id="certificates.E001",
        )
    ]
