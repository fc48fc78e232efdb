"""API tokens: made on the account page (the secret shown once, only its hash kept), used
by a system as its owner under the same access rules, read-only or read-write, revoked by
their owner alone, refused once revoked or when the owner is deactivated."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api_tokens.models import ApiToken
from api_tokens.services import ACTIVE_LIMIT, create_token
from curation.models import TransitionLog
from kernel.states import State

pytestmark = pytest.mark.django_db

TOKENS = "/account/tokens/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def with_token(secret: str, keyword: str = "Token") -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"{keyword} {secret}")


def make_on_the_page(client: Client, name="Order system", scope="read") -> str:
    response = client.post(TOKENS, {"name": name, "scope": scope})
    assert response.status_code == 302 and response["Location"] == TOKENS
    page = client.get(TOKENS)
    secret = page.context["new"]["secret"]
    assert secret in page.content.decode()
    return secret


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(office):
    client = signed_in(office.msme)
    secret = make_on_the_page(client)
    token = ApiToken.objects.get(user=office.msme)
    assert token.key_hash != secret and secret not in token.key_hash
    assert secret.startswith(token.prefix)
    again = client.get(TOKENS).content.decode()
    assert secret not in again  # a reload does not show it again
    assert "Order system" in again and f"{token.prefix}…" in again


def test_a_token_sees_what_its_owner_sees(office, bring_to):
    application = bring_to("submitted")
    mine = make_on_the_page(signed_in(office.msme))
    theirs = make_on_the_page(signed_in(office.other_msme))
    listed = with_token(mine).get("/api/applications/").json()["results"]
    assert [a["id"] for a in listed] == [application.pk]
    assert with_token(theirs).get("/api/applications/").json()["results"] == []
    assert with_token(theirs).get(f"/api/applications/{application.pk}/").status_code == 404
    # "Bearer" is read as well as "Token".
    assert with_token(mine, "Bearer").get("/api/applications/").status_code == 200
    assert ApiToken.objects.get(user=office.msme).last_used_at is not None


def test_a_read_only_token_changes_nothing(office, bring_to):
    application = bring_to("submitted")
    secret = make_on_the_page(signed_in(office.coordinator), scope="read")
    response = with_token(secret).post(
        f"/api/applications/{application.pk}/transitions/reject/",
        {"state": "submitted", "comment": "Outside the programme."},
        format="json",
    )
    assert response.status_code == 403
    assert "read-only" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_a_read_write_token_acts_without_csrf_and_within_the_owners_job(office, bring_to):
    application = bring_to("submitted")
    secret = make_on_the_page(signed_in(office.coordinator), scope="write")
    client = with_token(secret)
    client.enforce_csrf_checks = True
    url = f"/api/applications/{application.pk}/transitions/reject/"
    response = client.post(
        url, {"state": "submitted", "comment": "Outside the programme."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert TransitionLog.objects.filter(application=application, transition="reject").count() == 1
    # The MSME's read-write token cannot do the coordinator's job.
    msme = make_on_the_page(signed_in(office.msme), scope="write")
    other = bring_to("submitted")
    denied = with_token(msme).post(
        f"/api/applications/{other.pk}/transitions/assign_curators/",
        {"state": "submitted"},
        format="json",
    )
    assert denied.status_code == 403


def test_revoked_by_its_owner_only_then_refused(office, bring_to):
    bring_to("submitted")
    secret = make_on_the_page(signed_in(office.msme))
    token = ApiToken.objects.get(user=office.msme)
    # Another person cannot revoke it, nor learn that it exists.
    assert signed_in(office.other_msme).post(f"{TOKENS}{token.pk}/revoke/").status_code == 404
    assert with_token(secret).get("/api/applications/").status_code == 200
    # Revoking is a POST.
    assert signed_in(office.msme).get(f"{TOKENS}{token.pk}/revoke/").status_code == 405
    response = signed_in(office.msme).post(f"{TOKENS}{token.pk}/revoke/", follow=True)
    assert "dicabut" in response.content.decode()  # she reads Indonesian (the default)
    refused = with_token(secret).get("/api/applications/")
    assert refused.status_code in (401, 403)
    assert "not valid or was revoked" in refused.content.decode()
    # Revoking twice finds nothing to revoke.
    assert signed_in(office.msme).post(f"{TOKENS}{token.pk}/revoke/").status_code == 404


def test_a_deactivated_owners_token_is_refused(office):
    _token, secret = create_token(office.exporter, name="ERP", scope="read")
    assert with_token(secret).get("/api/applications/").status_code == 200
    office.exporter.is_active = False
    office.exporter.save()
    assert with_token(secret).get("/api/applications/").status_code in (401, 403)


@pytest.mark.parametrize("header", ["Token", "Token se_wrong", "Token nothing-like-ours"])
def test_a_wrong_token_is_refused_with_a_message(office, header):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/applications/")
    assert response.status_code in (401, 403)
    assert response.json()


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(TOKENS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Client().post(f"{TOKENS}1/revoke/").status_code in (302, 405)
    assert ApiToken.objects.count() == 0


def test_at_most_ten_active_tokens(office):
    client = signed_in(office.exporter)
    for n in range(ACTIVE_LIMIT):
        create_token(office.exporter, name=f"system {n}", scope="read")
    response = client.post(TOKENS, {"name": "one more", "scope": "read"})
    assert response.status_code == 200
    assert "cabut dulu token yang tidak lagi dipakai" in response.content.decode()
    assert ApiToken.objects.filter(user=office.exporter).count() == ACTIVE_LIMIT


def test_a_blank_name_or_unknown_scope_makes_nothing(office):
    client = signed_in(office.exporter)
    assert client.post(TOKENS, {"name": " ", "scope": "read"}).status_code == 200
    assert client.post(TOKENS, {"name": "x", "scope": "admin"}).status_code == 200
    assert ApiToken.objects.count() == 0


def test_the_page_speaks_each_users_language(office):
    assert "Buat token" in signed_in(office.msme).get(TOKENS).content.decode()
    office.exporter.profile.language = "en"
    office.exporter.profile.save()
    page = signed_in(office.exporter).get(TOKENS).content.decode()
    assert "Make token" in page and "Buat token" not in page


def test_the_schema_documents_the_token_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "tokenAuth" in schema
