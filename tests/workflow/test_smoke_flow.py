import pytest

from curation.models import TransitionLog
from kernel.states import State


@pytest.mark.parametrize("state", [s.value for s in State])
def test_every_state_is_reachable_through_the_services(bring_to, state):
    application = bring_to(state)
    assert application.state == state
    steps = [log.transition for log in TransitionLog.objects.filter(application=application)]
    assert len(steps) == len(set(steps)) or state == "rejected"
