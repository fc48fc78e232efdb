"""A permit a valid certificate rested on (the product's P-IRT, BPOM MD) has expired: the
region's office is told once (coordinators and certifying officers), and the public
verification page says so beside the valid status, in both languages, until a renewed
document of that type is uploaded. The page reads no more for it on a cached visit."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate
from curation.models import Notification, Reminder
from kernel.states import State
from products.models import Document
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setup(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certified(office, bring_to):
    application = bring_to(State.CERTIFIED)
    return application, Certificate.objects.get(application=application)


def _expire_pirt(application) -> Document:
    pirt = Document.objects.get(product=application.product, kind__key="pirt")
    Document.objects.filter(pk=pirt.pk).update(expires_on=timezone.localdate() - timedelta(days=3))
    pirt.refresh_from_db()
    return pirt


def _page(client, certificate, lang="en") -> str:
    return client.get(f"/verify/{certificate.verification_code}/", {"lang": lang}).content.decode()


def _told(office):
    return set(
        Notification.objects.filter(event=Reminder.Kind.PERMIT_EXPIRED).values_list(
            "recipient__username", flat=True
        )
    )


def test_the_office_is_told_once_per_expired_permit(office, certified):
    application, _ = certified
    call_command("send_reminders", verbosity=0)
    assert _told(office) == set()  # nothing expired yet
    pirt = _expire_pirt(application)
    call_command("send_reminders", verbosity=0)
    told = _told(office)
    assert {office.coordinator.username, office.officer.username} <= told
    assert office.msme.username not in told
    notice = Notification.objects.filter(
        event=Reminder.Kind.PERMIT_EXPIRED, recipient=office.officer
    ).get()
    assert notice.application == application
    assert Reminder.objects.filter(kind=Reminder.Kind.PERMIT_EXPIRED, subject_id=pirt.pk).exists()
    # Run again (every hour): nobody is told twice.
    count = Notification.objects.count()
    call_command("send_reminders", verbosity=0)
    assert Notification.objects.count() == count


def test_a_renewed_permit_ends_it(office, certified):
    application, _ = certified
    _expire_pirt(application)
    f.add_document(
        office.business,
        "pirt",
        product=application.product,
        expires_on=timezone.localdate() + timedelta(days=700),
    )
    call_command("send_reminders", verbosity=0)
    assert _told(office) == set()


def test_the_verification_page_says_valid_but_the_permit_expired(client, certified):
    application, certificate = certified
    assert "expired on" not in _page(client, certificate)
    pirt = _expire_pirt(application)
    cache.clear()  # (an expiry by date clears nothing: the record keeps the permit's date)
    html = _page(client, certificate)
    assert "Valid" in html
    assert "Valid, but the product's Home food industry permit (P-IRT) expired on" in html
    day = pirt.expires_on
    assert f"{day.day}" in html and str(day.year) in html
    indonesian = _page(client, certificate, "id")
    assert "Berlaku, tetapi" in indonesian
    answer = client.get(
        f"/verify/{certificate.verification_code}/", {"format": "json", "lang": "en"}
    ).json()
    assert answer["status"] == "valid"
    assert answer["expired_permits"] == [
        {"document": "Home food industry permit (P-IRT)", "expired_on": day.isoformat()}
    ]


def test_a_cached_record_turns_on_the_day_the_permit_expires(client, certified, monkeypatch):
    application, certificate = certified
    pirt = Document.objects.get(product=application.product, kind__key="pirt")
    Document.objects.filter(pk=pirt.pk).update(expires_on=timezone.localdate())
    assert "Valid, but" not in _page(client, certificate)  # cached now
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    assert "Valid, but" in _page(client, certificate)


def test_uploading_a_renewal_clears_the_note_at_once(client, office, certified):
    application, certificate = certified
    _expire_pirt(application)
    cache.clear()
    assert "Valid, but" in _page(client, certificate)  # and cached
    f.add_document(
        office.business,
        "pirt",
        product=application.product,
        expires_on=date.today() + timedelta(days=700),
    )
    assert "Valid, but" not in _page(client, certificate)


def test_a_cached_visit_reads_nothing_more(client, certified):
    application, certificate = certified

    def queries() -> int:
        _page(client, certificate)  # cached
        with CaptureQueriesContext(connection) as captured:
            _page(client, certificate)
        return len(captured)

    before = queries()
    _expire_pirt(application)
    cache.clear()
    assert queries() == before
