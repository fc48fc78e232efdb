"""Fixtures of the staff page tests."""

import pytest


@pytest.fixture
def login(client):
    """Sign a persona in, reading pages in English (the messages asserted are the source
    strings, whatever translations exist)."""

    def sign_in(user):
        user.profile.language = "en"
        user.profile.save(update_fields=["language"])
        client.force_login(user)
        return client

    return sign_in
