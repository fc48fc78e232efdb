"""The workflow API offers what the pages offer, through the same services."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from curation import services
from curation.models import CuratorAssignmentChange, TransitionLog
from kernel.roles import Role
from kernel.states import State
from tests import factories as f

NOT_OFFERED = "Choose curators from those offered for this application."


@pytest.fixture
def api():
    def client_for(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


def test_anonymous_gets_nothing(office, bring_to):
    application = bring_to("submitted")
    assert APIClient().get("/api/applications/").status_code == 403
    assert APIClient().get(f"/api/applications/{application.pk}/").status_code == 403


def test_lists_only_what_the_user_may_see(api, office, bring_to):
    application = bring_to("submitted")
    seen = {
        name: [a["id"] for a in api(user).get("/api/applications/").json()["results"]]
        for name, user in office.personas.items()
    }
    assert seen["msme"] == [application.pk]
    assert seen["coordinator"] == [application.pk]
    assert seen["other_msme"] == []
    assert seen["foreign_coordinator"] == []
    assert seen["outsider"] == []
    assert seen["lead"] == []  # not assigned yet


@pytest.mark.parametrize("page", ["", "0", "-1", "x", "99"])
def test_a_page_that_does_not_exist_is_a_404(api, office, bring_to, page):
    bring_to("submitted")
    response = api(office.msme).get("/api/applications/", {"page": page})
    assert response.status_code == 404
    assert "results" not in response.json()


def test_detail_shows_the_transitions_the_user_may_take_now(api, office, bring_to):
    application = bring_to("submitted")
    body = api(office.coordinator).get(f"/api/applications/{application.pk}/").json()
    assert body["state"] == "submitted"
    assert body["available_transitions"] == ["assign_curators", "reject"]
    assert api(office.msme).get(f"/api/applications/{application.pk}/").json()[
        "available_transitions"
    ] == ["withdraw"]
    assert api(office.other_msme).get(f"/api/applications/{application.pk}/").status_code == 404


def test_assign_curators_through_the_api(api, office, bring_to):
    application = bring_to("submitted")
    response = api(office.coordinator).post(
        f"/api/applications/{application.pk}/transitions/assign_curators/",
        {
            "state": "submitted",
            "curators": [office.lead.pk, office.curator.pk],
            "lead": office.lead.pk,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    assert application.assignments.get(is_lead=True).curator == office.lead


@pytest.fixture
def blitar_curator(db):
    """An active curator who works in Kota Blitar only."""
    return f.UserFactory(
        username="bayu",
        first_name="Bayu",
        last_name="Blitar",
        roles=[Role.CURATOR],
        regions=[f.region("35.72")],
    )


def assignment_footprint(application) -> dict:
    application.refresh_from_db()
    return {
        "state": application.state,
        "assignments": list(application.assignments.values_list("curator_id", flat=True)),
        "history": CuratorAssignmentChange.objects.filter(application=application).count(),
        "audit": TransitionLog.objects.filter(application=application).count(),
        "rounds": application.rounds.count(),
    }


def test_a_curator_of_another_region_is_not_assigned_through_the_api(
    api, office, bring_to, blitar_curator
):
    application = bring_to("submitted")
    before = assignment_footprint(application)
    url = f"/api/applications/{application.pk}/transitions/assign_curators/"

    for lead in (office.lead, blitar_curator):
        response = api(office.coordinator).post(
            url,
            {
                "state": "submitted",
                "curators": [office.lead.pk, blitar_curator.pk],
                "lead": lead.pk,
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["curators"] == [NOT_OFFERED]

    assert assignment_footprint(application) == before
    assert before["state"] == State.SUBMITTED and before["assignments"] == []


@pytest.mark.parametrize(
    "wrong",
    ["unknown id", "not an id", "another region's curator", "not a curator", "inactive"],
)
def test_every_wrong_curator_choice_gets_one_message_that_names_no_id(
    api, office, bring_to, blitar_curator, wrong
):
    """Whether an id exists, belongs to a curator, or to one of another region, the answer
    is the same: it cannot be used to find out which accounts exist."""
    application = bring_to("submitted")
    retired = f.UserFactory(username="retired", roles=[Role.CURATOR], regions=[f.region()])
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    value = {
        "unknown id": 987654,
        "not an id": "abc",
        "another region's curator": blitar_curator.pk,
        "not a curator": office.outsider.pk,
        "inactive": retired.pk,
    }[wrong]
    before = assignment_footprint(application)

    response = api(office.coordinator).post(
        f"/api/applications/{application.pk}/transitions/assign_curators/",
        {"state": "submitted", "curators": [office.lead.pk, value], "lead": value},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"curators": [NOT_OFFERED], "lead": [NOT_OFFERED]}
    assert str(value).encode() not in response.content
    assert assignment_footprint(application) == before


def test_a_missing_reason_is_a_400_with_the_message_and_changes_nothing(api, office, bring_to):
    application = bring_to("submitted")
    response = api(office.coordinator).post(
        f"/api/applications/{application.pk}/transitions/reject/",
        {"state": "submitted", "comment": "  "},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["messages"] == ["Write the reason for the rejection."]
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert TransitionLog.objects.filter(application=application).count() == 1


def test_a_stale_state_is_a_409_and_a_double_post_acts_once(api, office, bring_to):
    application = bring_to("submitted")
    url = f"/api/applications/{application.pk}/transitions/reject/"
    payload = {"state": "submitted", "comment": "Outside the programme."}
    first = api(office.coordinator).post(url, payload, format="json")
    second = api(office.coordinator).post(url, payload, format="json")
    assert first.status_code == 200
    assert second.status_code == 409
    assert "changed while you were looking" in second.json()["messages"][0]
    assert TransitionLog.objects.filter(application=application, transition="reject").count() == 1


def test_a_transition_outside_the_users_job_is_403(api, office, bring_to):
    application = bring_to("submitted")
    response = api(office.msme).post(
        f"/api/applications/{application.pk}/transitions/assign_curators/",
        {"state": "submitted"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["messages"]


def test_the_openapi_schema_describes_the_workflow(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/applications/{id}/transitions/{name}/" in response.content


def _submitted(office, count):
    """`count` more applications of the office's business, every other one with its
    curators assigned (the lead curates those)."""
    for n in range(count):
        product = f.ProductFactory(business=office.business, name=f"Produk {n}")
        f.complete_documents(product, by=office.msme)
        application = services.application_create(product=product, by=office.msme)
        f.take_step(office, application, "submit")
        if n % 2 == 0:
            f.take_step(office, application, "assign_curators")


@pytest.mark.parametrize("persona", ["msme", "coordinator", "lead"])
@pytest.mark.parametrize("query", ["", "?state=in_curation"])
def test_the_list_costs_the_same_queries_for_3_or_30_applications(api, office, persona, query):
    """Nothing is read per row: not the curators, not the markets one by one."""
    client = api(office.personas[persona])

    def listed() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/applications/{query}")
        assert response.status_code == 200
        return len(response.json()["results"]), len(queries)

    _submitted(office, 3)
    few_rows, few = listed()
    _submitted(office, 27)
    many_rows, many = listed()
    assert many_rows > few_rows > 0
    assert many == few
