"""Fixtures of the account tests (sign-up, sign-in, two-factor, invitations by e-mail)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # allauth counts sign-ups, sign-ins, sign-in failures and e-mails in the cache: each
    # test starts afresh.
    cache.clear()
    yield
    cache.clear()
