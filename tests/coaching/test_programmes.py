"""An office keeps its coaching programmes: its coordinators and administrators, and
nobody else; every page in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.models import CoachingProgramme
from coaching.services import referral_create
from tests import factories as f
from tests.coaching.helpers import open_programme, programme_data, rejected_low


def test_a_coordinator_adds_a_programme_to_their_office(client, office):
    client.force_login(office.coordinator)

    response = client.post(reverse("coaching:programme_new"), programme_data())

    programme = CoachingProgramme.objects.get()
    assert response["Location"] == reverse("coaching:programme", args=[programme.pk])
    assert programme.office == office.coordinator.profile.office
    assert programme.criteria == ["packaging_labeling"]
    listed = client.get(reverse("coaching:programmes")).content.decode()
    assert "Kelas Label Dwibahasa" in listed


def test_an_end_before_the_start_is_refused(client, office):
    client.force_login(office.coordinator)
    today = timezone.localdate()

    response = client.post(
        reverse("coaching:programme_new"),
        programme_data(ends_on=(today - timedelta(days=1)).isoformat()),
    )

    assert response.status_code == 200
    assert not CoachingProgramme.objects.exists()


def test_the_office_administrator_changes_it(client, office, office_admin, programme):
    client.force_login(office_admin)

    response = client.post(
        reverse("coaching:programme_edit", args=[programme.pk]),
        programme_data(name="Kelas Label (diperbarui)", is_active=""),
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Kelas Label (diperbarui)"
    assert not programme.is_active


@pytest.mark.parametrize("persona", ["foreign_coordinator", "lead", "msme", "outsider"])
def test_nobody_else_sees_or_changes_it(client, office, programme, persona):
    client.force_login(office.personas[persona])

    for name in ("coaching:programme", "coaching:programme_edit"):
        assert client.get(reverse(name, args=[programme.pk])).status_code == 404
    response = client.post(
        reverse("coaching:programme_edit", args=[programme.pk]), programme_data(name="Taken")
    )
    assert response.status_code == 404
    programme.refresh_from_db()
    assert programme.name == "Pendampingan Kemasan Ekspor"


def test_another_office_lists_only_its_own(client, office, programme):
    client.force_login(office.foreign_coordinator)
    page = client.get(reverse("coaching:programmes"))
    assert page.status_code == 200
    assert "Pendampingan Kemasan Ekspor" not in page.content.decode()


@pytest.mark.parametrize("persona", ["lead", "msme", "reviewer", "outsider"])
def test_only_coordinators_and_administrators_keep_programmes(client, office, persona):
    client.force_login(office.personas[persona])
    assert client.get(reverse("coaching:programmes")).status_code == 403
    assert client.post(reverse("coaching:programme_new"), programme_data()).status_code == 403
    assert not CoachingProgramme.objects.exists()


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_office_pages_take_the_same_queries_for_many_rows(client, office):
    """The list and a programme's outcomes: one row each, then many (referrals from
    several businesses, some of them back with a new application)."""
    programme = open_programme(office)
    referral_create(
        application=rejected_low(office), programme=programme, by=office.lead, note="Go."
    )
    client.force_login(office.coordinator)
    pages = [reverse("coaching:programmes"), reverse("coaching:programme", args=[programme.pk])]
    few = [count(client, url) for url in pages]

    for n in range(3):
        open_programme(office, name=f"Programme {n}")
        product = f.ProductFactory(business=office.business, name=f"Produk {n}")
        f.complete_documents(product, by=office.msme)
        referral_create(
            application=rejected_low(office, product),
            programme=programme,
            by=office.lead,
            note="Go.",
        )
    rejected_low(office)  # the first product came back (and scored the same)
    many = [count(client, url) for url in pages]

    assert few == many
