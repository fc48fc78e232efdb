"""Each office sets its own stage targets (working days); its applications are flagged
overdue against them, and the defaults apply until it does."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from curation import deadlines
from curation.models import Application
from kernel.states import State
from offices.models import StageTarget
from tests import factories as f
from tests.offices.staff_helpers import make_admin, office_of_kediri, sign_in
from tests.staff.page_helpers import page


def waiting(bring_to, days):
    application = bring_to("submitted")
    Application.objects.filter(pk=application.pk).update(
        state_changed_at=timezone.now() - timedelta(days=days)
    )
    return application


def test_per_office_stage_targets_drive_the_overdue_flag(office, bring_to, client):
    waiting(bring_to, 10)
    sign_in(client, office.coordinator)
    kediri = office_of_kediri(office)

    # Ten calendar days are more than the default five working days.
    assert (
        "overdue" in page(client, reverse("curation:overview") + "?overdue=1").split("<tbody>")[1]
    )

    StageTarget.objects.create(office=kediri, state=State.SUBMITTED, days=20)
    html = page(client, reverse("curation:overview"))
    assert "Sambal Pecel Bu Rini" in html and "(target 20 working days)" in html
    assert "Sambal Pecel Bu Rini" not in page(client, reverse("curation:overview") + "?overdue=1")

    # Another office's strict target does not apply to Kediri's applications.
    blitar = f.office_for(f.region("35.72"))
    StageTarget.objects.create(office=blitar, state=State.SUBMITTED, days=1)
    assert "Sambal Pecel Bu Rini" not in page(client, reverse("curation:overview") + "?overdue=1")

    StageTarget.objects.filter(office=kediri).update(days=3)
    html = page(client, reverse("curation:overview") + "?overdue=1")
    assert "(target 3 working days): overdue" in html


def test_the_administrator_sets_the_targets(office, client):
    admin = make_admin(office)
    client.force_login(admin)
    html = page(client, reverse("curation:office_targets"))
    assert 'value="5"' in html and 'value="10"' in html  # the defaults, seeded or not
    response = client.post(
        reverse("curation:office_targets"),
        {
            "submitted": "2",
            "in_curation": "8",
            "packaging_review": "4",
            "awaiting_certification": "1",
        },
    )
    assert response.status_code == 302
    targets = deadlines.office_targets(office_of_kediri(office).pk)
    assert targets[State.SUBMITTED].days == 2 and targets[State.IN_CURATION].days == 8
    assert targets[State.SUBMITTED].working_days

    response = client.post(
        reverse("curation:office_targets"),
        {
            "submitted": "0",
            "in_curation": "8",
            "packaging_review": "4",
            "awaiting_certification": "1",
        },
    )
    assert response.status_code == 200
    assert deadlines.office_targets(office_of_kediri(office).pk)[State.SUBMITTED].days == 2


@pytest.mark.parametrize("persona", ["coordinator", "lead", "officer", "msme"])
def test_only_the_administrator_sets_targets_and_versions(office, client, persona):
    client.force_login(office.personas[persona])
    for name in ("curation:office_targets", "curation:office_versions"):
        assert client.get(reverse(name)).status_code == 403
