"""Separation of duties (WORKFLOW.md, Roles): nobody curates, reviews or certifies a
product of a business they belong to; a curator who declared a conflict of interest
with a business is never assigned to it; the officer who certifies is not one of the
application's curators. Each rule is enforced by the services, whatever the person's
roles, and a refusal changes nothing."""

import pytest
from django.contrib.auth.models import Group

from curation import services
from curation.assignments import application_reassign_curators
from curation.models import Notification
from curation.transitions import SPECS
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from products.models import ConflictOfInterest, Membership
from tests.factories import (
    UserFactory,
    join_office,
    make_member,
    office_for,
    region,
    review_all,
    score_all,
)


def grant(user, role, region):
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    join_office(user, office_for(region))
    return user


def footprint(application) -> dict:
    application.refresh_from_db()
    return {
        "state": application.state,
        "audit": application.audit_trail.count(),
        "notices": Notification.objects.filter(application=application).count(),
        "assignments": sorted(application.assignments.values_list("curator_id", flat=True)),
        "rounds": application.rounds.count(),
    }


def not_allowed(name) -> str:
    return f"You are not allowed to “{SPECS[name].label}” this application."


def name_of(user) -> str:
    return user.get_full_name() or user.get_username()


INPUTS = {
    "reject": {"reason": "Not export ready."},
    "request_revision": {"message": "Add the lab test report."},
}


def attempt(office, application, name, by):
    if name == "assign_curators":
        kwargs = {"curators": [office.lead, office.curator], "lead": office.lead}
    else:
        kwargs = INPUTS.get(name, {})
    return SPECS[name].service(application=application, by=by, **kwargs)


# A member of the business, whatever staff role they also hold.


@pytest.mark.parametrize(
    ("role", "state", "prepare", "name"),
    [
        (Role.COORDINATOR, "submitted", None, "assign_curators"),
        (Role.COORDINATOR, "submitted", None, "reject"),
        (Role.COORDINATOR, "in_curation", None, "request_revision"),
        (
            Role.PACKAGING_REVIEWER,
            "packaging_review",
            lambda o, a: review_all(a, o.reviewer, failed=["origin_marking"]),
            "request_packaging_changes",
        ),
        (
            Role.PACKAGING_REVIEWER,
            "packaging_review",
            lambda o, a: review_all(a, o.reviewer),
            "approve_packaging",
        ),
        (Role.PACKAGING_REVIEWER, "packaging_review", None, "reject"),
        (Role.CERTIFYING_OFFICER, "awaiting_certification", None, "certify"),
        (Role.CERTIFYING_OFFICER, "awaiting_certification", None, "reject"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_member_of_the_business_cannot_act_on_its_application_in_a_staff_role(
    office, bring_to, role, state, prepare, name
):
    application = bring_to(state)
    if prepare:
        prepare(office, application)
    member = grant(make_member(office.business, "rini-staff"), role, office.business.region)
    before = footprint(application)

    with pytest.raises(WorkflowError) as refused:
        attempt(office, application, name, by=member)

    assert refused.value.messages == [not_allowed(name)]
    assert name not in services.available_transitions(user=member, application=application)
    assert footprint(application) == before
    # Their membership is what stops them: once they leave the business they may act.
    Membership.objects.filter(user=member).delete()
    assert name in services.available_transitions(user=member, application=application)


def test_a_member_of_the_business_cannot_be_assigned_as_its_curator(office, bring_to):
    application = bring_to("submitted")
    member = grant(
        make_member(office.business, "rini-curator"), Role.CURATOR, office.business.region
    )
    before = footprint(application)

    with pytest.raises(WorkflowError) as refused:
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, member],
            lead=office.lead,
        )

    assert refused.value.messages == [
        f"{name_of(member)} is a member of Sambal Bu Rini and cannot curate its products."
    ]
    assert footprint(application) == before


def test_a_curator_who_joins_the_business_stops_curating_it(office, bring_to):
    application = bring_to("in_curation")
    score_all(application, office.curator)
    score_all(application, office.lead)
    Membership.objects.create(business=office.business, user=office.lead)
    before = footprint(application)

    refused = {}
    for name in ("pass_curation", "request_revision", "reject"):
        with pytest.raises(WorkflowError) as e:
            attempt(office, application, name, by=office.lead)
        refused[name] = e.value.messages

    assert refused == {name: [not_allowed(name)] for name in refused}
    assert services.available_transitions(user=office.lead, application=application) == []
    assert footprint(application) == before


def test_a_curator_who_joins_the_business_cannot_save_scores(office, bring_to):
    application = bring_to("in_curation")
    Membership.objects.create(business=office.business, user=office.curator)

    with pytest.raises(WorkflowError, match="You are not a curator of this application."):
        score_all(application, office.curator)

    assert not application.current_round.scoresheets.filter(curator=office.curator).exists()


def test_a_member_in_a_staff_role_is_not_asked_to_act_on_their_own_business(
    office, bring_to, django_capture_on_commit_callbacks
):
    member = grant(
        make_member(office.business, "rini-coord"), Role.COORDINATOR, office.business.region
    )
    application = bring_to("draft")

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=office.msme)

    notices = Notification.objects.filter(application=application)
    # Asked to act as staff: the coordinator alone. The business's members, the staff
    # member among them, are told as the business ("received"), not asked to assign.
    asked = {n.recipient_id for n in notices if n.params.get("audience") != "business"}
    assert asked == {office.coordinator.pk}
    told = {n.recipient_id for n in notices if n.params.get("audience") == "business"}
    assert told == {office.msme.pk, member.pk}


# A curator who declared a conflict of interest with the business.


@pytest.mark.parametrize("as_lead", [False, True], ids=["as curator", "as lead"])
def test_a_conflicted_curator_cannot_be_assigned(office, bring_to, as_lead):
    application = bring_to("submitted")
    ConflictOfInterest.objects.create(
        curator=office.spare_curator, business=office.business, reason="Her cousin's business."
    )
    before = footprint(application)

    with pytest.raises(WorkflowError) as refused:
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, office.spare_curator],
            lead=office.spare_curator if as_lead else office.lead,
        )

    assert refused.value.messages == [
        f"{name_of(office.spare_curator)} declared a conflict of interest with Sambal Bu Rini."
    ]
    assert footprint(application) == before


def test_every_conflicted_curator_is_named_at_once(office, bring_to):
    application = bring_to("submitted")
    for curator in (office.lead, office.curator):
        ConflictOfInterest.objects.create(curator=curator, business=office.business)

    with pytest.raises(WorkflowError) as refused:
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, office.curator],
            lead=office.lead,
        )

    assert refused.value.messages == [
        f"{name_of(office.lead)} declared a conflict of interest with Sambal Bu Rini.",
        f"{name_of(office.curator)} declared a conflict of interest with Sambal Bu Rini.",
    ]


def test_a_conflict_with_another_business_does_not_stop_an_assignment(office, bring_to):
    application = bring_to("submitted")
    other_business = office.other_msme.memberships.get().business
    ConflictOfInterest.objects.create(curator=office.curator, business=other_business)

    services.application_assign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, office.curator],
        lead=office.lead,
    )

    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    assert set(application.assignments.values_list("curator", flat=True)) == {
        office.lead.pk,
        office.curator.pk,
    }


# A curator of the application acting as certifying officer.


@pytest.mark.parametrize("persona", ["lead", "curator"])
def test_a_curator_of_the_application_cannot_certify_it(office, bring_to, persona):
    application = bring_to("awaiting_certification")
    curator_officer = grant(
        office.personas[persona], Role.CERTIFYING_OFFICER, office.business.region
    )
    before = footprint(application)

    refused = {}
    for name in ("certify", "reject"):
        with pytest.raises(WorkflowError) as e:
            attempt(office, application, name, by=curator_officer)
        refused[name] = e.value.messages

    assert refused == {"certify": [not_allowed("certify")], "reject": [not_allowed("reject")]}
    assert services.available_transitions(user=curator_officer, application=application) == []
    assert footprint(application) == before


def test_an_officer_who_did_not_curate_the_application_certifies_it(office, bring_to):
    application = bring_to("awaiting_certification")
    officer = grant(office.spare_curator, Role.CERTIFYING_OFFICER, office.business.region)

    services.application_certify(application=application, by=officer)

    application.refresh_from_db()
    assert application.state == State.CERTIFIED
    assert application.audit_trail.last().actor == officer


def test_a_curator_of_the_application_is_not_asked_to_certify_it(
    office, bring_to, django_capture_on_commit_callbacks
):
    application = bring_to("packaging_review")
    grant(office.lead, Role.CERTIFYING_OFFICER, office.business.region)
    review_all(application, office.reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve_packaging(application=application, by=office.reviewer)

    notices = Notification.objects.filter(application=application, event="approve_packaging")
    # Asked to certify: the officer alone (the business is told its packaging passed).
    asked = {n.recipient_id for n in notices if n.params.get("audience") != "business"}
    assert asked == {office.officer.pk}


# Curators come from the application's region (WORKFLOW.md, Roles: staff act for the
# regions of their office). The pages offer only them; the service refuses the rest, so
# the API and the admin cannot pick another region's curators either.


@pytest.fixture
def blitar_curator(db):
    return UserFactory(
        username="bayu",
        first_name="Bayu",
        last_name="Blitar",
        roles=[Role.CURATOR],
        regions=[region("35.72")],
    )


def test_a_curator_of_another_region_cannot_be_assigned(office, bring_to, blitar_curator):
    application = bring_to("submitted")
    before = footprint(application)

    with pytest.raises(WorkflowError) as refused:
        services.application_assign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, blitar_curator],
            lead=office.lead,
        )

    assert refused.value.messages == [
        "Bayu Blitar does not curate in Kota Kediri, the region of Sambal Bu Rini."
    ]
    assert footprint(application) == before
    # Once they work for the office serving Kota Kediri, they may.
    join_office(blitar_curator, office_for(office.business.region))
    services.application_assign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, blitar_curator],
        lead=office.lead,
    )
    application.refresh_from_db()
    assert application.state == State.IN_CURATION


def test_a_reassignment_keeps_a_curator_who_moved_but_adds_no_one_from_elsewhere(
    office, bring_to, blitar_curator
):
    application = bring_to("in_curation")
    # The curator now works for Blitar only; the application stays in their hands.
    join_office(office.curator, office_for(region("35.72")))
    history = application.assignment_history.count()

    with pytest.raises(WorkflowError) as refused:
        application_reassign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, office.curator, blitar_curator],
            lead=office.lead,
            comment="More hands.",
        )
    assert refused.value.messages == [
        "Bayu Blitar does not curate in Kota Kediri, the region of Sambal Bu Rini."
    ]
    assert set(application.assignments.values_list("curator_id", flat=True)) == {
        office.lead.pk,
        office.curator.pk,
    }
    assert application.assignment_history.count() == history

    application_reassign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, office.curator, office.spare_curator],
        lead=office.curator,
        comment="The moved curator leads; a colleague of the region joins.",
    )
    assignments = {a.curator_id: a.is_lead for a in application.assignments.all()}
    assert assignments == {
        office.lead.pk: False,
        office.curator.pk: True,
        office.spare_curator.pk: False,
    }
