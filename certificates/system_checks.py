"""System checks: `manage.py check --deploy` fails when production would sign with no
key, an unreadable one, or the development key."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from certificates.signing import SigningKeyMissing, is_development_key, load_signer

HINT = (
    "Set SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSPHRASE to the office's PKCS#12 "
    "certificate; see docs/deployment.md."
)


@checks.register(checks.Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    path = Path(settings.SIGNING_PKCS12_PATH)
    if not path.exists():
        return [
            checks.Error(
                f"No certificate signing key at {path}: certificates would stay pending.",
                hint=HINT,
                id="certificates.E001",
            )
        ]
    try:
        signer = load_signer()
    except SigningKeyMissing:
        signer = None  # the development key, refused with DEBUG off: said below
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), hint=HINT, id="certificates.E002")]
    if signer is None or is_development_key(signer):
        return [
            checks.Error(
                f"The signing key at {path} is the development key: anyone can make one, "
                "so certificates signed with it prove nothing.",
                hint=HINT,
                id="certificates.E003",
            )
        ]
    return []
