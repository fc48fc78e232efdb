"""What the pages offer: exactly the transitions that would work, per persona and state,
and exactly what the services accept."""

import pytest
from django.db import transaction

from curation import services
from curation.models import Application
from kernel.errors import WorkflowError
from tests.workflow.transition_steps import (
    PERSONAS,
    TARGET,
    all_items_passed,
    footprint,
    new_packaging_photo,
    one_item_failed,
    scored,
    take,
)

# What the pages offer: exactly the transitions that would work, per persona and state.


SCENARIOS = {
    "draft": ("draft", None),
    "submitted": ("submitted", None),
    "in_curation": ("in_curation", None),
    "in_curation, scored": ("in_curation", scored),
    "revision_requested": ("revision_requested", None),
    "packaging_review": ("packaging_review", None),
    "packaging_review, an item failed": ("packaging_review", one_item_failed),
    "packaging_review, all passed": ("packaging_review", all_items_passed),
    "packaging_revision": ("packaging_revision", None),
    "packaging_revision, new photo": ("packaging_revision", new_packaging_photo),
    "awaiting_certification": ("awaiting_certification", None),
    "certified": ("certified", None),
    "rejected": ("rejected", None),
    "withdrawn": ("withdrawn", None),
}

AVAILABLE = {
    "draft": {"msme": {"submit", "withdraw"}},
    "submitted": {"msme": {"withdraw"}, "coordinator": {"assign_curators", "reject"}},
    # Nobody has scored yet, so the lead cannot pass curation.
    "in_curation": {"coordinator": {"request_revision"}, "lead": {"request_revision", "reject"}},
    "in_curation, scored": {
        "coordinator": {"request_revision"},
        "lead": {"request_revision", "pass_curation", "reject"},
    },
    "revision_requested": {"msme": {"resubmit", "withdraw"}},
    "packaging_review": {"reviewer": {"reject"}},
    "packaging_review, an item failed": {"reviewer": {"request_packaging_changes", "reject"}},
    "packaging_review, all passed": {"reviewer": {"approve_packaging", "reject"}},
    "packaging_revision": {"msme": {"withdraw"}},
    "packaging_revision, new photo": {"msme": {"resubmit_packaging", "withdraw"}},
    "awaiting_certification": {"officer": {"certify", "reject"}},
    "certified": {},
    "rejected": {},
    "withdrawn": {},
}


def arrive(office, bring_to, scenario) -> Application:
    state, ready = SCENARIOS[scenario]
    application = bring_to(state)
    if ready is not None:
        ready(office, application)
    return application


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_available_transitions_are_exactly_what_the_persona_may_do(
    office, bring_to, scenario, persona
):
    application = arrive(office, bring_to, scenario)

    offered = services.available_transitions(user=office.personas[persona], application=application)

    assert set(offered) == AVAILABLE[scenario].get(persona, set())


class _Undo(Exception):
    pass


def works(office, pk, name, user) -> bool:
    """Whether the service takes `name` for `user` now; undone either way."""
    try:
        with transaction.atomic():
            take(office, Application.objects.get(pk=pk), name, by=user)
            raise _Undo
    except WorkflowError:
        return False
    except _Undo:
        return True


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_what_is_offered_is_exactly_what_the_services_accept(office, bring_to, scenario):
    application = arrive(office, bring_to, scenario)
    before = footprint(application)

    offered = {
        persona: set(
            services.available_transitions(user=office.personas[persona], application=application)
        )
        for persona in PERSONAS
    }
    accepted = {
        persona: {name for name in TARGET if works(office, application.pk, name, user)}
        for persona, user in ((p, office.personas[p]) for p in PERSONAS)
    }

    assert offered == accepted
    assert footprint(application) == before
