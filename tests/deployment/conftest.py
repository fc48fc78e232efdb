"""The deployment of docs/deployment.md, started on this machine for the smoke test.

A fresh PostgreSQL database, moto's S3 server, the existing Redis (a database number of
its own, flushed first), the `release` step of deploy/Procfile, then two `web` (gunicorn,
two workers each, on two ports) and two `worker` processes from the same Procfile, with
DEBUG off, HTTPS enforced behind one (simulated) proxy, and a signing key that is not the
development key. E-mail goes to files, one folder per process, so the test can count it.

Without PostgreSQL or Redis the tests are skipped, saying which is missing, unless
DEPLOYMENT_REQUIRED=1 (as `.ci/run` sets it), where that is a failure.
"""

import email
import json
import secrets
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from email.header import decode_header, make_header
from pathlib import Path

import boto3
import psycopg
import pytest
import redis
from botocore.exceptions import BotoCoreError, ClientError
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate, CertificateEvent, DossierFile
from certificates.signing import create_development_key
from tests.deployment import topology
from tests.deployment.environment import (
    BUCKET,
    OFFICE_KEY_NAME,
    PG_URL,
    REDIS_URL,
    REQUIRED,
    S3_KEYS,
    SEEDED,
    production_environment,
)
from tests.deployment.topology import Service, Web, procfile, run, run_together, wait_for


def services_missing() -> list[str]:
    missing = []
    try:
        psycopg.connect(PG_URL, connect_timeout=3).close()
    except psycopg.Error as error:
        missing.append(f"PostgreSQL at {PG_URL} ({type(error).__name__})")
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2) as client:
            client.ping()
    except redis.RedisError as error:
        missing.append(f"Redis at {REDIS_URL} ({type(error).__name__})")
    return missing


class Deployment:
    """What the tests see of the running deployment: its web processes, its database (read
    with SQL from outside, as an operator would), its bucket and its mail."""

    def __init__(self, *, env, database_url, s3, mail_root, logs):
        self.env = env
        self.database_url = database_url
        self.s3 = s3
        self.mail_root = mail_root
        self.logs = logs
        self.web: list[Web] = []
        self.workers: list[Service] = []
        self.others: list[Service] = []
        self.session = ""  # the certifying officer's, signed in
        self.business_member_email = ""
        self.applications: list[int] = []
        self.key_path: Path | None = None

    # Processes.

    def service_env(self, name: str) -> dict:
        folder = self.mail_root / name
        folder.mkdir(parents=True, exist_ok=True)
        return {**self.env, "EMAIL_URL": f"filemail:///{folder}"}

    def start_worker(self, name: str, command: str | None = None, **env) -> Service:
        worker = Service(
            name,
            command or procfile()["worker"],
            env={**self.service_env(name), **env},
            logs=self.logs,
        ).start()
        self.workers.append(worker)
        return worker

    def manage(self, arguments: str, timeout: float = 120, **env) -> str:
        env = {**self.service_env("manage"), **env}
        return run(f"python manage.py {arguments}", env=env, timeout=timeout)

    def task_queue(self) -> dict:
        return json.loads(self.manage("task_queue --json"))

    def stop_all(self) -> None:
        for service in [*self.web, *self.workers, *self.others]:
            service.stop(timeout=15)

    # The database, read from outside.

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url, connect_timeout=5) as connection:
            return connection.execute(sql, params).fetchall()

    def certificates(self) -> list[dict]:
        rows = self.query(
            f"SELECT id, application_id, serial, number, product_name, pdf, pdf_sha256, "
            f"rendered_at, dossier_rendered_at, verification_code "
            f"FROM {Certificate._meta.db_table} ORDER BY serial"
        )
        keys = (
            "id",
            "application",
            "serial",
            "number",
            "product_name",
            "pdf",
            "pdf_sha256",
            "rendered_at",
            "dossier_rendered_at",
            "verification_code",
        )
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def events(self) -> Counter:
        """(certificate id, event kind) -> how many times."""
        rows = self.query(f"SELECT certificate_id, kind FROM {CertificateEvent._meta.db_table}")
        return Counter(rows)

    def dossier_files(self) -> list[str]:
        return [name for (name,) in self.query(f"SELECT file FROM {DossierFile._meta.db_table}")]

    def tasks(self, path_suffix: str) -> list[dict]:
        rows = self.query(
            f"SELECT id, status, args_kwargs, worker_ids FROM {DBTaskResult._meta.db_table} "
            "WHERE task_path LIKE %s ORDER BY enqueued_at",
            (f"%{path_suffix}",),
        )
        return [
            {"id": str(row[0]), "status": row[1], "args": row[2]["args"], "workers": row[3]}
            for row in rows
        ]

    def all_done(self, count: int) -> bool:
        certificates = self.certificates()
        return len(certificates) == count and all(c["dossier_rendered_at"] for c in certificates)

    # The bucket and the mail.

    def bucket_objects(self, prefix: str) -> list[str]:
        names = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
            names += [item["Key"] for item in page.get("Contents", [])]
        return names

    def bucket_read(self, name: str) -> bytes:
        return self.s3.get_object(Bucket=BUCKET, Key=name)["Body"].read()

    def sent_mail(self) -> list[dict]:
        """Every message any process wrote: its recipients and its subject."""
        messages = []
        for path in sorted(self.mail_root.rglob("*.log")):
            # Django's file backend writes each message followed by a line of 79 dashes.
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    message = email.message_from_bytes(chunk.lstrip())
                    messages.append(
                        {
                            "to": message["To"],
                            "subject": str(make_header(decode_header(message["Subject"]))),
                        }
                    )
        return messages


@contextmanager
def fresh_database():
    """A new PostgreSQL database for this run (its name), dropped at the end."""
    name = f"siap_smoke_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        # A throwaway database: commits need not wait for the disk.
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        try:
            yield name
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def s3_server(logs: Path):
    """moto's S3 server on a free port of the loopback, with our bucket: (its URL, a boto3
    client to look into the bucket from outside)."""
    port = topology.free_port()
    server = Service(
        "s3", f"moto_server -H 127.0.0.1 -p {port}", env=topology.base_environment(), logs=logs
    ).start()
    url = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=url, region_name="us-east-1", **S3_KEYS)
    try:

        def up():
            try:
                return client.list_buckets() is not None
            except (BotoCoreError, ClientError):
                return False

        wait_for(up, timeout=30, what="moto's S3 server")
        client.create_bucket(Bucket=BUCKET)
        yield url, client
    finally:
        client.close()
        server.stop(timeout=10)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    missing = services_missing()
    if missing:
        message = "The deployment smoke test needs " + " and ".join(missing)
        if REQUIRED:
            pytest.fail(message + " (DEPLOYMENT_REQUIRED=1)")
        pytest.skip(message + ": start them, or set DEPLOYMENT_PG_URL / DEPLOYMENT_REDIS_URL")
    with redis.Redis.from_url(REDIS_URL) as client:
        client.flushdb()  # our own database number: the rate limits start from zero
    root = tmp_path_factory.mktemp("deployment")
    logs = root / "logs"
    logs.mkdir()

    # The office's signing key: made here, but not the development key (another name).
    passphrase = secrets.token_urlsafe(16)
    key_path = root / "signing" / "office.p12"
    with override_settings(SIGNING_PKCS12_PASSPHRASE=passphrase):
        create_development_key(key_path, common_name=OFFICE_KEY_NAME)

    with ExitStack() as cleanup:
        database = cleanup.enter_context(fresh_database())
        s3_url, s3 = cleanup.enter_context(s3_server(logs))
        env = production_environment(
            database=database, s3_url=s3_url, key_path=key_path, passphrase=passphrase, root=root
        )
        deployment = Deployment(
            env=env,
            database_url=psycopg.conninfo.make_conninfo(PG_URL, dbname=database),
            s3=s3,
            mail_root=root / "mail",
            logs=logs,
        )
        deployment.key_path = key_path
        cleanup.callback(_print_logs, logs)  # shown by pytest when a test failed
        cleanup.callback(deployment.stop_all)

        # Build and release, as docs/deployment.md says (side by side: they do not meet).
        run_together(
            ["python manage.py collectstatic --noinput -v0", procfile()["release"]],
            env=deployment.service_env("release"),
            timeout=240,
        )
        # Seeding is not under test: its notices are e-mailed nowhere, its tasks run inline.
        seeding = {
            **env,
            "EMAIL_URL": "dummymail://",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "LOG_LEVEL": "WARNING",
        }
        office = json.loads(run("python -m tests.deployment.seed office", env=seeding, timeout=60))
        deployment.session = office["session"]
        deployment.business_member_email = office["member_email"]

        for n in (1, 2):
            deployment.web.append(Web(f"web-{n}", procfile()["web"], env=env, logs=logs).start())
            deployment.start_worker(f"worker-{n}")
        # Meanwhile, the applications. One seeder: two at once deadlock (transitions lock the
        # rubric row they all share; reported on issue 7).
        batch = run(
            f"python -m tests.deployment.seed applications 1 {SEEDED}", env=seeding, timeout=300
        )
        deployment.applications = json.loads(batch)
        assert len(deployment.applications) == SEEDED
        for web in deployment.web:
            web.wait_until_live()
        yield deployment


def _print_logs(logs: Path) -> None:
    for path in sorted(logs.glob("*.log")):
        lines = path.read_text(errors="replace").splitlines()[-25:]
        print(f"==== {path.name} (last {len(lines)} lines)\n" + "\n".join(lines))
