"""The OpenAPI schema (/api/schema/) tells the truth about the API's answers.

schemathesis reads the schema from the Django app itself and sends it generated requests,
valid and invalid, in-process (through the WSGI handler, on the test's database
connection), signed in with a session cookie as an MSME member and as a coordinator. Every
answer must have a documented status code, content type and body; none may be a server
error. Transitions are POSTs under session authentication, which checks CSRF: the requests
carry the CSRF cookie and header, so they reach the workflow and take (or are refused)
real steps.

Bounded so it runs in seconds: few examples per operation, no shrinking, no deadline.
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from curation import services
from curation.api import ApplicationSerializer
from kernel.roles import Role
from tests import factories as f

# A well-formed request may still be refused by the workflow: a step whose condition is
# not met (400, with the messages), or that is not this user's job (403) or not possible
# in the application's state. Anything else schemathesis expects of valid input holds.
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"with-security-parameters": False},
        "operations": [
            {
                "include-path": "/api/applications/{id}/transitions/{name}/",
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2xx", "400", "403", "404", "409"]
                    }
                },
            },
            # The statistics' filters take the caller's own regions, offices, categories and
            # markets, which a schema shared by every caller cannot list: another value is
            # a 400 saying which filter is wrong.
            {
                "include-path": "/api/statistics/",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403"]}
                },
            },
        ],
    }
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes "old" database connections when a request starts and ends;
    in a test that is the connection holding the test's transaction (and its data). Django's
    own test client detaches the same receivers."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(office, bring_to):
    """Two applications of the office's business (submitted, in curation), and a draft of a
    business of another region (Kota Blitar), which neither persona may see."""
    coffee = f.ProductFactory(business=office.business, name="Kopi Kelud Bu Rini")
    f.complete_documents(coffee, by=office.msme)
    applications = [
        bring_to("submitted"),
        bring_to("in_curation", office.new_application(coffee)),
    ]
    blitar = f.BusinessFactory(name="Keripik Blitar", region=f.region("35.72"))
    owner = f.make_member(blitar, "blitar-owner")
    product = f.ProductFactory(business=blitar, name="Keripik Belimbing")
    foreign = services.application_create(product=product, by=owner)
    return {"own": applications, "foreign": foreign}


def session_of(user) -> dict:
    """What a signed-in browser sends: its session and CSRF cookies, and the CSRF token a
    page's script sends back, as keyword arguments of `case.call_and_validate`.

    The cookies go twice: as `cookies`, which the in-process client sends (it drops a
    `Cookie` header it did not set itself), and as the `Cookie` header, by which
    schemathesis knows them for the caller's credentials and checks that the API refuses
    the same request without them."""
    client = Client()
    client.force_login(user)
    request = HttpRequest()
    token = get_token(request)
    cookies = {
        "sessionid": client.cookies["sessionid"].value,
        "csrftoken": request.META["CSRF_COOKIE"],
    }
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return {"cookies": cookies, "headers": {"Cookie": header, "X-CSRFToken": token}}


@pytest.fixture(params=[Role.MSME, Role.COORDINATOR], ids=["msme", "coordinator"])
def caller(request, office, world):
    user = office.msme if request.param == Role.MSME else office.coordinator
    return session_of(user)


# Read once, at collection, from the app itself (serving the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking
    # The examples of one operation share the caller and the applications on purpose: a
    # step one example takes (a rejection, say) changes what the next one meets.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_is_the_documented_one(case, caller, world):
    # A generated id is rarely one that exists: map each integer onto the applications
    # (two the caller may see, one of another region), so the requests reach the workflow.
    # Ids of another type, and missing ones, still come from the negative cases.
    ids = [a.pk for a in world["own"]] + [world["foreign"].pk]
    path_id = str((case.path_parameters or {}).get("id"))
    if re.fullmatch(r"-?\d+", path_id):
        case.path_parameters["id"] = ids[int(path_id) % len(ids)]
    case.call_and_validate(**caller)


def test_an_application_of_another_business_is_a_documented_404(office, world):
    """Another business's application (of another region, too) answers exactly as an id
    that does not exist: the documented 404, which tells nothing about it."""
    missing = max(a.pk for a in [*world["own"], world["foreign"]]) + 1000
    for user in (office.msme, office.coordinator):
        caller = session_of(user)
        for path, method, body in [
            ("/api/applications/{id}/", "GET", None),
            ("/api/applications/{id}/transitions/{name}/", "POST", {"state": "draft"}),
        ]:
            answers = []
            for pk in (world["foreign"].pk, missing):
                case = schema[path][method].Case(
                    path_parameters={"id": pk, "name": "submit"}
                    if "{name}" in path
                    else {"id": pk},
                    **({"body": body, "media_type": "application/json"} if body else {}),
                )
                response = case.call_and_validate(**caller)
                answers.append((response.status_code, response.json()))
            assert answers[0] == answers[1]
            assert answers[0][0] == 404 and list(answers[0][1]) == ["detail"]
    world["foreign"].refresh_from_db()
    assert world["foreign"].state == "draft"


def test_each_refusal_of_a_transition_is_the_documented_one(office, world):
    """Every kind of answer of the transition endpoint, made on purpose (the generated
    requests above reach some only by chance), matches the schema."""
    submitted = world["own"][0]
    operation = schema["/api/applications/{id}/transitions/{name}/"]["POST"]
    coordinator, msme = session_of(office.coordinator), session_of(office.msme)
    no_csrf = {**coordinator, "headers": {"Cookie": coordinator["headers"]["Cookie"]}}

    def post(caller, name, body):
        case = operation.Case(
            path_parameters={"id": submitted.pk, "name": name},
            body=body,
            media_type="application/json",
        )
        response = case.call_and_validate(**caller)
        return response.status_code, sorted(response.json())

    curators = [office.lead.pk, office.curator.pk]
    assert [
        post({}, "reject", {"state": "submitted", "comment": "No."}),
        post(no_csrf, "reject", {"state": "submitted", "comment": "No."}),
        post(msme, "reject", {"state": "submitted", "comment": "No."}),
        post(coordinator, "reject", {"state": "submitted", "comment": " "}),
        post(coordinator, "reject", {"state": "draft", "comment": "No."}),
        post(coordinator, "assign_curators", {"state": "submitted", "curators": curators}),
        post(
            coordinator,
            "assign_curators",
            {"state": "submitted", "curators": curators, "lead": office.lead.pk},
        ),
    ] == [
        (403, ["detail"]),  # not signed in
        (403, ["detail"]),  # no CSRF token
        (403, ["messages"]),  # not the MSME's step
        (400, ["messages"]),  # no reason given
        (409, ["messages"]),  # a stale state
        (400, ["messages"]),  # no lead
        (200, sorted(ApplicationSerializer.Meta.fields)),
    ]
    submitted.refresh_from_db()
    assert submitted.state == "in_curation"
