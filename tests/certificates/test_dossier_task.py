"""The certificate first, the export dossier after it in a task of its own: the certificate
is stored, downloadable and verifiable before the dossier's task has run (the dossier is
two thirds of the rendering and must not delay it); the dossier's task retries itself on
failure, renders only what is missing, and nothing already stored is rendered again."""

import pytest
from django.core.cache import cache

from certificates import dossier, rendering
from certificates.models import DossierFile, EventKind
from certificates.tasks import certificate_render_task, dossier_render_task
from kernel.states import State
from tests import certificate_helpers as h

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def queue(settings):
    """A task backend that keeps what is queued (and can run it later), as the database
    queue does: the test plays the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = certificate_render_task.get_backend()
    backend.clear()
    return backend


def queued(backend, task) -> list:
    return [r for r in backend.results if r.task.name == task.name]


@pytest.fixture
def issued(office, bring_to, django_capture_on_commit_callbacks, queue):
    """Certified: the commit has queued the certificate's task, which has not run yet."""
    application = bring_to(State.AWAITING_CERTIFICATION)
    return h.certify(office, application, django_capture_on_commit_callbacks, render=True)


@pytest.fixture
def renders(monkeypatch):
    """Every PDF rendered, by what it is (`identifier`), through the real renderer; `fail`
    makes the dossier's checklist fail."""
    calls = {"documents": [], "fail": None}
    real = rendering.write_pdf

    def counting(html, *, identifier):
        calls["documents"].append(identifier)
        return real(html, identifier=identifier)

    real_checklist = dossier.render_checklist_pdf

    def checklist(certificate):
        if calls["fail"]:
            raise calls["fail"]
        return real_checklist(certificate)

    monkeypatch.setattr(rendering, "write_pdf", counting)
    monkeypatch.setattr(dossier, "render_checklist_pdf", checklist)
    return calls


def test_the_certificate_is_issued_and_downloadable_before_the_dossier_task_runs(
    client, office, issued, queue, renders
):
    # The commit queued the certificate's task only.
    (task,) = queued(queue, certificate_render_task)
    assert task.args == [issued.pk]
    assert queued(queue, dossier_render_task) == []

    # The worker runs it: the certificate alone is rendered, signed and stored...
    sha256 = certificate_render_task.call(issued.pk)
    issued.refresh_from_db()
    assert issued.is_ready and not issued.is_dossier_ready
    assert sha256 == issued.pdf_sha256
    assert renders["documents"] == [issued.number.encode()]
    assert not DossierFile.objects.filter(certificate=issued).exists()
    # ...and the dossier is queued in its own task, to run after.
    (dossier_task,) = queued(queue, dossier_render_task)
    assert dossier_task.args == [issued.pk, 1]

    # Meanwhile the certificate is there for everyone who may see it.
    client.force_login(office.msme)
    download = client.get(f"/certificates/{issued.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == h.pdf_bytes(issued)
    cache.clear()
    verified = client.get(f"/verify/{issued.verification_code}/", {"format": "json"}).json()
    assert (verified["status"], verified["pdf_sha256"]) == ("valid", issued.pdf_sha256)
    # The dossier says it is being prepared, where its links will be.
    detail = client.get(f"/certificates/{issued.pk}/").content.decode()
    assert "Product specification sheet: being prepared" in detail
    assert "Whole dossier (ZIP): being prepared" in detail
    assert f'href="/certificates/{issued.pk}/download/"' in detail
    pending_part = client.get(f"/certificates/{issued.pk}/dossier/zip/")
    assert pending_part.status_code == 503 and "being prepared" in pending_part.content.decode()

    # Then the dossier's task.
    assert dossier_render_task.call(*dossier_task.args) == "stored"
    issued.refresh_from_db()
    assert issued.is_dossier_ready
    assert DossierFile.objects.filter(certificate=issued).count() == 3
    detail = client.get(f"/certificates/{issued.pk}/").content.decode()
    assert "being prepared" not in detail
    assert client.get(f"/certificates/{issued.pk}/dossier/zip/").status_code == 200


def test_the_exporters_list_says_the_dossier_is_being_prepared(client, office, issued, queue):
    from certificates.sharing import product_share

    certificate_render_task.call(issued.pk)
    product_share(certificate=issued, by=office.msme, email=office.exporter.email)
    client.force_login(office.exporter)
    listed = client.get("/shared/").content.decode()
    assert f'href="/certificates/{issued.pk}/download/"' in listed
    assert "Export dossier (ZIP): being prepared" in listed


def test_a_failed_dossier_retries_itself_and_renders_only_what_is_missing(
    issued, queue, renders, settings
):
    settings.CERTIFICATE_RENDER_ATTEMPTS = 3
    certificate_render_task.call(issued.pk)
    issued.refresh_from_db()
    certificate_sha = issued.pdf_sha256
    renders["fail"] = OSError("disk full")

    (first,) = queued(queue, dossier_render_task)
    assert dossier_render_task.call(*first.args) == "retrying"
    retries = queued(queue, dossier_render_task)[1:]
    assert [r.args for r in retries] == [[issued.pk, 2]]
    assert retries[0].task.run_after is not None

    issued.refresh_from_db()
    assert issued.is_ready and not issued.is_dossier_ready
    assert issued.last_render_error == "OSError: disk full"
    assert issued.events.filter(kind=EventKind.RENDER_FAILED).count() == 1
    # The specification sheet got through before the checklist failed: it is kept.
    assert list(issued.dossier_files.values_list("kind", flat=True)) == [
        DossierFile.Kind.SPECIFICATION
    ]

    # The retry, its own attempts counted (the certificate's do not count against it)...
    assert dossier_render_task.call(*retries[0].args) == "retrying"
    third = queued(queue, dossier_render_task)[-1]
    assert third.args == [issued.pk, 3]
    assert third.task.run_after > retries[0].task.run_after  # backing off

    # ...succeeds once the failure is gone, rendering what was missing only.
    renders["fail"] = None
    renders["documents"].clear()
    assert dossier_render_task.call(*third.args) == "stored"
    issued.refresh_from_db()
    assert issued.is_dossier_ready
    assert len(renders["documents"]) == 1  # the checklist; the ZIP is no render
    assert issued.pdf_sha256 == certificate_sha
    assert issued.events.filter(kind=EventKind.DOSSIER_RENDERED).count() == 1


def test_the_last_attempt_leaves_it_to_issue_pending(issued, queue, renders, settings):
    from django.core.management import call_command

    settings.CERTIFICATE_RENDER_ATTEMPTS = 2
    certificate_render_task.call(issued.pk)
    renders["fail"] = RuntimeError("pango crashed")
    assert dossier_render_task.call(issued.pk, 1) == "retrying"
    assert dossier_render_task.call(issued.pk, 2) == "failed"
    assert len(queued(queue, dossier_render_task)) == 2  # the first, one retry, no more

    renders["fail"] = None
    call_command("issue_pending", verbosity=0)
    issued.refresh_from_db()
    assert issued.is_dossier_ready


def test_a_failed_certificate_queues_no_dossier(issued, queue, monkeypatch):
    def broken(certificate):
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render_certificate_pdf", broken)
    assert certificate_render_task.call(issued.pk) == "retrying"
    assert queued(queue, dossier_render_task) == []


def test_nothing_issued_is_rendered_again(issued, queue, renders):
    certificate_render_task.call(issued.pk)
    (dossier_task,) = queued(queue, dossier_render_task)
    dossier_render_task.call(*dossier_task.args)
    issued.refresh_from_db()
    stored = (issued.pdf.name, sorted(issued.dossier_files.values_list("file", flat=True)))
    renders["documents"].clear()
    queue.clear()

    # The certificate's task run again (a requeued task, a duplicate) queues nothing...
    assert certificate_render_task.call(issued.pk) == issued.pdf_sha256
    assert queue.results == []
    # ...and the dossier's renders nothing.
    assert dossier_render_task.call(issued.pk, 1) == "stored"
    issued.refresh_from_db()
    assert renders["documents"] == []
    assert (issued.pdf.name, sorted(issued.dossier_files.values_list("file", flat=True))) == stored


def test_a_dossier_task_before_the_certificate_waits_for_it(issued, queue, renders):
    """Run out of order (a stray duplicate): the sheets are stored, the ZIP waits for
    the signed certificate, whose task queues the dossier again afterwards."""
    assert dossier_render_task.call(issued.pk, 1) == "waiting"
    issued.refresh_from_db()
    assert not issued.is_ready and issued.dossier_files.count() == 2
    certificate_render_task.call(issued.pk)
    (again,) = queued(queue, dossier_render_task)
    assert dossier_render_task.call(*again.args) == "stored"
