"""Fixtures of the workflow tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _in_english():
    """The messages asserted here are the English source texts. A request made by an
    earlier test can leave its user's language active in this thread; start from
    English and leave no language behind."""
    with translation.override("en", deactivate=True):
        yield
