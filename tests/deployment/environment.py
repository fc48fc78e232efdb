"""The deployment the smoke test starts: where its services are, and the production
environment (docs/deployment.md) its processes get."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from tests.deployment import topology

PG_URL = os.environ.get("DEPLOYMENT_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DEPLOYMENT_REDIS_URL", "redis://127.0.0.1:6379/7")
REQUIRED = os.environ.get("DEPLOYMENT_REQUIRED") == "1"
SEEDED = 51  # 50 certified at once, one more for the killed worker
VERIFY_RATE_LIMIT = 20
OFFICE_KEY_NAME = "Dinas Koperasi dan UMKM Kota Kediri (smoke test)"
BUCKET = "siap-ekspor-smoke"
S3_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def production_environment(
    *, database: str, s3_url: str, key_path: Path, passphrase: str, root: Path
) -> dict:
    """The environment of docs/deployment.md, pointed at this machine's services."""
    return {
        **topology.base_environment(),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "DATABASE_URL": urlsplit(PG_URL)
        ._replace(path=f"/{database}", query="connect_timeout=5")
        .geturl(),
        "CACHE_URL": REDIS_URL,
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_url,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": S3_KEYS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": S3_KEYS["aws_secret_access_key"],
        "SIGNING_PKCS12_PATH": str(key_path),
        "SIGNING_PKCS12_PASSPHRASE": passphrase,
        # One proxy in front, which the test plays: it says https and who the client is.
        "NUM_PROXIES": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "WEB_CONCURRENCY": "2",
        "STATIC_ROOT": str(root / "static"),
        "VERIFY_RATE_LIMIT": str(VERIFY_RATE_LIMIT),
        "LOG_LEVEL": "INFO",
    }
