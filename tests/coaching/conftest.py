"""Coaching fixtures (built by `tests.coaching.helpers`)."""

import pytest

from kernel.roles import Role
from tests import factories as f
from tests.coaching.helpers import open_programme, rejected_low


@pytest.fixture
def programme(office):
    return open_programme(office)


@pytest.fixture
def rejected(office):
    return rejected_low(office)


@pytest.fixture
def office_admin(office):
    return f.UserFactory(
        username="office-admin", roles=[Role.OFFICE_ADMIN], office=office.coordinator.profile.office
    )
