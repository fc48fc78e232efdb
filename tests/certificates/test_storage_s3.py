"""Files on a real S3 endpoint over HTTP (moto's server mode, started here on a free
port of 127.0.0.1), with the storage configured as production configures it
(`config.settings.s3_storage`): private objects, short-lived signed download URLs
with the download's file name, no overwriting. And S3 going down while a certificate is
rendered: the certificate waits, the error recorded, until S3 is back."""

import hashlib
import io
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from certificates.models import Certificate, DossierFile, EventKind, Status
from certificates.tasks import certificate_render_task
from config.settings import s3_storage
from kernel.states import State
from tests import certificate_helpers as h
from tests import factories as f
from tests.s3_helpers import KEYS, REGION, Endpoint

pytestmark = pytest.mark.django_db

URL_LIFETIME = 60


@pytest.fixture(scope="module")
def s3():
    endpoint = Endpoint()
    endpoint.start()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def client_s3(s3):
    """boto3, to look at the bucket from outside the application."""
    client = boto3.client(
        "s3",
        endpoint_url=s3.url,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    yield client
    client.close()


@pytest.fixture(autouse=True)
def bucket(s3, client_s3, settings):
    """A fresh private bucket, and the application's default storage on it: autouse, so
    it is in place before the office's documents are uploaded."""
    name = f"siap-{uuid.uuid4().hex[:16]}"
    client_s3.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket_name=name,
            querystring_expire=URL_LIFETIME,
            endpoint_url=s3.url,
            region_name=REGION,
            # Fail fast when the endpoint is down (production keeps botocore's retries).
            client_config=Config(
                signature_version="s3v4",
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 1, "mode": "standard"},
            ),
            **KEYS,
        ),
    }
    return name


@pytest.fixture
def certificate(bucket, office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    return certificate


def object_bytes(client_s3, bucket, key) -> bytes:
    return client_s3.get_object(Bucket=bucket, Key=key)["Body"].read()


def assert_private(client_s3, s3, bucket, key):
    grants = client_s3.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"]["Type"] == "CanonicalUser" for g in grants)  # the owner only
    assert requests.get(f"{s3.url}/{bucket}/{key}", timeout=10).status_code == 403


def follow_signed_url(client, path, s3, bucket, key, filename, content_type):
    """GET `path` from the application, check it redirects to a signed, short-lived URL
    of the object on the endpoint, and fetch that URL over HTTP."""
    response = client.get(path)
    assert response.status_code == 302
    location = response["Location"]
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == s3.url
    assert parts.path == f"/{bucket}/{key}"
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == [str(URL_LIFETIME)]
    assert "X-Amz-Signature" in query
    assert query["response-content-disposition"] == [f'attachment; filename="{filename}"']
    fetched = requests.get(location, timeout=10)
    assert fetched.status_code == 200
    assert fetched.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert fetched.headers["Content-Type"] == content_type
    # Without the signed query the object is refused. (moto does not check the signature
    # itself, so a tampered URL is not tested here.)
    unsigned = requests.get(f"{s3.url}{parts.path}", timeout=10)
    assert unsigned.status_code == 403
    return fetched.content


def test_the_signed_pdf_is_a_private_object_in_the_bucket(certificate, client_s3, s3, bucket):
    key = certificate.pdf.name
    assert key.startswith(f"certificates/{certificate.year}/")
    head = client_s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == certificate.pdf_size
    data = object_bytes(client_s3, bucket, key)
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert data.startswith(b"%PDF-")
    assert_private(client_s3, s3, bucket, key)


def test_the_download_is_a_signed_url_that_fetches_the_exact_bytes(
    client, office, certificate, client_s3, s3, bucket, renders
):
    client.force_login(office.msme)
    body = follow_signed_url(
        client,
        f"/certificates/{certificate.pk}/download/",
        s3,
        bucket,
        certificate.pdf.name,
        certificate.download_name,
        "application/pdf",
    )
    assert body == object_bytes(client_s3, bucket, certificate.pdf.name)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert renders["count"] == 0
    # Outsiders get no URL at all.
    client.force_login(office.outsider)
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404


def test_the_dossier_is_stored_in_the_bucket_too(
    client, office, certificate, client_s3, s3, bucket, renders
):
    assert certificate.is_dossier_ready
    client.force_login(office.msme)
    stored = {}
    for part in certificate.dossier_files.all():
        head = client_s3.head_object(Bucket=bucket, Key=part.file.name)
        assert head["ContentType"] == part.content_type
        data = object_bytes(client_s3, bucket, part.file.name)
        assert hashlib.sha256(data).hexdigest() == part.sha256
        assert_private(client_s3, s3, bucket, part.file.name)
        stored[part.kind] = data

    archive = certificate.dossier_files.get(kind=DossierFile.Kind.ARCHIVE)
    body = follow_signed_url(
        client,
        f"/certificates/{certificate.pk}/dossier/zip/",
        s3,
        bucket,
        archive.file.name,
        archive.download_name(),
        "application/zip",
    )
    assert body == stored[DossierFile.Kind.ARCHIVE]
    members = zipfile.ZipFile(io.BytesIO(body))
    stem = certificate.file_stem
    assert members.read(f"{stem}.pdf") == object_bytes(client_s3, bucket, certificate.pdf.name)
    assert members.read(f"{stem}-specification.pdf") == stored[DossierFile.Kind.SPECIFICATION]
    assert members.read(f"{stem}-export-checklist.pdf") == stored[DossierFile.Kind.CHECKLIST]
    assert renders["count"] == 0


def test_a_document_is_uploaded_read_and_deleted_through_the_storage(bucket, client_s3, office):
    content = f.png_bytes((32, 32), (10, 120, 60))
    document = f.add_document(
        office.business, "product_photo", product=office.product, content=content
    )
    key = document.file.name
    assert key.startswith(f"documents/{office.business.pk}/")
    assert object_bytes(client_s3, bucket, key) == content
    with document.file.open("rb") as handle:
        assert handle.read() == content
    assert default_storage.exists(key)

    default_storage.delete(key)

    assert not default_storage.exists(key)
    listed = client_s3.list_objects_v2(Bucket=bucket, Prefix=key)
    assert listed["KeyCount"] == 0


def test_a_name_is_never_overwritten(bucket, client_s3):
    first = default_storage.save("checks/same-name.pdf", ContentFile(b"%PDF-1 first"))
    second = default_storage.save("checks/same-name.pdf", ContentFile(b"%PDF-1 second"))
    assert first == "checks/same-name.pdf"
    assert second != first and second.startswith("checks/same-name_")
    keys = [
        o["Key"] for o in client_s3.list_objects_v2(Bucket=bucket, Prefix="checks/")["Contents"]
    ]
    assert sorted(keys) == sorted([first, second])
    assert object_bytes(client_s3, bucket, first) == b"%PDF-1 first"
    assert object_bytes(client_s3, bucket, second) == b"%PDF-1 second"


def test_s3_down_while_rendering_loses_nothing(
    s3, bucket, client_s3, office, bring_to, django_capture_on_commit_callbacks, settings
):
    application = bring_to(State.AWAITING_CERTIFICATION)
    s3.stop()
    try:
        certificate = h.certify(office, application, django_capture_on_commit_callbacks)

        # The certification stands, with its number; the PDF waits, the error recorded.
        certificate.refresh_from_db()
        application.refresh_from_db()
        assert application.state == State.CERTIFIED
        assert certificate.status == Status.VALID and certificate.number
        assert not certificate.is_ready and not certificate.is_dossier_ready
        assert certificate.render_attempts == 1
        assert "EndpointConnectionError" in certificate.last_render_error
        assert certificate.events.filter(kind=EventKind.RENDER_FAILED).count() == 1
        assert list(Certificate.objects.pending()) == [certificate]

        # A backend that can defer puts the render back in the queue, later.
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        assert certificate_render_task.call(certificate.pk) == "retrying"
        (retry,) = [
            r
            for r in certificate_render_task.get_backend().results
            if r.task.name == certificate_render_task.name
        ]
        assert retry.args == [certificate.pk] and retry.task.run_after is not None

        # issue_pending while S3 is still down: refused loudly, still nothing lost.
        with pytest.raises(CommandError, match="EndpointConnectionError"):
            call_command("issue_pending", verbosity=0)
        certificate.refresh_from_db()
        assert (certificate.is_ready, certificate.render_attempts) == (False, 3)
    finally:
        if not s3.running:
            s3.start()

    # S3 is back: issue_pending stores the certificate and its dossier.
    call_command("issue_pending", verbosity=0)
    certificate.refresh_from_db()
    assert certificate.is_ready and certificate.is_dossier_ready
    assert certificate.last_render_error == ""
    data = object_bytes(client_s3, bucket, certificate.pdf.name)
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert client_s3.head_object(Bucket=bucket, Key=certificate.pdf.name)["ContentType"] == (
        "application/pdf"
    )
    for part in certificate.dossier_files.all():
        assert (
            client_s3.head_object(Bucket=bucket, Key=part.file.name)["ContentLength"] == part.size
        )
    assert not Certificate.objects.pending().exists()
