"""The staff workspaces as their users meet them: the coordinator assigning and changing
curators and watching the overview, the curator's scoresheet (drafts, one submission,
blind review, the running total), the lead's decision page, the packaging checklist
with its evidence, and the certifying officer's dossier. Every page is refused to the
people who may not see it, and the lists cost the same queries for 3 rows as for 30."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import PackagingItemResult, Scoresheet
from assessments.services import scoresheet_save
from curation import services
from curation.checks import curation_result
from curation.forms import person_name
from curation.models import (
    Application,
    CuratorAssignment,
    CuratorAssignmentChange,
    Notification,
    State,
    StateTarget,
    TransitionLog,
)
from curation.roles import Role
from products.models import ConflictOfInterest, Document, Membership
from tests import factories as f

# A worked example on the default rubric (weights 15, 20, 15, 15, 10, 10, 10, 5):
# 15*5 + 20*4 + 15*3 + 15*4 + 10*2 + 10*5 + 10*3 + 5*1 = 365; 365 * 100 / (5 * 100) = 73.00
WORKED_EXAMPLE = {
    "legality": 5,
    "quality_safety": 4,
    "capacity_continuity": 3,
    "packaging_labeling": 4,
    "price_competitiveness": 2,
    "uniqueness_brand": 5,
    "market_digital": 3,
    "management_traceability": 1,
}


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


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow_messages(client, response) -> str:
    """The page a redirect leads to, with its flashed messages."""
    assert response.status_code == 302, response.status_code
    return page(client, response["Location"])


def scoresheet_post(application, scores, *, seen="", submit=False, recommendation="", **notes):
    data = {f"score_{key}": str(value) for key, value in scores.items()}
    data.update({f"comment_{key}": text for key, text in notes.items()})
    data.update({"seen": seen, "recommendation": recommendation, "comment": ""})
    data["submit" if submit else "save"] = "1"
    return data


def seen_token(html: str) -> str:
    match = re.search(r'name="seen" value="([^"]*)"', html)
    if match:
        return match.group(1)
    assert re.search(r'name="seen"(?! value)', html), "the form carries no seen token"
    return ""


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
    assert "The curators have been changed." in follow_messages(client, response)

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
    StateTarget.objects.create(state=State.SUBMITTED, days=3)
    office.coordinator.profile.regions.add(f.region("35.72"))
    client = login(office.coordinator)

    html = page(client, "/overview/")
    assert "Sambal Pecel Bu Rini" in html and "Keripik Tempe" in html
    assert "10 (target 3): overdue" in html
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


# The curator: the scoresheet.


def test_scoresheet_shows_each_criterion_with_its_levels_in_the_users_language(
    office, bring_to, login
):
    application = bring_to("in_curation")
    client = login(office.lead)
    html = page(client, f"/applications/{application.pk}/scoresheet/")
    assert "Product quality and safety" in html
    assert "Lab-tested (microbiology, nutrition), written specification, batch records" in html
    assert "Meets the domestic modern-retail baseline" in html
    assert html.count('type="radio" name="score_legality"') == 5
    assert 'name="comment_legality"' in html

    office.lead.profile.language = "id"
    office.lead.profile.save()
    html = client.get(f"/applications/{application.pk}/scoresheet/").content.decode()
    assert "Mutu dan keamanan produk" in html
    assert "Uji laboratorium (mikrobiologi, gizi)" in html


def test_a_draft_is_saved_and_shows_its_total_without_javascript(office, bring_to, login):
    application = bring_to("in_curation")
    client = login(office.lead)
    url = f"/applications/{application.pk}/scoresheet/"
    html = page(client, url)
    response = client.post(
        url,
        scoresheet_post(
            application, WORKED_EXAMPLE, seen=seen_token(html), legality="NIB and P-IRT seen."
        ),
    )
    html = follow_messages(client, response)
    assert "Draft saved." in html
    sheet = Scoresheet.objects.get(round__application=application, curator=office.lead)
    assert not sheet.is_submitted
    assert sheet.scores.count() == 8
    assert sheet.scores.get(criterion__key="legality").comment == "NIB and P-IRT seen."
    assert re.search(r'class="total-value">73\.00<', html)


def test_running_total_for_a_worked_example(office, bring_to, login):
    application = bring_to("in_curation")
    client = login(office.lead)
    url = f"/applications/{application.pk}/scoresheet/total/"
    html = client.post(url, scoresheet_post(application, WORKED_EXAMPLE)).content.decode()
    assert re.search(r'class="total-value">73\.00<', html)
    assert "8 of 8 criteria scored" in html
    # So far: only legality scored 5 gives 15 * 5 / 5 = 15.00; a gate below its floor shows.
    html = client.post(url, scoresheet_post(application, {"legality": 5})).content.decode()
    assert re.search(r'class="total-value">15\.00<', html)
    html = client.post(url, scoresheet_post(application, {"legality": 2})).content.decode()
    assert "Below the minimum for:" in html and "Business and product legality" in html
    # The page wires it to htmx, and works without it.
    page_html = page(client, f"/applications/{application.pk}/scoresheet/")
    assert f'hx-post="{url}"' in page_html and "js/htmx.min.js" in page_html


def test_scores_are_submitted_once(office, bring_to, login):
    application = bring_to("in_curation")
    client = login(office.lead)
    url = f"/applications/{application.pk}/scoresheet/"
    seen = seen_token(page(client, url))
    incomplete = client.post(
        url, scoresheet_post(application, {"legality": 3}, seen=seen, submit=True)
    )
    body = incomplete.content.decode()
    assert "Score every criterion" in body
    # Nothing was saved, and the page keeps what was entered.
    assert not Scoresheet.objects.filter(curator=office.lead).exists()
    assert re.search(r'name="score_legality" id="[^"]*" value="3" checked', body)

    seen = seen_token(page(client, url))
    data = scoresheet_post(
        application, WORKED_EXAMPLE, seen=seen, submit=True, recommendation="pass"
    )
    html = follow_messages(client, client.post(url, data))
    assert "Your scores are submitted." in html
    sheet = Scoresheet.objects.get(curator=office.lead)
    submitted_at = sheet.submitted_at
    assert submitted_at is not None
    assert 'name="score_legality"' not in html  # read-only now

    again = client.post(url, data)
    assert "You already submitted your scores for this round." in follow_messages(client, again)
    sheet.refresh_from_db()
    assert sheet.submitted_at == submitted_at


def test_a_scoresheet_page_left_open_elsewhere_cannot_overwrite(office, bring_to, login):
    application = bring_to("in_curation")
    client = login(office.lead)
    url = f"/applications/{application.pk}/scoresheet/"
    stale = seen_token(page(client, url))
    # Meanwhile, in another tab:
    scoresheet_save(application=application, curator=office.lead, scores={"legality": (5, "")})
    response = client.post(url, scoresheet_post(application, {"legality": 1}, seen=stale))
    assert "saved elsewhere" in follow_messages(client, response)
    assert Scoresheet.objects.get(curator=office.lead).scores.get().score == 5


def test_blind_review_hides_the_others_scores_until_mine_are_in(office, bring_to, login):
    application = bring_to("in_curation")
    f.score_all(application, office.lead, 4)  # comments "<key> comment by lead"
    client = login(office.curator)
    html = page(client, f"/applications/{application.pk}/scoresheet/")
    assert "comment by lead" not in html
    html = page(client, f"/applications/{application.pk}/curation/")
    assert "stay hidden until you submit your own" in html
    assert "comment by lead" not in html
    html = page(client, f"/applications/{application.pk}/")
    assert "comment by lead" not in html

    f.score_all(application, office.curator, 3)
    html = page(client, f"/applications/{application.pk}/scoresheet/")
    assert "legality comment by lead" in html
    assert "legality comment by curator" in html


def test_the_lead_sees_aggregate_gates_and_disagreement_with_each_curators_score(
    office, bring_to, login
):
    application = bring_to("in_curation")
    f.score_all(application, office.curator, 4, overrides={"legality": 2, "market_digital": 5})
    client = login(office.lead)
    html = page(client, f"/applications/{application.pk}/curation/")
    assert "stay hidden until you submit your own" in html
    assert f"/applications/{application.pk}/do/pass_curation/" not in html

    f.score_all(application, office.lead, 4)
    html = page(client, f"/applications/{application.pk}/curation/")
    # 15*3 + 20*4 + 15*4 + 15*4 + 10*4 + 10*4 + 10*4.5 + 5*4 = 390 -> 78.00, grade B
    assert "78.00 of 100 · grade B" in html
    assert "Curators disagree on:" in html and "Business and product legality" in html
    lead_name, curator_name = person_name(office.lead), person_name(office.curator)
    assert f"<strong>{lead_name}: 4</strong>" in html
    assert f"<strong>{curator_name}: 2</strong>" in html
    assert "All gates met" in html
    for name in ("pass_curation", "request_revision", "reject"):
        assert f'href="/applications/{application.pk}/do/{name}/"' in html


def test_a_failed_gate_blocks_passing_and_says_why(office, bring_to, login):
    application = bring_to("in_curation")
    f.score_all(application, office.lead, 4, overrides={"legality": 2})
    f.score_all(application, office.curator, 4, overrides={"legality": 2})
    html = page(login(office.lead), f"/applications/{application.pk}/curation/")
    assert "Below the minimum:" in html
    assert re.search(r"<button[^>]*disabled[^>]*>\s*Pass curation", html)
    assert "below its minimum of 3" in html
    assert f'href="/applications/{application.pk}/do/pass_curation/"' not in html


# The packaging reviewer.


def test_packaging_checklist_shows_the_evidence_and_saves_results(office, bring_to, login):
    application = bring_to("packaging_review")
    client = login(office.reviewer)
    url = f"/applications/{application.pk}/packaging/"
    html = page(client, url)
    photo = Document.objects.get(product=office.product, kind__key="packaging_photo")
    evidence_url = f"/applications/{application.pk}/evidence/{photo.pk}/"
    assert f'<img src="{evidence_url}"' in html
    assert "Made in Indonesia" in html  # an item of the checklist
    assert "us_customary_units" not in html  # the product does not go to the US

    image = client.get(evidence_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")

    items = [i.key for i in application.packaging_checklist.items.all()]
    data = {"seen": seen_token(html)}
    for key in items:
        data[f"result_{key}"] = "pass"
    data["result_origin_marking"] = "fail"
    data["note_origin_marking"] = "Print it on the front label."
    data["result_barcode"] = "na"
    html = follow_messages(client, client.post(url, data))
    assert "Checklist saved." in html
    review = application.current_packaging_review
    origin = PackagingItemResult.objects.get(review=review, item__key="origin_marking")
    assert (origin.result, origin.note) == ("fail", "Print it on the front label.")
    assert PackagingItemResult.objects.get(review=review, item__key="barcode").result == "na"
    assert review.reviewer == office.reviewer

    # A page loaded before that save is stale.
    response = client.post(url, {**data, "seen": "1:stale"})
    assert "saved by someone else" in follow_messages(client, response)


def test_approval_is_refused_while_a_mandatory_item_has_not_passed(office, bring_to, login):
    application = bring_to("packaging_review")
    f.review_all(application, office.reviewer, failed=["origin_marking"])
    client = login(office.reviewer)
    html = page(client, f"/applications/{application.pk}/packaging/")
    assert re.search(r"<button[^>]*disabled[^>]*>\s*Approve packaging", html)
    assert "These mandatory items have not passed" in html

    url = f"/applications/{application.pk}/do/approve_packaging/"
    html = page(client, url)
    assert "These mandatory items have not passed" in html
    response = client.post(url, {"state": "packaging_review"})
    assert "These mandatory items have not passed" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW


def test_evidence_is_only_the_applications_photos(office, bring_to, login):
    application = bring_to("packaging_review")
    client = login(office.reviewer)
    nib = Document.objects.filter(business=office.business, kind__key="nib").first()
    assert client.get(f"/applications/{application.pk}/evidence/{nib.pk}/").status_code == 404
    other = f.ProductFactory()
    f.complete_documents(other, by=office.other_msme)
    foreign = Document.objects.get(product=other, kind__key="packaging_photo")
    assert client.get(f"/applications/{application.pk}/evidence/{foreign.pk}/").status_code == 404


# The certifying officer.


def test_dossier_shows_documents_with_validity_and_the_audit_trail(office, bring_to, login):
    application = bring_to("awaiting_certification")
    today = date.today()
    f.add_document(
        office.business,
        "halal",
        product=office.product,
        number=f.VALID_NUMBERS["halal"],
        expires_on=today - timedelta(days=3),
    )
    f.add_document(
        office.business, "trademark", number="IDM000123456", expires_on=today + timedelta(days=20)
    )
    client = login(office.officer)
    html = page(client, f"/applications/{application.pk}/dossier/")
    for text in (
        office.business.nib,
        office.business.npwp,
        "Kediri",
        "Micro",
        "Sambal Pecel Bu Rini",
        "validity-current",
        "validity-expired",
        "validity-soon",
        "expires soon",
        "Weighted score",
        "Made in Indonesia",  # the closing packaging review's items
        "Pass",
        "Audit trail",
    ):
        assert text in html, text
    # The full audit trail, with the names of those who acted.
    for log in TransitionLog.objects.filter(application=application):
        assert person_name(log.actor) in html
    assert "Assign curators" in html and "Approve packaging" in html
    assert f'href="/applications/{application.pk}/do/certify/"' in html
    assert f'href="/applications/{application.pk}/do/reject/"' in html


# Who may open which page.

PAGES = {
    "scoresheet": ("in_curation", "scoresheet/"),
    "curation": ("in_curation", "curation/"),
    "curators": ("in_curation", "curators/"),
    "packaging": ("packaging_review", "packaging/"),
    "dossier": ("awaiting_certification", "dossier/"),
}
ALLOWED = {
    "scoresheet": {"lead", "curator"},
    "curation": {"lead", "curator", "coordinator"},
    "curators": {"coordinator"},
    "packaging": {"reviewer", "coordinator"},
    "dossier": {"officer", "coordinator", "regional_admin"},
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


# Constant queries for the staff lists.


def _applications(office, count):
    """`count` open applications of the office's region in several states."""
    for n in range(count):
        product = f.ProductFactory(business=office.business, name=f"Produk {n}")
        f.add_document(office.business, "product_photo", product=product)
        f.add_document(office.business, "packaging_photo", product=product)
        f.add_document(office.business, "pirt", product=product)
        f.add_document(office.business, "halal", product=product)
        application = services.application_create(product=product, by=office.msme)
        f.take_step(office, application, "submit")
        if n % 2:
            f.take_step(office, application, "assign_curators")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "persona,url",
    [
        ("coordinator", "/overview/"),
        ("coordinator", "/overview/?q=produk&overdue=1"),
        ("coordinator", "/applications/"),
        ("coordinator", "/applications/?queue=coordinator"),
        ("coordinator", "/"),
        ("lead", "/applications/?queue=curator"),
        ("lead", "/"),
    ],
)
def test_staff_lists_cost_the_same_queries_for_3_or_30_rows(office, login, persona, url):
    StateTarget.objects.create(state=State.SUBMITTED, days=3)
    client = login(office.personas[persona])
    _applications(office, 3)
    few = _queries(client, url)
    _applications(office, 27)
    assert _queries(client, url) == few


def test_a_new_round_starts_from_my_scores_of_the_round_before(office, bring_to, login):
    application = bring_to("in_curation")
    f.score_all(application, office.lead, 4, submit=False)
    services.application_request_revision(
        application=application, by=office.lead, message="Add the lab test report."
    )
    services.application_resubmit(application=application, by=office.msme, answer="Uploaded it.")
    application.refresh_from_db()
    html = page(login(office.lead), f"/applications/{application.pk}/scoresheet/")
    assert "Filled in with your scores from round 1" in html
    assert "Add the lab test report." in html and "Uploaded it." in html
    assert re.search(r'name="score_legality" id="[^"]*" value="4" checked', html)
    assert seen_token(html) == ""  # nothing saved in round 2 yet
    assert not Scoresheet.objects.filter(round=application.current_round).exists()
