"""The application's API answer carries its business's coaching referrals (its page
shows them); the list leaves them to each application's own answer."""

from rest_framework.test import APIClient

from coaching.services import referral_attend, referral_create


def get(user, url):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url).json()


def test_the_application_shows_its_referrals(office, programme, rejected):
    referral = referral_create(
        application=rejected, programme=programme, by=office.lead, note="Take the sessions."
    )
    referral_attend(referral=referral, by=office.msme)

    body = get(office.msme, f"/api/applications/{rejected.pk}/")

    [shown] = body["coaching_referrals"]
    assert shown["programme"] == "Pendampingan Kemasan Ekspor"
    assert shown["criteria"] == ["packaging_labeling", "market_digital"]
    assert shown["note"] == "Take the sessions."
    assert shown["starts_on"] == programme.starts_on.isoformat()
    assert shown["attended_at"] is not None
    listed = get(office.coordinator, "/api/applications/")["results"]
    assert "coaching_referrals" not in listed[0]


def test_an_application_without_referrals_has_none(office, rejected):
    assert get(office.coordinator, f"/api/applications/{rejected.pk}/")["coaching_referrals"] == []
