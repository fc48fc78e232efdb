"""The curator's scoresheet (drafts, one submission, blind review, the running total, a
new round) and the lead's decision page."""

import re

from assessments.models import Scoresheet
from curation import services
from curation.forms import person_name
from curation.stage_work import scoresheet_save
from tests import factories as f
from tests.staff.page_helpers import (
    WORKED_EXAMPLE,
    follow_messages,
    page,
    scoresheet_post,
    seen_token,
)

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
