"""Who may open and change what: every route of the app against every persona.

`RULES` (in tests/security/access_rules.py) holds one access rule per route (a route
that takes an action name, such as a transition, has one rule per action).
`test_every_route_has_an_access_rule` walks the URL resolver, so a new page without a
rule there fails the suite until someone decides who may open it.

For each rule, every persona (and an anonymous visitor) requests the page:
- the allowed ones get the page (or the redirect the rule names);
- everyone else gets 403 or 404 (anonymous: the sign-in page; the API: 401/403), or, on
  the few pages that act only on one's own data (language, notices, an invitation link),
  the answer the rule names;
- on a list or dashboard, an application's product is named only to those who may see it;
- a refused POST, sent with exactly the data that works for the allowed person, changes
  nothing: not the application's state, not the audit trail, not any row;
- then the allowed person's POST does change something, so the refusals above were about
  access and not about a wrong form.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import services
from curation.models import (
    TransitionLog,
)
from curation.transitions import SPECS
from kernel.states import State
from products.models import (
    Membership,
)
from tests import factories as f
from tests.security import access_rules
from tests.security.access_rules import RULES, needs_rule, routes
from tests.security.access_world import (
    ANONYMOUS,
    EVERYONE,
    LOGIN,
    PERSONAS,
    QUERY_BUDGET,
    REGION_STAFF,
    Browsers,
    World,
    _build,
    _request,
    product_data,
    snapshot,
)


def test_every_route_has_an_access_rule():
    ours = {name for name, module in routes() if needs_rule(name, module)}
    unnamed = {name for name in ours if name.endswith("?")}
    assert not unnamed, f"routes without a name cannot be checked: {unnamed}"
    missing = ours - {rule.route for rule in RULES}
    assert not missing, (
        f"no access rule for {sorted(missing)}: add one to RULES in {access_rules.__name__} "
        "saying who may open each page"
    )
    resolvable = {name for name, _module in routes()}
    unknown = {rule.route for rule in RULES} - resolvable
    assert not unknown, f"rules for routes that no longer exist: {sorted(unknown)}"


def test_the_world_has_every_persona(world_office):
    assert set(world_office.personas) == EVERYONE


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def _check_anonymous(client, rule, world, method, problems):
    client.logout()
    response = _request(client, rule, world, method, json=rule.json)
    if rule.anonymous == LOGIN:
        if not _is_login_redirect(response):
            problems.append(f"{method} anonymous: {response.status_code}, not the sign-in page")
    else:
        expected = rule.anonymous if isinstance(rule.anonymous, tuple) else (rule.anonymous,)
        if response.status_code not in expected:
            problems.append(f"{method} anonymous: {response.status_code}, expected {expected}")
    _check_secret(rule, world, ANONYMOUS, response, problems)


def _check_secret(rule, world, persona, response, problems):
    if rule.secret is None or response.status_code != 200:
        return
    if response.get("Content-Type", "").startswith(("application/pdf", "image/")):
        return
    text = response.content.decode()
    secret = rule.secret(world)
    if secret in text and persona not in rule.shows_to:
        problems.append(f"{persona} reads {secret!r}")
    if secret not in text and persona in rule.must_show:
        problems.append(f"{persona} does not find {secret!r}")


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.label)
def test_access(rule, world_office, bring_to, client):
    world = _build(rule, world_office, bring_to)
    signed_in = Browsers(world)
    problems = []
    methods = ["GET", "POST"] if rule.method == "GET+POST" else [rule.method]
    actor = rule.actor
    may_post = rule.allowed.keys() if rule.post_allowed is None else rule.post_allowed

    for method in methods:
        posting = method == "POST"
        before = snapshot(world, rule) if posting else None
        _check_anonymous(client, rule, world, method, problems)
        for persona in PERSONAS:
            allowed = persona in rule.allowed
            if posting and (persona == actor or persona in may_post):
                continue  # allowed people's POSTs change things: only the actor's, last
            browser = signed_in[persona]
            with CaptureQueriesContext(connection) as queries:
                response = _request(browser, rule, world, method, json=rule.json)
            status = response.status_code
            if not posting and len(queries) > QUERY_BUDGET:
                problems.append(f"GET {persona}: {len(queries)} queries, over {QUERY_BUDGET}")
            if not posting and allowed:
                if status != rule.allowed[persona]:
                    problems.append(f"GET {persona}: {status}, expected {rule.allowed[persona]}")
                _check_secret(rule, world, persona, response, problems)
            elif status not in rule.refused:
                problems.append(f"{method} {persona}: {status}, expected one of {rule.refused}")
            if posting:
                after = snapshot(world, rule)
                if after != before:
                    problems.append(f"POST {persona} changed something: {before} -> {after}")
                    before = after
        if posting and actor:
            response = _request(signed_in[actor], rule, world, method, json=rule.json)
            if response.status_code != rule.actor_status:
                problems.append(
                    f"POST {actor} (allowed): {response.status_code}, expected {rule.actor_status}"
                )
            changed = snapshot(world, rule) != before
            if rule.route != "curation:scoresheet_total" and not changed:
                problems.append(f"POST {actor} (allowed) changed nothing: is the data right?")

    assert not problems, "\n".join([f"{rule.label} ({rule.path(world)}):", *problems])


def test_a_refused_transition_leaves_the_audit_trail_as_it_was(world_office, bring_to, client):
    """The audit trail itself, row by row, across every refused attempt at every step of
    one application (the matrix above counts the rows; this compares them)."""
    application = bring_to("submitted")
    before = list(TransitionLog.objects.filter(application=application).values())
    for persona in PERSONAS:
        if persona == "coordinator":
            continue
        client.force_login(world_office.personas[persona])
        for name in SPECS:
            client.post(
                reverse("curation:application_transition", args=[application.pk, name]),
                {"state": "submitted", "comment": "x"},
            )
    application.refresh_from_db()
    assert application.state in (State.SUBMITTED, State.WITHDRAWN)
    after = list(TransitionLog.objects.filter(application=application).values())
    # Only the members may withdraw a submitted application.
    assert after[: len(before)] == before
    assert [row["transition"] for row in after[len(before) :]] in ([], ["withdraw"])


def test_staff_of_another_region_never_see_the_region_s_applications(world_office, bring_to):
    """The visibility the matrix relies on, in every state up to certification."""
    from curation.selectors import applications_visible_to

    office = world_office
    states = ("draft", "submitted", "in_curation", "packaging_review", "awaiting_certification")
    for n, state in enumerate(states):
        product = f.ProductFactory(business=office.business, name=f"Produk {n}")
        f.complete_documents(product, by=office.msme)
        bring_to(state, services.application_create(product=product, by=office.msme))
    for persona in ("foreign_coordinator", "exporter", "outsider", "other_msme", "spare_curator"):
        assert not applications_visible_to(office.personas[persona]).exists(), persona
    for persona in ("msme", "msme_staff", *REGION_STAFF):
        assert applications_visible_to(office.personas[persona]).count() == len(states), persona


def test_the_admin_flag_does_not_bypass_the_workflow(world_office, bring_to, client):
    """Staff of the admin (is_staff) still take a step only in their workflow role: the
    admin's transition page goes through the same services and permissions."""
    office = world_office
    application = bring_to("submitted")
    before = (application.state, TransitionLog.objects.count())
    for persona in ("reviewer", "officer", "foreign_coordinator", "msme"):
        user = office.personas[persona]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        client.post(
            reverse(
                "admin:curation_application_transition", args=[application.pk, "assign_curators"]
            ),
            {"curators": [office.lead.pk, office.curator.pk], "lead": office.lead.pk},
        )
        application.refresh_from_db()
        assert (application.state, TransitionLog.objects.count()) == before, persona


def test_nobody_adds_a_product_to_a_business_they_do_not_belong_to(world_office, client):
    """The product form's business choice, forged: with one business the field is not
    there (the product goes to one's own), with several it offers only one's own."""
    office = world_office
    intruder = office.other_msme
    second = f.BusinessFactory(name="Tahu Pak Darto Dua", region=office.business.region)
    Membership.objects.create(business=second, user=intruder, role=Membership.Role.OWNER)
    before = office.business.products.count()
    client.force_login(intruder)
    world = World(office=office, application=None)

    response = client.post(
        reverse("products:new"), {**product_data(world), "business": office.business.pk}
    )

    assert response.status_code == 200  # the form again, with the choice refused
    assert "business" in response.context["form"].errors
    assert office.business.products.count() == before
