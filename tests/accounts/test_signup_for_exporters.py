"""Sign-up for an exporter or buyer: no MSME step indicator (account, business,
product...), and no phone number asked of them; a business still gives its phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from kernel.roles import Role
from tests import factories as f
from tests.accounts.test_exporter_signup import EMAIL, PASSWORD

pytestmark = pytest.mark.django_db


def _post(client, kind, **changes):
    data = {
        "account_kind": kind,
        "email": EMAIL,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Ayu Lestari",
        "phone": "",
        "language": "en",
    } | changes
    return client.post(reverse("account_signup"), data)


def test_an_exporter_signs_up_without_a_phone_number(client):
    response = _post(client, "exporter")
    assert response.status_code == 302, response.content.decode()
    user = get_user_model().objects.get(email=EMAIL)
    assert user.profile.phone == ""


def test_a_business_still_gives_its_phone_number(client):
    response = _post(client, "msme")
    assert response.status_code == 200
    assert "Enter a phone number" in response.content.decode()
    assert not get_user_model().objects.filter(email=EMAIL).exists()


def test_an_exporters_phone_is_kept_when_given(client):
    _post(client, "exporter", phone="0812 3456 7890")
    assert get_user_model().objects.get(email=EMAIL).profile.phone == "+6281234567890"


def test_the_exporter_sign_up_page_has_no_msme_steps(client):
    # Sent back with a mistake, an exporter's form shows no step indicator.
    again = _post(client, "exporter", password2="something else").content.decode()
    assert 'class="steps"' not in again
    # A business's form keeps it.
    business = _post(client, "msme", password2="something else").content.decode()
    assert 'class="steps"' in business
    # The first page: the steps are there for a business, hidden by the stylesheet as
    # soon as "exporter or buyer" is chosen (no JavaScript needed).
    first = client.get(reverse("account_signup")).content.decode()
    assert '<div class="signup-steps">' in first
    stylesheet = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert 'body:has(input[name="account_kind"][value="exporter"]:checked) .signup-steps' in (
        stylesheet
    )


def test_an_exporter_may_clear_the_phone_on_the_account_page_a_business_may_not(client, office):
    exporter = f.UserFactory(username="ayu", roles=[Role.EXPORTER])
    office.msme.profile.phone = "+6281234567890"
    office.msme.profile.save(update_fields=["phone"])
    for user, saved in [(exporter, True), (office.msme, False)]:
        client.force_login(user)
        response = client.post(
            reverse("curation:account"),
            {"full_name": "Someone", "phone": "", "language": "en"},
        )
        assert (response.status_code == 302) is saved, user
        user.profile.refresh_from_db()
        assert (user.profile.phone == "") is saved
