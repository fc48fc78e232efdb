"""The audit trail (WORKFLOW.md: every transition writes an audit row: transition, from,
to, actor, time, comment; audit rows are never edited or deleted through the
application), and the admin, which shows it and offers no way to change it."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError

from curation import services
from curation.models import TransitionLog
from kernel.roles import Role
from kernel.states import State
from tests.factories import PATHS, UserFactory, take_step


def trail(application) -> list[tuple]:
    return list(
        TransitionLog.objects.filter(application=application)
        .order_by("at", "pk")
        .values_list("transition", "source", "target", "actor__username", "actor_role")
    )


def test_the_trail_of_a_certified_application_tells_its_whole_story(office, bring_to):
    application = bring_to("certified")

    assert trail(application) == [
        ("submit", "draft", "submitted", "rini", Role.MSME),
        ("assign_curators", "submitted", "in_curation", "coordinator", Role.COORDINATOR),
        ("pass_curation", "in_curation", "packaging_review", "lead", Role.CURATOR),
        (
            "approve_packaging",
            "packaging_review",
            "awaiting_certification",
            "reviewer",
            Role.PACKAGING_REVIEWER,
        ),
        ("certify", "awaiting_certification", "certified", "officer", Role.CERTIFYING_OFFICER),
    ]
    last = application.audit_trail.order_by("at", "pk").last()
    assert last.at == application.state_changed_at


@pytest.mark.parametrize("state", [s.value for s in State])
def test_the_application_keeps_its_first_submission_and_certification_from_the_trail(
    bring_to, state
):
    """What lists and exports read from the row, the trail tells too."""
    application = bring_to(state)

    def first(target):
        row = application.audit_trail.filter(target=target).order_by("at", "pk").first()
        return row.at if row else None

    assert application.submitted_at == first(State.SUBMITTED)
    assert application.certified_at == first(State.CERTIFIED)
    assert (application.submitted_at is None) == ("submit" not in PATHS[state])
    assert (application.certified_at is None) == (state != State.CERTIFIED)


def test_answering_a_revision_keeps_the_first_submission(office, bring_to):
    application = bring_to("revision_requested")
    submitted = application.submitted_at

    services.application_resubmit(
        application=application, by=office.msme, answer="The lab test report is uploaded."
    )

    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    assert application.submitted_at == submitted
    assert application.state_changed_at > submitted


@pytest.mark.parametrize("state", [s.value for s in State])
def test_the_trail_is_an_unbroken_chain_from_draft_to_the_current_state(bring_to, state):
    application = bring_to(state)

    rows = list(application.audit_trail.order_by("at", "pk"))

    assert [r.transition for r in rows] == [s for s in PATHS[state] if s != "score"]
    chain = ["draft"] + [r.target for r in rows]
    assert [r.source for r in rows] == chain[:-1]
    assert chain[-1] == application.state
    assert [r.at for r in rows] == sorted(r.at for r in rows)


def test_a_revision_round_trip_keeps_the_request_and_the_answer(office, bring_to):
    application = bring_to("revision_requested")
    services.application_resubmit(
        application=application, by=office.msme, answer="The lab test report is uploaded."
    )

    rows = list(application.audit_trail.order_by("at", "pk").values_list("transition", "comment"))

    assert rows[-2:] == [
        ("request_revision", "Add the lab test report."),
        ("resubmit", "The lab test report is uploaded."),
    ]


@pytest.mark.parametrize(
    ("persona", "role"),
    [("lead", Role.CURATOR), ("coordinator", Role.COORDINATOR)],
)
def test_a_revision_request_records_the_role_it_was_made_in(office, bring_to, persona, role):
    application = bring_to("in_curation")

    services.application_request_revision(
        application=application, by=office.personas[persona], message="Add the lab test report."
    )

    row = application.audit_trail.get(transition="request_revision")
    assert (row.actor, row.actor_role) == (office.personas[persona], role)


@pytest.mark.parametrize(
    ("state", "persona", "role"),
    [
        ("submitted", "coordinator", Role.COORDINATOR),
        ("in_curation", "lead", Role.CURATOR),
        ("packaging_review", "reviewer", Role.PACKAGING_REVIEWER),
        ("awaiting_certification", "officer", Role.CERTIFYING_OFFICER),
    ],
)
def test_a_rejection_records_the_stage_owner_and_the_reason(office, bring_to, state, persona, role):
    application = bring_to(state)

    services.application_reject(
        application=application, by=office.personas[persona], reason="  Not export ready.  "
    )

    row = application.audit_trail.get(transition="reject")
    assert (row.source, row.target, row.actor_role) == (state, State.REJECTED, role)
    assert row.comment == "Not export ready."


# Append-only: nothing in the application edits or deletes an audit row.


def save_again(row, application):
    row.comment = "edited"
    row.save()


def save_changed_fields(row, application):
    row.actor_role = Role.COORDINATOR
    row.save(update_fields=["actor_role"])


TAMPERING = {
    "save an edited row": save_again,
    "save only the changed field": save_changed_fields,
    "delete a row": lambda row, app: row.delete(),
    "update through a queryset": lambda row, app: TransitionLog.objects.filter(pk=row.pk).update(
        comment="edited"
    ),
    "delete through a queryset": lambda row, app: TransitionLog.objects.filter(pk=row.pk).delete(),
    "delete the application's trail": lambda row, app: app.audit_trail.all().delete(),
    "bulk update": lambda row, app: TransitionLog.objects.bulk_update([row], ["comment"]),
}


@pytest.fixture
def rejected(bring_to):
    """An application whose trail is all that still refers to it and to the coordinator."""
    application = bring_to("rejected")
    return application, application.audit_trail.get(transition="reject")


def stored_trail(application) -> list[dict]:
    return list(TransitionLog.objects.filter(application=application).order_by("pk").values())


@pytest.mark.parametrize("tamper", TAMPERING.values(), ids=TAMPERING.keys())
def test_an_audit_row_cannot_be_edited_or_deleted(rejected, tamper):
    application, row = rejected
    before = stored_trail(application)

    # In a transaction of its own, as a request would run it.
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        tamper(row, application)

    assert stored_trail(application) == before


@pytest.mark.parametrize(
    "delete",
    [lambda app, row: app.delete(), lambda app, row: row.actor.delete()],
    ids=["the application", "the actor"],
)
def test_the_trail_keeps_its_application_and_actor_from_deletion(rejected, delete):
    application, row = rejected
    before = stored_trail(application)

    with pytest.raises(ProtectedError) as protected, transaction.atomic():
        delete(application, row)

    assert row in protected.value.protected_objects
    assert stored_trail(application) == before


def test_new_rows_can_still_be_appended(office, bring_to):
    application = bring_to("submitted")

    take_step(office, application, "assign_curators")

    assert application.audit_trail.count() == 2


# The admin shows the trail and offers no change, addition or deletion, even to a superuser.


@pytest.fixture
def superuser_client(client, db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    root.profile.language = "en"
    root.profile.save(update_fields=["language"])
    client.force_login(root)
    return client


@pytest.fixture
def audit_row(bring_to):
    return bring_to("submitted").audit_trail.get()


def test_the_admin_lists_the_trail_without_add_or_delete(superuser_client, audit_row):
    response = superuser_client.get("/admin/curation/transitionlog/")

    body = response.content.decode()
    assert response.status_code == 200
    assert f"/admin/curation/transitionlog/{audit_row.pk}/change/" in body
    assert "/admin/curation/transitionlog/add/" not in body
    assert 'value="delete_selected"' not in body


def test_the_admin_shows_an_audit_row_read_only(superuser_client, audit_row):
    response = superuser_client.get(f"/admin/curation/transitionlog/{audit_row.pk}/change/")

    body = response.content.decode()
    assert response.status_code == 200
    assert audit_row.transition in body
    assert 'name="_save"' not in body
    assert 'name="_continue"' not in body
    assert f"/admin/curation/transitionlog/{audit_row.pk}/delete/" not in body
    assert "<textarea" not in body


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/admin/curation/transitionlog/{pk}/change/", {"comment": "edited"}),
        ("get", "/admin/curation/transitionlog/{pk}/delete/", {}),
        ("post", "/admin/curation/transitionlog/{pk}/delete/", {"post": "yes"}),
        ("get", "/admin/curation/transitionlog/add/", {}),
    ],
    ids=["change", "delete page", "delete", "add"],
)
def test_the_admin_refuses_to_change_or_delete_an_audit_row(
    superuser_client, audit_row, method, path, data
):
    stored = TransitionLog.objects.filter(pk=audit_row.pk).values().get()

    response = getattr(superuser_client, method)(path.format(pk=audit_row.pk), data)

    assert response.status_code == 403
    assert TransitionLog.objects.filter(pk=audit_row.pk).values().get() == stored


def test_the_admin_has_no_bulk_delete_for_the_trail(superuser_client, audit_row):
    response = superuser_client.post(
        "/admin/curation/transitionlog/",
        {"action": "delete_selected", "_selected_action": [audit_row.pk], "post": "yes"},
    )

    assert response.status_code in (200, 302)
    assert TransitionLog.objects.filter(pk=audit_row.pk).exists()
