"""Who hears of each transition (WORKFLOW.md, Transitions: effects), and how: an in-app
notice written with the transition, an e-mail sent only after it commits, in the
recipient's own language. A refused or rolled-back transition tells nobody anything.
The business hears of every step it cares about, its own ones too (the confirmation that
the office received them); what each e-mail says and links to is test_emails.py."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import translation

from curation import services, tasks
from curation.models import Notification
from curation.transitions import SPECS
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from products.models import Membership
from tests.factories import UserFactory, add_document, make_member, review_all, score_all

PRODUCT = "Sambal Pecel Bu Rini"


def new_packaging_photo(office, application):
    add_document(office.business, "packaging_photo", product=office.product, by=office.msme)


def do(office, application, name, persona):
    by = office.personas[persona]
    match name:
        case "assign_curators":
            kwargs = {"curators": [office.lead, office.curator], "lead": office.lead}
        case "request_revision":
            kwargs = {"message": "Add the lab test report."}
        case "resubmit":
            kwargs = {"answer": "Uploaded."}
        case "reject":
            kwargs = {"reason": "Not export ready yet."}
        case _:
            kwargs = {}
    return SPECS[name].service(application=application, by=by, **kwargs)


# (transition, from, by, prepared with, who hears of it)
EVENTS = [
    ("submit", "draft", "msme", None, {"coordinator", "msme"}),
    ("assign_curators", "submitted", "coordinator", None, {"lead", "curator", "msme"}),
    ("request_revision", "in_curation", "lead", None, {"msme"}),
    ("request_revision", "in_curation", "coordinator", None, {"msme"}),
    ("resubmit", "revision_requested", "msme", None, {"lead", "curator", "msme"}),
    (
        "pass_curation",
        "in_curation",
        "lead",
        lambda o, a: (score_all(a, o.lead), score_all(a, o.curator)),
        {"msme", "reviewer"},
    ),
    (
        "request_packaging_changes",
        "packaging_review",
        "reviewer",
        lambda o, a: review_all(a, o.reviewer, failed=["origin_marking"]),
        {"msme"},
    ),
    (
        "resubmit_packaging",
        "packaging_revision",
        "msme",
        new_packaging_photo,
        {"reviewer", "msme"},
    ),
    (
        "approve_packaging",
        "packaging_review",
        "reviewer",
        lambda o, a: review_all(a, o.reviewer),
        {"officer", "msme"},
    ),
    ("certify", "awaiting_certification", "officer", None, {"msme"}),
    ("reject", "submitted", "coordinator", None, {"msme"}),
    ("reject", "in_curation", "lead", None, {"msme"}),
    ("reject", "packaging_review", "reviewer", None, {"msme"}),
    ("reject", "awaiting_certification", "officer", None, {"msme"}),
    # Withdrawing tells whoever was working on it.
    ("withdraw", "draft", "msme", None, set()),
    ("withdraw", "submitted", "msme", None, {"coordinator"}),
    ("withdraw", "revision_requested", "msme", None, {"lead", "curator"}),
    ("withdraw", "packaging_revision", "msme", None, {"reviewer"}),
]


@pytest.mark.parametrize(
    ("name", "source", "actor", "prepare", "expected"),
    EVENTS,
    ids=[f"{e[0]}-from-{e[1]}-by-{e[2]}" for e in EVENTS],
)
def test_each_transition_tells_the_right_people_after_it_commits(
    office, bring_to, django_capture_on_commit_callbacks, name, source, actor, prepare, expected
):
    application = bring_to(source)
    if prepare:
        prepare(office, application)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        do(office, application, name, actor)

    notices = Notification.objects.filter(application=application, event=name)
    recipients = {office.personas[p] for p in expected}
    assert {n.recipient for n in notices} == recipients
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(u.email for u in recipients)
    for message in mail.outbox:
        assert len(message.to) == 1
        assert message.subject.startswith("[Siap Ekspor] ")
        assert PRODUCT in message.subject
        assert PRODUCT in message.body
    assert notices.filter(emailed_at__isnull=True).count() == 0


def test_the_written_reason_reaches_the_msme(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to("in_curation")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_request_revision(
            application=application, by=office.lead, message="Add the lab test report."
        )

    (message,) = mail.outbox
    assert message.to == [office.msme.email]
    assert "Add the lab test report." in message.body
    notice = Notification.objects.get(application=application, event="request_revision")
    assert notice.comment == "Add the lab test report."


def test_every_active_member_of_the_business_hears_and_no_inactive_one(
    office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to("submitted")
    staff = make_member(office.business, "rini-staff", role=Membership.Role.STAFF)
    inactive = make_member(office.business, "rini-inactive")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        services.application_reject(
            application=application, by=office.coordinator, reason="Not export ready yet."
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([office.msme.email, staff.email])


def test_staff_of_another_region_or_inactive_staff_are_not_told(
    office, bring_to, django_capture_on_commit_callbacks
):
    retired = UserFactory(
        username="retired-coordinator",
        roles=[Role.COORDINATOR],
        regions=[office.business.region],
        is_active=False,
    )
    application = bring_to("draft")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)

    told = {n.recipient for n in Notification.objects.filter(application=application)}
    assert told == {office.coordinator, office.msme}
    assert office.foreign_coordinator not in told and retired not in told


def test_the_actor_is_not_told_of_their_own_step(
    office, bring_to, django_capture_on_commit_callbacks
):
    office.coordinator.groups.add(*office.lead.groups.all())
    application = bring_to("submitted")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.coordinator, office.lead],
            lead=office.lead,
        )

    assert sorted(m.to[0] for m in mail.outbox) == sorted([office.lead.email, office.msme.email])
    told = Notification.objects.filter(application=application, event="assign_curators")
    assert {n.recipient for n in told} == {office.lead, office.msme}


def test_a_recipient_without_an_address_gets_the_notice_but_no_mail(
    office, bring_to, django_capture_on_commit_callbacks
):
    office.coordinator.email = ""
    office.coordinator.save(update_fields=["email"])
    application = bring_to("draft")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)

    notice = Notification.objects.get(application=application, recipient=office.coordinator)
    assert notice.emailed_at is None
    assert [m.to for m in mail.outbox] == [[office.msme.email]]


# Only after the commit.


def test_the_notice_is_written_with_the_transition_and_the_mail_waits_for_the_commit(
    office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to("draft")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=application, by=office.msme)

    notice = Notification.objects.get(application=application, recipient=office.coordinator)
    assert mail.outbox == []
    assert notice.emailed_at is None
    assert callbacks

    for callback in callbacks:
        callback()

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [office.coordinator.email, office.msme.email]
    )
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_sending_again_never_mails_twice(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to("draft")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)
    ids = list(Notification.objects.filter(application=application).values_list("pk", flat=True))

    tasks.send_notification_emails.call(ids)

    assert len(mail.outbox) == 2  # the coordinator's and the MSME's, once each


def test_a_refused_transition_tells_nobody(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to("submitted")
    notices = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(WorkflowError):
            services.application_reject(application=application, by=office.coordinator, reason="")
        with pytest.raises(WorkflowError):
            services.application_reject(
                application=application, by=office.reviewer, reason="Not export ready yet."
            )

    assert callbacks == []
    assert mail.outbox == []
    assert Notification.objects.count() == notices


class Boom(Exception):
    pass


def test_a_transition_rolled_back_by_its_caller_tells_nobody(
    office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to("draft")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Boom),
        transaction.atomic(),
    ):
        services.application_submit(application=application, by=office.msme)
        raise Boom

    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.filter(application=application).exists()


def test_a_transition_failing_after_its_notices_tells_nobody(
    office, bring_to, django_capture_on_commit_callbacks, monkeypatch
):
    """A failure late in the service (after the notices are written) undoes them too."""
    application = bring_to("draft")
    notify = services.notify

    def notify_then_fail(*args, **kwargs):
        notify(*args, **kwargs)
        raise Boom

    monkeypatch.setattr(services, "notify", notify_then_fail)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        services.application_submit(application=application, by=office.msme)

    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert not application.audit_trail.exists()
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.filter(application=application).exists()


# In the recipient's language.


@pytest.fixture
def two_coordinators(office):
    """The office's coordinator reads English; a second one reads Indonesian."""
    office.coordinator.profile.language = "en"
    office.coordinator.profile.save(update_fields=["language"])
    second = UserFactory(
        username="coordinator-2", roles=[Role.COORDINATOR], regions=[office.business.region]
    )
    second.profile.language = "id"
    second.profile.save(update_fields=["language"])
    return {"en": office.coordinator, "id": second}


def test_each_mail_is_rendered_in_its_recipients_language(
    office, bring_to, two_coordinators, django_capture_on_commit_callbacks, monkeypatch
):
    rendered_in = {}
    render = tasks.render

    def spy(notice):
        rendered_in[notice.recipient.username] = translation.get_language()
        return render(notice)

    monkeypatch.setattr(tasks, "render", spy)
    application = bring_to("draft")

    # The MSME's own language is active while acting; it must not leak into the mails.
    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)

    rendered_in.pop(office.msme.username)  # her confirmation, in her language: test_emails.py
    assert rendered_in == {user.username: lang for lang, user in two_coordinators.items()}


def test_each_mail_reads_as_its_notice_rendered_in_the_recipients_language(
    office, bring_to, two_coordinators, django_capture_on_commit_callbacks
):
    """Holds whether or not an Indonesian catalogue is compiled: without one, both mails
    read in English; with one, the Indonesian coordinator's reads in Indonesian."""
    application = bring_to("draft")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)

    for language, user in two_coordinators.items():
        (message,) = [m for m in mail.outbox if m.to == [user.email]]
        notice = Notification.objects.get(application=application, recipient=user)
        with translation.override(language):
            subject, body = tasks.render(notice)
        assert message.subject == f"[Siap Ekspor] {subject}"
        assert message.body.startswith(body)
        assert PRODUCT in message.subject and "Sambal Bu Rini" in message.body
    msgid = "New application: %(product)s"
    with translation.override("id"):
        catalogued = translation.gettext(msgid) != msgid
    coordinators = {user.email for user in two_coordinators.values()}
    subjects = {m.subject for m in mail.outbox if m.to[0] in coordinators}
    assert (len(subjects) == 2) == catalogued
