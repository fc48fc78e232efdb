"""Certificate numbers: gap-free and unique per issuing office and year, allocated inside the
certify transaction, so a rolled-back certification neither burns nor repeats one; a
renewal supersedes the product's previous certificate."""

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateCounter,
    EventKind,
    Status,
)
from certificates.numbering import certificate_number_allocate
from certificates.tasks import certificate_render_task
from curation import services
from kernel.errors import WorkflowError
from kernel.states import State
from tests import factories as f
from tests.certificate_helpers import certify_all_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    # Numbering does not need the PDF: tasks are queued and dropped.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def new_product(office, name):
    product = f.ProductFactory(business=office.business, name=name)
    for kind in ("product_photo", "packaging_photo", "pirt", "halal"):
        f.add_document(office.business, kind, product=product, by=office.msme)
    return product


def awaiting(office, name):
    application = office.new_application(new_product(office, name))
    return f.bring_to(office, State.AWAITING_CERTIFICATION, application)


def test_certify_issues_a_numbered_certificate(office, bring_to):
    application = bring_to(State.AWAITING_CERTIFICATION)
    services.application_certify(application=application, by=office.officer)

    certificate = Certificate.objects.get(application=application)
    year = timezone.localdate().year
    assert certificate.number == f"SKE/35.71/{year}/00001"
    assert (certificate.region.code, certificate.year, certificate.serial) == ("35.71", year, 1)
    assert certificate.officer == office.officer
    assert certificate.business_name == "Sambal Bu Rini"
    assert certificate.product_name == "Sambal Pecel Bu Rini"
    assert certificate.hs_code == "21039090"
    assert certificate.grade == application.grade
    assert certificate.grade_en_label
    assert [m["key"] for m in certificate.markets] == ["jp", "my"]
    assert certificate.issued_at == application.state_changed_at
    assert certificate.valid_until == timezone.localdate() + timedelta(days=730)
    assert certificate.status == Status.VALID
    assert not certificate.is_ready
    assert len(certificate.verification_code) >= 20
    assert certificate.verification_url.endswith(f"/verify/{certificate.verification_code}/")
    assert list(certificate.events.values_list("kind", "actor")) == [
        (EventKind.ISSUED, office.officer.pk)
    ]


def test_numbers_follow_each_other_within_an_office_and_year(office):
    numbers = []
    for name in ("Sambal Ijo", "Keripik Tempe", "Kopi Kelud"):
        application = awaiting(office, name)
        services.application_certify(application=application, by=office.officer)
        numbers.append(Certificate.objects.get(application=application).serial)
    assert numbers == [1, 2, 3]


def test_numbering_is_per_office_and_per_year(office):
    kediri, blitar = f.office_for(f.region("35.71")), f.office_for(f.region("35.72"))
    with transaction.atomic():
        assert certificate_number_allocate(office=kediri, year=2026) == 1
        assert certificate_number_allocate(office=kediri, year=2026) == 2
        assert certificate_number_allocate(office=blitar, year=2026) == 1
        assert certificate_number_allocate(office=kediri, year=2027) == 1
        assert certificate_number_allocate(office=kediri, year=2026) == 3
    assert CertificateCounter.objects.get(office=kediri, year=2026).last_serial == 3


def test_the_year_of_the_number_is_the_year_of_issue_in_jakarta(office, monkeypatch):
    # 31 December 2026, 23:30 in Jakarta is still 2026 there, although 16:30 UTC.
    new_year_eve = timezone.make_aware(datetime(2026, 12, 31, 23, 30))
    monkeypatch.setattr(timezone, "now", lambda: new_year_eve)
    application = awaiting(office, "Kopi Tahun Baru")
    services.application_certify(application=application, by=office.officer)
    assert Certificate.objects.get(application=application).number == "SKE/35.71/2026/00001"


def test_a_failed_certification_rolls_back_its_number(office, monkeypatch):
    first = awaiting(office, "Sambal Ijo")
    services.application_certify(application=first, by=office.officer)
    failing = awaiting(office, "Keripik Tempe")

    def notify_fails(*args, **kwargs):
        raise RuntimeError("mail server exploded")

    # The notification runs after the certificate was issued in the same transaction.
    monkeypatch.setattr(services, "notify", notify_fails)
    with pytest.raises(RuntimeError):
        services.application_certify(application=failing, by=office.officer)
    monkeypatch.undo()

    failing.refresh_from_db()
    assert failing.state == State.AWAITING_CERTIFICATION
    assert not Certificate.objects.filter(application=failing).exists()
    assert CertificateCounter.objects.get().last_serial == 1

    services.application_certify(application=failing, by=office.officer)
    assert Certificate.objects.get(application=failing).serial == 2


def test_a_refused_certification_allocates_nothing(office, bring_to):
    application = bring_to(State.AWAITING_CERTIFICATION)
    with pytest.raises(WorkflowError):
        services.application_certify(application=application, by=office.lead)
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.filter(last_serial__gt=0).exists()


def test_a_renewal_supersedes_the_previous_certificate(office, bring_to):
    first = bring_to(State.CERTIFIED)
    old = Certificate.objects.get(application=first)

    renewal = services.application_create(product=office.product, by=office.msme, previous=first)
    f.bring_to(office, State.CERTIFIED, renewal)

    new = Certificate.objects.get(application=renewal)
    old.refresh_from_db()
    assert new.status == Status.VALID
    assert old.status == Status.SUPERSEDED
    assert old.superseded_by == new
    assert old.superseded_at == new.issued_at
    assert (old.serial, new.serial) == (1, 2)
    superseded = old.events.get(kind=EventKind.SUPERSEDED)
    assert (superseded.actor, superseded.detail) == (office.officer, new.number)


def test_an_issued_certificate_cannot_be_deleted(office, bring_to):
    certificate = Certificate.objects.get(application=bring_to(State.CERTIFIED))
    with pytest.raises(PermissionError):
        certificate.delete()
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_certify_queues_the_render_after_commit(
    office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to(State.AWAITING_CERTIFICATION)
    backend = certificate_render_task.get_backend()
    backend.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        services.application_certify(application=application, by=office.officer)
        certificate = Certificate.objects.get(application=application)
        # Inside the transaction nothing is queued yet.
        assert not [r for r in backend.results if r.task == certificate_render_task]
    for callback in callbacks:
        callback()
    queued = [r for r in backend.results if r.task == certificate_render_task]
    assert [r.args for r in queued] == [[certificate.pk]]
    assert not certificate.is_ready


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_certifications_get_consecutive_unique_numbers(reference_data, office):
    count = 8
    applications = [awaiting(office, f"Produk {i}") for i in range(count)]
    assert certify_all_at_once(applications, by=office.officer) == []
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, count + 1))
    numbers = Certificate.objects.values_list("number", flat=True)
    assert len(set(numbers)) == count
    assert CertificateCounter.objects.get().last_serial == count


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    # A transactional test ends by emptying the database, reference data included; put it
    # back for the tests that run after this module.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(reference_data_restored, transactional_db):
    # A transactional test starts from whatever the previous one left (possibly an
    # emptied database): load the reference data it stands on.
    call_command("load_reference_data", verbosity=0)
