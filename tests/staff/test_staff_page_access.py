"""Every staff page is refused to the people who may not see it, and so is the evidence."""

import pytest

from products.models import Document

# Who may open which page.

PAGES = {
    "scoresheet": ("in_curation", "scoresheet/"),
    "curation": ("in_curation", "curation/"),
    "curators": ("in_curation", "curators/"),
    "packaging": ("packaging_review", "packaging/"),
    "certification_review": ("awaiting_certification", "dossier/"),
}
ALLOWED = {
    "scoresheet": {"lead", "curator"},
    "curation": {"lead", "curator", "coordinator"},
    "curators": {"coordinator"},
    "packaging": {"reviewer", "coordinator"},
    "certification_review": {"officer", "coordinator", "regional_admin"},
}
# Who sees the application at all (the rest get 404); of those, who is not allowed gets 403.
SEES_APPLICATION = {"msme", "coordinator", "reviewer", "officer", "regional_admin"}


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_is_refused_to_those_who_may_not_see_it(office, bring_to, client, name):
    state, suffix = PAGES[name]
    application = bring_to(state)
    url = f"/applications/{application.pk}/{suffix}"
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    for persona in (
        "outsider",
        "other_msme",
        "foreign_coordinator",
        "exporter",
        "msme",
        "lead",
        "curator",
        "spare_curator",
        "coordinator",
        "reviewer",
        "officer",
        "regional_admin",
    ):
        user = office.personas[persona]
        client.force_login(user)
        assigned = persona in {"lead", "curator"}
        if persona in ALLOWED[name]:
            expected = 200
        elif persona in SEES_APPLICATION or assigned:
            expected = 403
        else:
            expected = 404
        assert client.get(url).status_code == expected, (name, persona)


def test_evidence_is_not_served_to_those_who_may_not_see_the_application(office, bring_to, client):
    application = bring_to("packaging_review")
    photo = Document.objects.get(product=office.product, kind__key="packaging_photo")
    url = f"/applications/{application.pk}/evidence/{photo.pk}/"
    for persona in ("outsider", "other_msme", "foreign_coordinator"):
        client.force_login(office.personas[persona])
        assert client.get(url).status_code == 404, persona
    client.force_login(office.msme)
    assert client.get(url).status_code == 200
