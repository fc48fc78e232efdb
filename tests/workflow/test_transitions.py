"""Every transition of WORKFLOW.md taken by the role that may take it, and what it leaves
behind; every other role refused, from a state it does not leave too, and a stale page
told to reload.

A refusal must change nothing: the tests compare the application's footprint (state,
audit trail, notices, assignments, rounds, reviews) before and after."""

import pytest

from curation.models import Application
from curation.transitions import SPECS
from kernel.errors import WorkflowError
from kernel.states import State
from tests.workflow.transition_steps import (
    ACTING_AS,
    OWNER,
    PERSONAS,
    STEPS,
    TARGET,
    footprint,
    not_allowed,
    take,
    written,
)

# The allowed role succeeds, and leaves exactly one audit row.


@pytest.mark.parametrize(
    ("step", "persona"),
    [
        pytest.param(step, persona, id=f"{step}-by-{persona}")
        for step in STEPS
        for persona in step.allowed
    ],
)
def test_the_allowed_role_takes_the_transition_and_leaves_one_audit_row(
    office, bring_to, step, persona
):
    application = step.prepare(office, bring_to)
    before = footprint(application)
    actor = office.personas[persona]

    take(office, application, step.name, by=actor)

    application.refresh_from_db()
    assert application.state == TARGET[step.name]
    assert application.state_changed_at > before["state_changed_at"]
    new_rows = list(application.audit_trail.exclude(pk__in=before["audit"]))
    assert len(new_rows) == 1
    row = new_rows[0]
    assert (row.transition, row.source, row.target) == (step.name, step.source, TARGET[step.name])
    assert (row.actor, row.actor_role) == (actor, ACTING_AS[persona])
    assert row.comment == written(office, step.name)
    assert row.at == application.state_changed_at


# Every other role is refused, and nothing changes. (A refusal writes nothing, so one
# application can take every refused attempt in turn.)


def refusals(attempt, candidates) -> dict:
    """The messages each candidate is refused with (None: not refused)."""
    refused = {}
    for candidate in candidates:
        try:
            attempt(candidate)
        except WorkflowError as e:
            assert not e.stale
            refused[candidate] = e.messages
        else:
            refused[candidate] = None
    return refused


@pytest.mark.parametrize("step", [pytest.param(s, id=str(s)) for s in STEPS])
def test_every_other_role_is_refused_and_nothing_changes(office, bring_to, step):
    application = step.prepare(office, bring_to)
    before = footprint(application)
    others = [p for p in PERSONAS if p not in step.allowed]

    refused = refusals(
        lambda persona: take(office, application, step.name, by=office.personas[persona]),
        others,
    )

    assert refused == dict.fromkeys(others, [not_allowed(step.name)])
    assert footprint(application) == before


SOURCES = {name: {step.source for step in STEPS if step.name == name} for name in TARGET}


@pytest.mark.parametrize("state", [s.value for s in State])
def test_a_transition_is_refused_from_a_state_it_does_not_leave(office, bring_to, state):
    application = bring_to(state)
    before = footprint(application)
    elsewhere = [name for name in TARGET if state not in SOURCES[name]]

    refused = refusals(
        lambda name: take(office, application, name, by=office.personas[OWNER[name]]),
        elsewhere,
    )

    assert refused == {
        name: [
            f"This application is “{State(state).label}”; "
            f"“{SPECS[name].label}” is not possible now."
        ]
        for name in elsewhere
    }
    assert footprint(application) == before


# A stale page: the user acts on what they saw, but the application moved on meanwhile.


@pytest.mark.parametrize(
    ("seen", "moves", "attempt", "actor"),
    [
        pytest.param(
            "submitted", ["assign_curators"], "reject", "coordinator", id="reject-after-assignment"
        ),
        # Withdrawing is possible from the new state too, but not what the MSME saw.
        pytest.param(
            "submitted",
            ["assign_curators", "request_revision"],
            "withdraw",
            "msme",
            id="withdraw-after-revision-request",
        ),
    ],
)
def test_a_stale_attempt_is_told_to_reload_and_changes_nothing(
    office, bring_to, seen, moves, attempt, actor
):
    stale = bring_to(seen)
    current = Application.objects.get(pk=stale.pk)
    for name in moves:
        take(office, current, name, by=office.personas[OWNER[name]])
    before = footprint(current)

    with pytest.raises(WorkflowError) as refused:
        take(office, stale, attempt, by=office.personas[actor])

    assert refused.value.stale
    (message,) = refused.value.messages
    assert message.startswith("This application changed while you were looking at it")
    assert f"(it is now “{current.get_state_display()}”)" in message
    assert footprint(current) == before
