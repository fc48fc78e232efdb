"""The coordinator's pages: assigning curators (conflicts of interest, forged choices, the
lead), changing them during curation, and the overview."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from assessments.rules import curation_result
from curation import services
from curation.forms import person_name
from curation.models import (
    Application,
    CuratorAssignment,
    CuratorAssignmentChange,
    Notification,
    TransitionLog,
)
from kernel.roles import Role
from kernel.states import State
from offices.models import ServedRegion, StageTarget
from products.models import ConflictOfInterest, Membership
from tests import factories as f
from tests.staff.page_helpers import follow_messages, messages_of, page

# The coordinator: assigning curators.


@pytest.fixture
def conflicted(office):
    """The spare curator declared a conflict with the business; a member of the business
    is also a curator of the region."""
    ConflictOfInterest.objects.create(
        curator=office.spare_curator, business=office.business, reason="Cousin of the owner"
    )
    relative = f.UserFactory(
        username="rini-sister", first_name="Sari", roles=[Role.CURATOR], regions=[f.region()]
    )
    Membership.objects.create(business=office.business, user=relative)
    return relative


def test_assign_page_shows_conflicted_curators_disabled_with_the_reason(
    office, bring_to, login, conflicted
):
    application = bring_to("submitted")
    client = login(office.coordinator)
    html = page(client, f"/applications/{application.pk}/do/assign_curators/")

    spare = re.search(rf'<input[^>]*id="curator-{office.spare_curator.pk}"[^>]*>', html).group(0)
    assert "disabled" in spare
    assert "declared a conflict of interest: Cousin of the owner" in html
    member = re.search(rf'<input[^>]*id="curator-{conflicted.pk}"[^>]*>', html).group(0)
    assert "disabled" in member
    assert "a member of this business" in html
    # Those who may curate can be chosen, and chosen as lead.
    lead = re.search(rf'<input[^>]*id="curator-{office.lead.pk}"[^>]*>', html).group(0)
    assert "disabled" not in lead
    assert f'id="lead-{office.lead.pk}"' in html
    assert f'id="lead-{office.spare_curator.pk}"' not in html
    # Curators of another region are not offered.
    assert f'id="curator-{office.foreign_coordinator.pk}"' not in html


def test_a_forged_choice_of_a_conflicted_curator_is_refused_with_the_reason(
    office, bring_to, login, conflicted
):
    application = bring_to("submitted")
    client = login(office.coordinator)
    response = client.post(
        f"/applications/{application.pk}/do/assign_curators/",
        {
            "state": "submitted",
            "curators": [office.lead.pk, office.spare_curator.pk],
            "lead": office.lead.pk,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    name = person_name(office.spare_curator)
    assert f"{name} declared a conflict of interest with Sambal Bu Rini." in body
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert not CuratorAssignment.objects.filter(application=application).exists()


@pytest.mark.parametrize("forged", ["987654", "abc", "another region"])
def test_a_forged_curator_id_is_refused_without_repeating_it(office, bring_to, login, forged):
    """An unknown id, something that is no id, and a curator the page does not offer get
    one message: the page does not tell which accounts exist."""
    application = bring_to("submitted")
    if forged == "another region":
        forged = str(office.foreign_coordinator.pk)  # a curator of Kota Blitar
    client = login(office.coordinator)
    response = client.post(
        f"/applications/{application.pk}/do/assign_curators/",
        {"state": "submitted", "curators": [office.lead.pk, forged], "lead": forged},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "curators": ["Choose curators from those offered for this application."],
        "lead": ["Choose curators from those offered for this application."],
    }
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert not CuratorAssignment.objects.filter(application=application).exists()


def test_the_lead_must_be_one_of_the_chosen_curators(office, bring_to, login):
    application = bring_to("submitted")
    client = login(office.coordinator)
    response = client.post(
        f"/applications/{application.pk}/do/assign_curators/",
        {
            "state": "submitted",
            "curators": [office.lead.pk, office.curator.pk],
            "lead": office.spare_curator.pk,
        },
    )
    assert "Choose the lead among the chosen curators." in response.content.decode()
    response = client.post(
        f"/applications/{application.pk}/do/assign_curators/",
        {"state": "submitted", "curators": [office.lead.pk], "lead": office.lead.pk},
    )
    assert "Choose at least 2 curators." in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_coordinator_assigns_through_the_page_once(
    office, bring_to, login, django_capture_on_commit_callbacks
):
    application = bring_to("submitted")
    client = login(office.coordinator)
    data = {
        "state": "submitted",
        "curators": [office.lead.pk, office.curator.pk],
        "lead": office.curator.pk,
        "comment": "Curator knows sambal well.",
    }
    url = f"/applications/{application.pk}/do/assign_curators/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    assignments = {a.curator_id: a.is_lead for a in application.assignments.all()}
    assert assignments == {office.lead.pk: False, office.curator.pk: True}
    assert {m.to[0] for m in mail.outbox} >= {office.lead.email, office.curator.email}
    history = set(application.assignment_history.values_list("curator_id", "change"))
    assert history == {
        (office.lead.pk, "added"),
        (office.curator.pk, "added"),
        (office.curator.pk, "made_lead"),
    }

    # The same form posted again (a double click) is refused and changes nothing.
    again = client.post(url, data)
    assert "changed while you were looking at it" in follow_messages(client, again)
    assert application.assignments.count() == 2
    assert TransitionLog.objects.filter(application=application).count() == 2


# The coordinator: changing curators during curation.


def test_reassigning_curators_moves_access_and_scores_and_notifies(
    office, bring_to, login, django_capture_on_commit_callbacks
):
    application = bring_to("in_curation")
    f.score_all(application, office.lead, 4)
    f.score_all(application, office.curator, 1)
    audit_before = TransitionLog.objects.filter(application=application).count()
    client = login(office.coordinator)
    html = page(client, f"/applications/{application.pk}/curators/")
    assert "submitted" in html
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/applications/{application.pk}/curators/",
            {
                "state": "in_curation",
                "version": version,
                "curators": [office.lead.pk, office.spare_curator.pk],
                "lead": office.spare_curator.pk,
                "comment": "The curator is on leave until March.",
            },
        )
    assert response.status_code == 302
    assert "are changed; those added or removed have been told by e-mail." in follow_messages(
        client, response
    )

    application.refresh_from_db()
    assert application.state == State.IN_CURATION
    assert {a.curator_id: a.is_lead for a in application.assignments.all()} == {
        office.lead.pk: False,
        office.spare_curator.pk: True,
    }
    # Not a transition: the audit trail is unchanged; the curator history has it.
    assert TransitionLog.objects.filter(application=application).count() == audit_before
    changes = set(
        CuratorAssignmentChange.objects.filter(
            application=application, comment="The curator is on leave until March."
        ).values_list("curator_id", "change")
    )
    assert changes == {
        (office.curator.pk, "removed"),
        (office.lead.pk, "lead_relieved"),
        (office.spare_curator.pk, "added"),
        (office.spare_curator.pk, "made_lead"),
    }
    # The added curator is told, in the app and by e-mail; the removed one too.
    assert Notification.objects.filter(
        recipient=office.spare_curator, application=application, event="curator_added"
    ).exists()
    assert office.spare_curator.email in {m.to[0] for m in mail.outbox}
    assert Notification.objects.filter(
        recipient=office.curator, application=application, event="curator_removed"
    ).exists()

    # The removed curator lost access; their submitted scores no longer count.
    client.force_login(office.curator)
    page(client, f"/applications/{application.pk}/", 404)
    page(client, f"/applications/{application.pk}/scoresheet/", 404)
    result = curation_result(application)
    assert result.curators == 1
    assert result.total == 80  # the lead's 4s only; the removed curator's 1s are out
    # The new lead scores in the same round, and can then decide.
    f.score_all(application, office.spare_curator, 4)
    assert curation_result(application).curators == 2
    assert services.available_transitions(user=office.spare_curator, application=application)


def _curator_history(html) -> str:
    found = re.search(r'aria-labelledby="curator-history-heading">(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def test_a_replaced_curator_shows_in_the_curator_history_of_the_staff_pages(
    office, bring_to, login
):
    """Who curated it when, by whom and why: on the application page and on the
    certification review, where the officer checks that no curator certifies; never to
    the business, which does not learn who its curators are."""
    for user, first_name in [
        (office.coordinator, "Hendra"),
        (office.lead, "Lestari"),
        (office.curator, "Bambang"),
        (office.spare_curator, "Wulandari"),
    ]:
        user.first_name, user.last_name = first_name, "Santoso"
        user.save(update_fields=["first_name", "last_name"])
    application = bring_to("in_curation")
    client = login(office.coordinator)
    html = page(client, f"/applications/{application.pk}/curators/")
    response = client.post(
        f"/applications/{application.pk}/curators/",
        {
            "state": "in_curation",
            "version": re.search(r'name="version" value="(\d+)"', html).group(1),
            "curators": [office.lead.pk, office.spare_curator.pk],
            "lead": office.lead.pk,
            "comment": "The curator is on leave until March.",
        },
    )
    assert response.status_code == 302
    # On to the officer: the new curator scores with the lead, packaging is approved.
    f.score_all(application, office.lead)
    f.score_all(application, office.spare_curator)
    f.take_step(office, application, "pass_curation")
    f.take_step(office, application, "approve_packaging")

    def name(user):
        return escape(person_name(user))

    pages = [
        (office.coordinator, f"/applications/{application.pk}/"),
        (office.officer, f"/applications/{application.pk}/"),
        (office.officer, f"/applications/{application.pk}/dossier/"),
        (office.regional_admin, f"/applications/{application.pk}/dossier/"),
    ]
    for user, url in pages:
        history = _curator_history(page(login(user), url))
        assert f"<strong>{name(office.curator)}</strong>: removed" in history, (user, url)
        assert f"<strong>{name(office.spare_curator)}</strong>: added" in history
        assert f"round 1, by {name(office.coordinator)}" in history
        assert "The curator is on leave until March." in history
        # The first choice too: the lead and the curator who was later replaced.
        assert f"<strong>{name(office.lead)}</strong>: made lead" in history
        assert f"<strong>{name(office.curator)}</strong>: added" in history

    html = page(login(office.msme), f"/applications/{application.pk}/")
    assert _curator_history(html) == ""
    assert "The curator is on leave until March." not in html
    assert "Wulandari" not in html and "Bambang" not in html


def test_a_stale_or_repeated_reassignment_is_refused(office, bring_to, login):
    application = bring_to("in_curation")
    client = login(office.coordinator)
    html = page(client, f"/applications/{application.pk}/curators/")
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    data = {
        "state": "in_curation",
        "version": version,
        "curators": [office.lead.pk, office.spare_curator.pk],
        "lead": office.lead.pk,
        "comment": "Rebalancing work.",
    }
    assert client.post(f"/applications/{application.pk}/curators/", data).status_code == 302
    count = CuratorAssignmentChange.objects.filter(application=application).count()

    second = client.post(f"/applications/{application.pk}/curators/", data)
    assert "The curators of this application changed while you were looking at it" in (
        follow_messages(client, second)
    )
    assert CuratorAssignmentChange.objects.filter(application=application).count() == count

    # Nothing to change is said so, and a reason is required.
    html = page(client, f"/applications/{application.pk}/curators/")
    data["version"] = re.search(r'name="version" value="(\d+)"', html).group(1)
    response = client.post(f"/applications/{application.pk}/curators/", data)
    assert "Nothing changed" in " ".join(messages_of(response))
    data.update(curators=[office.lead.pk, office.curator.pk], comment="")
    response = client.post(f"/applications/{application.pk}/curators/", data)
    assert "This field is required." in response.content.decode()


def test_only_the_coordinator_changes_curators_and_only_in_curation(office, bring_to, login):
    application = bring_to("in_curation")
    client = login(office.lead)
    assert client.get(f"/applications/{application.pk}/curators/").status_code == 403
    client = login(office.coordinator)
    html = page(client, f"/applications/{application.pk}/")
    assert f"/applications/{application.pk}/curators/" in html
    product = f.ProductFactory(business=office.business)
    f.complete_documents(product, by=office.msme)
    submitted = bring_to("submitted", office.new_application(product))
    assert client.get(f"/applications/{submitted.pk}/curators/").status_code == 403


# The coordinator: the overview.


def test_overview_filters_by_region_state_search_and_overdue(office, bring_to, login):
    late = bring_to("submitted")
    Application.objects.filter(pk=late.pk).update(
        state_changed_at=timezone.now() - timedelta(days=10)
    )
    fresh_product = f.ProductFactory(business=office.business, name="Keripik Tempe")
    f.complete_documents(fresh_product, by=office.msme)
    fresh = bring_to("in_curation", office.new_application(fresh_product))
    StageTarget.objects.create(
        office=f.office_for(office.business.region), state=State.SUBMITTED, days=3
    )
    # Their office serves Kota Blitar too now.
    ServedRegion.objects.filter(region=f.region("35.72")).update(
        office=f.office_for(office.business.region)
    )
    client = login(office.coordinator)

    html = page(client, "/overview/")
    assert "Sambal Pecel Bu Rini" in html and "Keripik Tempe" in html
    assert "10 (target 3 working days): overdue" in html
    assert 'name="region"' in html  # two regions: a region filter

    html = page(client, "/overview/?overdue=1")
    assert "Sambal Pecel Bu Rini" in html and "Keripik Tempe" not in html
    html = page(client, "/overview/?q=tempe")
    assert "Keripik Tempe" in html and "Sambal Pecel Bu Rini" not in html
    html = page(client, f"/overview/?state={State.IN_CURATION}")
    assert "Keripik Tempe" in html and person_name(office.lead) in html
    html = page(client, "/overview/?region=35.72")
    assert "No open applications match." in html
    assert fresh.pk and late.pk


def test_overview_is_for_coordinators(office, login):
    for persona in (office.lead, office.msme, office.outsider):
        assert login(persona).get("/overview/").status_code == 403
