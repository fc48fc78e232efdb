"""Rendering off the request path: the task, its failures and retries, `issue_pending`,
the signing key, and downloads that serve the stored file without rendering again."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from certificates import rendering, storing
from certificates.models import Certificate, EventKind, Status
from certificates.tasks import certificate_render_task
from kernel.states import State
from tests import certificate_helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(office, bring_to, django_capture_on_commit_callbacks):
    """A certificate issued, its render not run yet."""
    application = bring_to(State.AWAITING_CERTIFICATION)
    return h.certify(office, application, django_capture_on_commit_callbacks, render=False)


@pytest.fixture
def issued(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to(State.AWAITING_CERTIFICATION)
    return h.certify(office, application, django_capture_on_commit_callbacks)


@pytest.fixture
def render_calls(monkeypatch):
    """Counts renders (and lets a test make them fail)."""
    calls = {"count": 0, "fail": None}
    real = rendering.render_certificate_pdf

    def counting(certificate):
        calls["count"] += 1
        if calls["fail"]:
            raise calls["fail"]
        return real(certificate)

    monkeypatch.setattr(rendering, "render_certificate_pdf", counting)
    return calls


def test_the_certify_commit_renders_the_pdf(issued):
    issued.refresh_from_db()
    assert issued.is_ready
    assert issued.application.state == State.CERTIFIED


def test_issue_pending_renders_what_is_missing(pending, capsys):
    assert not pending.is_ready
    assert list(Certificate.objects.pending()) == [pending]

    call_command("issue_pending")

    pending.refresh_from_db()
    assert pending.is_ready
    assert pending.pdf_sha256 == hashlib.sha256(h.pdf_bytes(pending)).hexdigest()
    assert not Certificate.objects.pending().exists()
    out, err = capsys.readouterr()
    assert "Rendered 1 of 1 pending certificates." in out
    assert "certificates" in err  # the tqdm progress bar


def test_a_failed_render_keeps_the_certificate_pending_and_a_later_run_succeeds(
    office, bring_to, django_capture_on_commit_callbacks, render_calls
):
    render_calls["fail"] = OSError("disk full")
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks)

    # The certification stands; the certificate waits for its PDF, with the error noted.
    certificate.refresh_from_db()
    application.refresh_from_db()
    assert application.state == State.CERTIFIED
    assert certificate.status == Status.VALID
    assert not certificate.is_ready
    assert certificate.render_attempts == 1
    assert certificate.last_render_error == "OSError: disk full"
    assert certificate.events.filter(kind=EventKind.RENDER_FAILED).count() == 1

    with pytest.raises(CommandError, match=certificate.number.replace("/", ".")):
        call_command("issue_pending", verbosity=0)
    certificate.refresh_from_db()
    assert (certificate.is_ready, certificate.render_attempts) == (False, 2)

    render_calls["fail"] = None
    call_command("issue_pending", verbosity=0)
    certificate.refresh_from_db()
    assert certificate.is_ready
    assert (certificate.render_attempts, certificate.last_render_error) == (3, "")
    assert certificate.events.filter(kind=EventKind.RENDERED).count() == 1


def test_the_task_retries_later_when_the_backend_can_defer(pending, settings, render_calls):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.CERTIFICATE_RENDER_ATTEMPTS = 3
    backend = certificate_render_task.get_backend()
    render_calls["fail"] = RuntimeError("pango crashed")

    assert certificate_render_task.call(pending.pk) == "retrying"
    assert certificate_render_task.call(pending.pk) == "retrying"
    # The third failure is the last the task tries; `issue_pending` takes over.
    assert certificate_render_task.call(pending.pk) == "failed"

    retries = [r for r in backend.results if r.task.name == certificate_render_task.name]
    assert [r.args for r in retries] == [[pending.pk], [pending.pk]]
    assert all(r.task.run_after is not None for r in retries)
    assert retries[1].task.run_after > retries[0].task.run_after
    pending.refresh_from_db()
    assert (pending.render_attempts, pending.is_ready) == (3, False)


def test_rendering_a_stored_certificate_again_does_nothing(issued, render_calls):
    issued.refresh_from_db()
    before = (issued.pdf.name, issued.pdf_sha256)
    assert certificate_render_task.call(issued.pk) == issued.pdf_sha256
    call_command("issue_pending", verbosity=0)
    issued.refresh_from_db()
    assert render_calls["count"] == 0
    assert (issued.pdf.name, issued.pdf_sha256) == before


def test_a_pdf_stored_meanwhile_by_another_worker_is_kept(pending):
    stale = Certificate.objects.get(pk=pending.pk)
    storing.certificate_render(certificate_id=pending.pk)
    pending.refresh_from_db()
    kept = (pending.pdf.name, pending.pdf_sha256)

    # A second worker that started before the first stored finishes later.
    result = storing._store_pdf(stale, b"%PDF-1.7 another render")

    pending.refresh_from_db()
    assert (pending.pdf.name, pending.pdf_sha256) == kept
    assert (result.pdf.name, result.pdf_sha256) == kept
    assert len(default_storage.listdir(f"certificates/{pending.year}")[1]) == 1


def test_without_a_key_production_fails_clearly(pending, settings, tmp_path):
    settings.DEBUG = False
    settings.SIGNING_PKCS12_PATH = tmp_path / "missing.p12"
    with pytest.raises(Exception, match="SIGNING_PKCS12_PATH"):
        storing.certificate_render(certificate_id=pending.pk)
    pending.refresh_from_db()
    assert not pending.is_ready
    assert "No signing key" in pending.last_render_error
    assert not (tmp_path / "missing.p12").exists()


def test_in_development_the_key_is_made_on_first_use(pending, settings, tmp_path):
    settings.DEBUG = True
    settings.SIGNING_PKCS12_PATH = tmp_path / "signing" / "development.p12"
    storing.certificate_render(certificate_id=pending.pk)
    pending.refresh_from_db()
    assert pending.is_ready
    assert (tmp_path / "signing" / "development.p12").exists()
    status = h.signature_status(
        h.pdf_bytes(pending), h.trusted_certificate(tmp_path / "signing" / "development.p12")
    )
    assert status.bottom_line


def test_a_wrong_passphrase_is_reported(pending, settings):
    settings.SIGNING_PKCS12_PASSPHRASE = "not the passphrase"
    with pytest.raises(Exception, match="SIGNING_PKCS12_PASSPHRASE"):
        storing.certificate_render(certificate_id=pending.pk)


def test_create_signing_key_refuses_to_overwrite_without_force(tmp_path, settings):
    path = tmp_path / "office.p12"
    settings.SIGNING_PKCS12_PASSPHRASE = "rahasia"
    call_command("create_signing_key", path=str(path), verbosity=0)
    first = path.read_bytes()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with pytest.raises(CommandError, match="exists"):
        call_command("create_signing_key", path=str(path), verbosity=0)
    assert path.read_bytes() == first
    call_command("create_signing_key", path=str(path), force=True, verbosity=0)
    assert path.read_bytes() != first
    # Encrypted with the passphrase from the settings, as production's file would be.
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), b"rahasia")
    assert key.curve.name == "secp256r1"
    assert path.with_suffix(".pem").exists()


# Downloads.


def download(client, user, certificate):
    client.force_login(user)
    return client.get(f"/certificates/{certificate.pk}/download/")


def test_the_business_downloads_exactly_the_stored_file(client, office, issued, render_calls):
    issued.refresh_from_db()
    stored = h.pdf_bytes(issued)

    response = download(client, office.msme, issued)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{issued.number.replace("/", "-")}.pdf"'
    )
    body = b"".join(response.streaming_content)
    assert body == stored
    assert hashlib.sha256(body).hexdigest() == issued.pdf_sha256
    assert render_calls["count"] == 0
    # A second download: the same bytes, still no render.
    again = b"".join(download(client, office.msme, issued).streaming_content)
    assert again == stored
    assert render_calls["count"] == 0


@pytest.mark.parametrize("persona", ["msme", "officer", "coordinator", "regional_admin"])
def test_who_may_download(client, office, issued, persona):
    assert download(client, office.personas[persona], issued).status_code == 200


@pytest.mark.parametrize("persona", ["other_msme", "outsider", "foreign_coordinator", "exporter"])
def test_others_get_404(client, office, issued, persona):
    assert download(client, office.personas[persona], issued).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, issued):
    response = client.get(f"/certificates/{issued.pk}/download/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_pending_certificate_is_being_prepared(client, office, pending, render_calls):
    response = download(client, office.msme, pending)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert pending.number in response.content.decode()
    assert render_calls["count"] == 0


def test_the_deploy_check_reports_a_missing_key(settings, tmp_path, signing_key):
    from certificates.system_checks import signing_key_configured

    assert signing_key_configured(None) == []
    settings.SIGNING_PKCS12_PATH = tmp_path / "missing.p12"
    assert [error.id for error in signing_key_configured(None)] == ["certificates.E001"]
