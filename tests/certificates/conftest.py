"""Fixtures of the certificate tests: every test signs with the module's key; a certified
application with its rendered PDF; a counter of PDF renders; personas reading English."""

import pytest

from certificates import rendering
from kernel.states import State
from tests import certificate_helpers as h


@pytest.fixture(autouse=True)
def _signing_key(settings, signing_key):
    settings.SIGNING_PKCS12_PATH = signing_key


@pytest.fixture
def _english(office):
    """Pages and e-mails in English whatever the translations say (each persona's own
    language choice wins over the request's)."""
    from curation.models import Profile

    Profile.objects.filter(user__in=office.personas.values()).update(language="en")


@pytest.fixture
def certificate(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to(State.AWAITING_CERTIFICATION)
    return h.certify(office, application, django_capture_on_commit_callbacks)


@pytest.fixture
def renders(monkeypatch):
    calls = {"count": 0}
    real = rendering.write_pdf

    def counting(html, *, identifier):
        calls["count"] += 1
        return real(html, identifier=identifier)

    monkeypatch.setattr(rendering, "write_pdf", counting)
    return calls
