"""The Django admin is for superusers only, and its sign-in is allauth's.

Before, any account with `is_staff` (every demo staff login has it) could open the
admin's transition page of any application in any region and read the product, its
state and the region's curators with their declared conflicts. Here every persona of the
access matrix, each given `is_staff` as the demo gives it, opens every page the admin
has (each model's list and an object's page, the transition page, the add-user form)
and gets the admin's sign-in redirect, never the page and never the product's name; a
superuser gets each of them.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate
from curation.models import Application, Profile
from products.models import ConflictOfInterest
from tests import factories as f
from tests.security.access_world import PERSONAS

User = get_user_model()


@pytest.fixture
def certified(office, bring_to):
    """A certified application (certificate, audit trail, scores, reviews: every admin list
    has a row), another one in curation, and a conflict a curator declared."""
    application = bring_to("certified")
    ConflictOfInterest.objects.create(
        curator=office.spare_curator, business=office.business, reason="Ipar pemilik usaha"
    )
    bring_to("in_curation")
    return application


def admin_urls(application) -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        obj = model_admin.get_queryset(_superuser_request()).first()
        if obj is not None:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
    urls += [
        reverse("admin:index"),
        reverse("admin:curation_application_transition", args=[application.pk, "reject"]),
        reverse("admin:auth_user_add"),
    ]
    return urls


def _superuser_request():
    class Request:
        user = User(is_superuser=True, is_active=True)

    return Request()


def test_staff_with_the_admin_flag_open_no_admin_page(world_office, certified):
    office = world_office
    product = certified.product.name
    urls = admin_urls(certified)
    assert len(urls) > 30  # every model's list and page
    problems = []
    for persona in PERSONAS:
        user = office.personas[persona]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            if response.status_code != 302 or not response["Location"].startswith(
                reverse("admin:login")
            ):
                problems.append(f"{persona} GET {url}: {response.status_code}")
            if product in response.content.decode(errors="replace"):
                problems.append(f"{persona} reads the product at {url}")
        # Following the redirect: the admin's sign-in refuses them by name, in the site.
        response = client.get(reverse("admin:login"), {"next": urls[0]})
        if response.status_code != 403:
            problems.append(f"{persona} at the admin's sign-in: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_a_refused_admin_transition_changes_nothing(office, bring_to):
    application = bring_to("submitted")
    coordinator = office.coordinator
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:curation_application_transition", args=[application.pk, "reject"]),
        {"reason": "Tidak lengkap", "state": "submitted"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == "submitted"


def test_a_superuser_opens_every_admin_page(office, certified):
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    problems = [
        f"{url}: {status}"
        for url in admin_urls(certified)
        if (status := client.get(url).status_code) != 200
    ]
    assert not problems, problems


def test_the_admin_sign_in_is_allauth_s(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_an_outside_next_address_is_not_followed(client, db):
    response = client.get(reverse("admin:login"), {"next": "https://evil.example/"})
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_the_admin_asks_an_enrolled_superuser_for_the_second_factor(client, db):
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    f.verified_email(root)
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": "root", "password": "secret-pass-123"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone opens nothing.
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # the form again, with its error
    assert client.get(reverse("admin:index")).status_code == 302

    response = client.post(reverse("mfa_authenticate"), {"code": f.totp_code()})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_add_user_form_with_an_office_saves_one_profile(office, client):
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    add = client.get(reverse("admin:auth_user_add"))
    prefix = re.search(r'name="(profile[^"]*)-TOTAL_FORMS"', add.content.decode()).group(1)
    kediri = f.region("35.71")
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "kurator-baru",
            "password1": "Kurasi-Kediri-2026!",
            "password2": "Kurasi-Kediri-2026!",
            "usable_password": "true",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1",
            f"{prefix}-0-language": "en",
            f"{prefix}-0-office": f.office_for(kediri).pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="kurator-baru")
    assert Profile.objects.filter(user=user).count() == 1
    assert user.profile.language == "en"
    assert user.profile.office == f.office_for(kediri)
    assert Application.objects.count() == 0
    assert Certificate.objects.count() == 0
