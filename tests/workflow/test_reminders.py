"""Reminders (`manage.py send_reminders`, run every hour): documents expiring in 60, 30 and
7 days and certificates in 60 and 14 days, to the business (and, for certificates, the
exporters it shares with); applications past their state's target, to whoever takes the
next step and the coordinators; scoresheets not submitted in time, to the curator.

Each goes once per threshold and person, as an in-app notice and an e-mail in the
person's language with the absolute address (SITE_URL) of the page where it is done. The
day is injected (`--today`), so each test walks the calendar across the thresholds.
"""

import io
import threading
import time
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assessments.models import ScoringRound
from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from certificates.sharing import product_share
from curation import reminders
from curation.deadlines import Target
from curation.models import (
    Application,
    CuratorAssignment,
    Notification,
    Reminder,
)
from offices.models import StageTarget
from products.models import Document
from tests import factories as f

SITE = "https://siap.kedirikota.example"
PRODUCT = "Sambal Pecel Bu Rini"
MONDAY = date(2031, 3, 3)


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def readers(office):
    """The business's owner reads Indonesian; a staff member of it reads English."""
    staff = f.make_member(office.business, "rini-staff")
    speak(office.msme, "id")
    speak(staff, "en")
    return {"id": office.msme, "en": staff}


def speak(user, language):
    user.profile.language = language
    user.profile.save(update_fields=["language"])


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the command as on `day`, with what it leaves for after the commit (the e-mails);
    return the e-mails it sent, and its output."""

    def run(day, *options):
        before = len(mail.outbox)
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", f"--today={day.isoformat()}", *options, stdout=out)
        return mail.outbox[before:], out.getvalue()

    return run


def walk(remind, first, last):
    """Run the command once a day from `first` to `last`; the e-mails sent, by day."""
    sent = {}
    day = first
    while day <= last:
        mails, _ = remind(day)
        if mails:
            sent[day] = mails
        day += timedelta(days=1)
    return sent


def by_address(mails):
    assert all(len(m.to) == 1 for m in mails)
    addressed = {m.to[0]: m for m in mails}
    assert len(addressed) == len(mails), "one e-mail per person"
    return addressed


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


# Documents.


@pytest.fixture
def pirt(office):
    """The product's P-IRT, expiring on 1 June 2031."""
    document = office.product.documents.get(kind__key="pirt")
    Document.objects.filter(pk=document.pk).update(expires_on=date(2031, 6, 1))
    return document


def test_a_document_is_reminded_60_30_and_7_days_before_it_expires_once_to_each_member(
    office, readers, pirt, remind, client
):
    expires = date(2031, 6, 1)

    sent = walk(remind, expires - timedelta(days=65), expires + timedelta(days=3))

    assert {(expires - day).days for day in sent} == {60, 30, 7}
    link = f"{SITE}/products/{office.product.pk}/documents/new/?kind=pirt"
    for day, mails in sent.items():
        days = (expires - day).days
        addressed = by_address(mails)
        assert set(addressed) == {readers["id"].email, readers["en"].email}
        english, indonesian = addressed[readers["en"].email], addressed[readers["id"].email]
        assert english.subject == (
            f"[Siap Ekspor] Document expiring: Home food industry permit (P-IRT) of {PRODUCT}"
        )
        assert english.body.startswith(
            f"The Home food industry permit (P-IRT) of {PRODUCT} expires on 1 June 2031, "
            f"in {days} days. Upload the renewed document"
        )
        assert indonesian.subject == (
            f"[Siap Ekspor] Dokumen akan habis masa berlakunya: SPP-IRT (P-IRT) milik {PRODUCT}"
        )
        assert indonesian.body.startswith(
            f"Masa berlaku SPP-IRT (P-IRT) milik {PRODUCT} habis pada 1 Juni 2031, "
            f"dalam {days} hari."
        )
        for message in mails:
            assert message.body.endswith(f"\n{link}")

    # Run again on a threshold's day: everyone was told already.
    assert remind(expires - timedelta(days=7))[0] == []
    assert Reminder.objects.filter(kind="document_expiring", subject_id=pirt.pk).count() == 6
    notices = Notification.objects.filter(event="document_expiring")
    assert notices.count() == 6
    assert notices.filter(emailed_at__isnull=True).count() == 0

    # The same reminder in the app, linking to the same page, which opens for the member.
    client.force_login(readers["en"])
    page = client.get("/notifications/").content.decode()
    path = link.removeprefix(SITE)
    assert f'<a href="{path}">Document expiring: Home food industry permit (P-IRT)' in page
    assert client.get(path).status_code == 200


def test_a_renewed_document_ends_the_reminders_of_the_old_one(office, readers, pirt, remind):
    expires = date(2031, 6, 1)
    mails, _ = remind(expires - timedelta(days=60))
    assert len(mails) == 2

    f.add_document(
        office.business,
        "pirt",
        product=office.product,
        expires_on=date(2036, 6, 1),
        by=office.msme,
    )

    assert walk(remind, expires - timedelta(days=59), expires) == {}


def test_a_business_document_links_to_the_business_upload_and_a_late_run_tells_the_nearest(
    office, readers, remind
):
    trademark = f.add_document(
        office.business, "trademark", expires_on=MONDAY + timedelta(days=5), by=office.msme
    )

    # The first run is five days before the date: only the 7-day reminder, not the 60 and
    # 30-day ones it missed.
    mails, _ = remind(MONDAY)

    assert len(mails) == 2
    link = f"{SITE}/products/business/{office.business.pk}/documents/new/?kind=trademark"
    assert all(m.body.endswith(link) for m in mails)
    assert "in 5 days" in by_address(mails)[readers["en"].email].body
    reminder = Reminder.objects.filter(subject_id=trademark.pk).values_list("kind", "threshold")
    assert set(reminder) == {("document_expiring", 7)}
    assert Notification.objects.get(recipient=readers["en"]).application is None


def test_dry_run_lists_what_would_go_and_sends_and_records_nothing(office, readers, pirt, remind):
    day = date(2031, 6, 1) - timedelta(days=30)

    mails, output = remind(day, "--dry-run")

    assert mails == []
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    link = f"{SITE}/products/{office.product.pk}/documents/new/?kind=pirt"
    lines = output.splitlines()
    assert len(lines) == 3
    assert f"document_expiring (30) → {readers['en'].email} [en]: Document expiring" in output
    assert f"document_expiring (30) → {readers['id'].email} [id]: Dokumen akan habis" in output
    assert all(line.endswith(link) for line in lines[:2])
    assert lines[-1] == "2031-05-02: 2 reminders would be sent (dry run)."

    assert len(remind(day)[0]) == 2


def test_a_reminder_claimed_by_another_run_is_not_sent_again(office, readers, pirt, remind):
    # Another run claimed the owner's reminder (its row, inserted before its notice).
    Reminder.objects.create(
        kind="document_expiring", subject_id=pirt.pk, threshold=60, recipient=readers["id"]
    )

    mails, _ = remind(date(2031, 6, 1) - timedelta(days=60))

    assert [m.to for m in mails] == [[readers["en"].email]]


# Certificates.


@pytest.fixture
def certificate(office, bring_to):
    """The product's certificate, shared with the exporter (who reads English) and last
    valid on 12 May 2031."""
    certificate = Certificate.objects.get(application=bring_to("certified"))
    product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    speak(office.msme, "id")
    speak(office.exporter, "en")
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date(2031, 5, 12))
    # Its permits stay valid as long (an expired one would tell the office, on its own day).
    Document.objects.filter(product=certificate.product_id).exclude(expires_on=None).update(
        expires_on=date(2031, 12, 31)
    )
    certificate.refresh_from_db()
    return certificate


def test_a_certificate_is_reminded_60_and_14_days_before_to_the_business_and_its_exporters(
    office, certificate, remind, client
):
    until = certificate.valid_until

    sent = walk(remind, until - timedelta(days=65), until + timedelta(days=2))

    assert {(until - day).days for day in sent} == {60, 14}
    link = f"{SITE}/certificates/{certificate.pk}/"
    for day, mails in sent.items():
        days = (until - day).days
        addressed = by_address(mails)
        assert set(addressed) == {office.msme.email, office.exporter.email}
        english, indonesian = addressed[office.exporter.email], addressed[office.msme.email]
        assert english.subject == f"[Siap Ekspor] Certificate expiring: {PRODUCT}"
        assert english.body.startswith(
            f"The export readiness certificate {certificate.number} of {PRODUCT} of "
            f"Sambal Bu Rini is valid until 12 May 2031, {days} days from now."
        )
        assert indonesian.subject == (
            f"[Siap Ekspor] Sertifikat akan habis masa berlakunya: {PRODUCT}"
        )
        assert f"berlaku sampai 12 Mei 2031, {days} hari lagi." in indonesian.body
        assert all(m.body.endswith(f"\n{link}") for m in mails)
    assert remind(until - timedelta(days=14))[0] == []

    client.force_login(office.exporter)
    assert client.get(link.removeprefix(SITE)).status_code == 200


def test_a_revoked_certificate_is_not_reminded_of(office, certificate, remind):
    certificate_revoke(certificate=certificate, by=office.officer, reason="Forged halal papers.")

    assert walk(remind, certificate.valid_until - timedelta(days=61), certificate.valid_until) == {}
    assert not Reminder.objects.exists()


# Applications past their state's target.


def entered_on(application, day):
    """As if the application had entered its state (and its round opened) on `day`."""
    Application.objects.filter(pk=application.pk).update(state_changed_at=at(day))
    ScoringRound.objects.filter(application=application).update(opened_at=at(day))
    CuratorAssignment.objects.filter(application=application).update(assigned_at=at(day))


def test_curators_not_assigned_in_5_working_days_remind_the_coordinator_once(
    office, bring_to, remind
):
    speak(office.coordinator, "en")
    application = bring_to("submitted")
    entered_on(application, MONDAY)

    # Five working days after Monday 3 March is Monday 10 March; overdue from the 11th.
    sent = walk(remind, MONDAY, MONDAY + timedelta(days=14))

    assert list(sent) == [date(2031, 3, 11)]
    (message,) = sent[date(2031, 3, 11)]
    assert message.to == [office.coordinator.email]
    assert message.subject == f"[Siap Ekspor] Overdue: {PRODUCT} (Submitted)"
    assert message.body.startswith(
        f"The application for {PRODUCT} of Sambal Bu Rini has been in the state “Submitted” "
        "since 3 March 2031; its target was to move on by 10 March 2031."
    )
    assert message.body.endswith(f"\n{SITE}/applications/{application.pk}/")


def test_an_office_target_replaces_the_default(office, bring_to, remind):
    # Two working days from Monday: due Wednesday, overdue (told) on Thursday.
    StageTarget.objects.create(
        office=f.office_for(office.business.region), state="submitted", days=2
    )
    application = bring_to("submitted")
    entered_on(application, MONDAY)

    sent = walk(remind, MONDAY, MONDAY + timedelta(days=10))

    assert list(sent) == [date(2031, 3, 6)]


def test_another_office_target_does_not_apply(office, bring_to, remind):
    blitar = f.office_for(f.region("35.72"))
    StageTarget.objects.create(office=blitar, state="submitted", days=1)
    application = bring_to("submitted")
    entered_on(application, MONDAY)

    sent = walk(remind, MONDAY, MONDAY + timedelta(days=10))

    # Kediri's office keeps the default: five working days, told the Tuesday after.
    assert list(sent) == [date(2031, 3, 11)]


def test_scoring_past_10_working_days_reminds_the_lead_the_coordinator_and_the_late_curator(
    office, bring_to, remind
):
    speak(office.coordinator, "en")
    speak(office.lead, "en")
    application = bring_to("in_curation")
    f.score_all(application, office.curator)  # submitted; the lead has not
    entered_on(application, MONDAY)

    # Ten working days after Monday 3 March is Monday 17 March.
    sent = walk(remind, MONDAY, MONDAY + timedelta(days=21))

    assert list(sent) == [date(2031, 3, 18)]
    mails = sent[date(2031, 3, 18)]
    told = sorted((m.to[0], m.subject) for m in mails)
    assert told == sorted(
        [
            (office.lead.email, f"[Siap Ekspor] Overdue: {PRODUCT} (In curation)"),
            (office.lead.email, f"[Siap Ekspor] Scoresheet overdue: {PRODUCT}"),
            (office.coordinator.email, f"[Siap Ekspor] Overdue: {PRODUCT} (In curation)"),
        ]
    )
    (scoresheet,) = [m for m in mails if "Scoresheet" in m.subject]
    assert "(scoring round 1) was due by 17 March 2031" in scoresheet.body
    assert scoresheet.body.endswith(f"\n{SITE}/applications/{application.pk}/scoresheet/")


def test_working_days_skip_the_weekend():
    friday = date(2031, 3, 7)
    assert Target(3, working_days=True).due(friday) == date(2031, 3, 12)
    assert Target(3, working_days=False).due(friday) == date(2031, 3, 10)
    assert Target(1, working_days=True).due(date(2031, 3, 8)) == date(2031, 3, 10)


# Two runs at once (PostgreSQL: real row locks, separate connections committing).


@pytest.fixture(scope="module", autouse=True)
def _reference_data_after_a_transactional_test(django_db_blocker):
    # A transactional test empties every table when it ends, reference data included;
    # put it back for the tests that run after this module.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises all writers, so no race can happen there",
)
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_tell_each_person_once():
    call_command("load_reference_data", verbosity=0)
    business = f.BusinessFactory(name="Sambal Bu Rini", region=f.region("35.71"))
    owner, staff = f.make_member(business, "rini"), f.make_member(business, "rini-staff")
    expires = date(2031, 6, 1)
    f.add_document(business, "trademark", expires_on=expires, by=owner)
    tell = reminders.tell

    def slow_tell(*args, **kwargs):
        # Hold the claimed rows uncommitted a while: the other run arrives meanwhile.
        time.sleep(0.3)
        return tell(*args, **kwargs)

    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            call_command(
                "send_reminders", f"--today={expires - timedelta(days=7)}", stdout=io.StringIO()
            )
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    with mock.patch.object(reminders, "tell", slow_tell):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, staff.email])
    assert Reminder.objects.count() == 2
    assert Notification.objects.count() == 2
