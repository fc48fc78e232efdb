"""Knock-out gates a single low score cannot slip past (issue #10, item 7).

The total and the gate read the curators' mean, so a 1 beside a 5 on legality meets its
floor of 3. Such a product may still pass, but only when the lead confirms it in writing:
the curation page names the criterion, the curator's score and the floor before the lead
decides; without a reason the pass is refused with those named and nothing changes, on
the page and in the API alike; the reason is kept in the history and shown with the
curation result. With every score at or above its floor nothing extra is asked, and a
mean below the floor still fails whatever is written.
"""

from html import unescape

import pytest
from django.core import mail
from rest_framework.test import APIClient

from curation import services
from curation.forms import person_name
from curation.models import TransitionLog
from curation.timeline import timeline_for
from kernel.errors import WorkflowError
from kernel.states import State
from tests import factories as f

REASON = "The NIB was uploaded after the curator scored; the lead checked it: valid."
ASKED = "Passing needs your written reason: a curator scored a gate criterion below its minimum."
WARNING = "A curator scored a gate below its minimum"


@pytest.fixture
def one_and_five(office, bring_to):
    """In curation: the lead scored legality 5, the other curator 1 (mean 3, its floor);
    4 everywhere else, a total of 77."""
    application = bring_to("in_curation")
    f.score_all(application, office.lead, 4, overrides={"legality": 5})
    f.score_all(application, office.curator, 4, overrides={"legality": 1})
    return application


def low_score(office, criterion="Business and product legality", mean="3.00") -> str:
    return (
        f"{person_name(office.curator)} scored {criterion} 1, below its minimum of 3 "
        f"(the curators' mean is {mean})."
    )


def sign_in(client, user):
    """Sign `user` in, reading pages in English (the texts asserted are the source ones)."""
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    client.force_login(user)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return unescape(response.content.decode())


def footprint(application):
    application.refresh_from_db()
    return (
        application.state,
        application.final_score,
        TransitionLog.objects.filter(application=application).count(),
        application.current_round.closed_at,
        application.packaging_reviews.count(),
    )


def test_the_lead_is_warned_before_deciding(office, one_and_five, client):
    application = one_and_five
    sign_in(client, office.lead)
    html = page(client, f"/applications/{application.pk}/curation/")
    assert WARNING in html
    assert low_score(office) in html
    assert "the lead passes it only with a written reason" in html
    assert f'href="/applications/{application.pk}/do/pass_curation/"' in html

    html = page(client, f"/applications/{application.pk}/do/pass_curation/")
    assert "Why does the product pass although a curator scored a gate below its minimum?" in html
    assert low_score(office) in html
    assert "The MSME reads your text in the application's history." in html
    assert '<textarea name="comment" cols="40" rows="10" required' in html


def test_without_a_reason_the_page_refuses_and_nothing_changes(office, one_and_five, client):
    application = one_and_five
    before = footprint(application)
    sign_in(client, office.lead)
    response = client.post(
        f"/applications/{application.pk}/do/pass_curation/",
        {"state": "in_curation", "comment": "   "},
    )
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"{ASKED} {low_score(office)}" in html
    assert footprint(application) == before
    assert mail.outbox == []


def test_the_service_refuses_a_pass_without_a_reason(office, one_and_five):
    application = one_and_five
    before = footprint(application)
    with pytest.raises(WorkflowError) as refused:
        services.application_pass_curation(application=application, by=office.lead, comment="")
    assert refused.value.messages == [f"{ASKED} {low_score(office)}"]
    assert footprint(application) == before


def test_with_a_reason_it_passes_and_the_reason_is_in_the_history(office, one_and_five, client):
    application = one_and_five
    sign_in(client, office.lead)
    response = client.post(
        f"/applications/{application.pk}/do/pass_curation/",
        {"state": "in_curation", "comment": REASON},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW
    assert application.final_score == 77  # the mean still makes the total
    log = TransitionLog.objects.get(application=application, transition="pass_curation")
    assert (log.actor, log.comment) == (office.lead, REASON)

    staff_history = timeline_for(application, viewer_is_member=False)
    assert [(e.transition, e.comment) for e in staff_history][-1] == ("pass_curation", REASON)
    assert REASON in page(client, f"/applications/{application.pk}/")

    # The curation result keeps the low score beside the lead's reason.
    html = page(client, f"/applications/{application.pk}/curation/")
    assert low_score(office) in html
    assert f"{person_name(office.lead)} passed it with this reason:" in html
    assert REASON in html

    # The MSME reads the reason in its history, never which curator scored what.
    sign_in(client, office.msme)
    html = page(client, f"/applications/{application.pk}/")
    assert REASON in html
    assert low_score(office) not in html and WARNING not in html


def test_the_api_asks_for_the_same_reason(office, one_and_five):
    application = one_and_five
    api = APIClient()
    api.force_authenticate(office.lead)
    url = f"/api/applications/{application.pk}/transitions/pass_curation/"
    assert (
        "pass_curation"
        in api.get(f"/api/applications/{application.pk}/").json()["available_transitions"]
    )
    before = footprint(application)

    response = api.post(url, {"state": "in_curation"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"messages": [f"{ASKED} {low_score(office)}"]}
    assert footprint(application) == before

    response = api.post(url, {"state": "in_curation", "comment": REASON}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.PACKAGING_REVIEW
    log = TransitionLog.objects.get(application=application, transition="pass_curation")
    assert log.comment == REASON


def test_a_low_score_on_the_food_gate_asks_too(office, bring_to):
    application = bring_to("in_curation")  # sambal: food, so quality and safety is a gate
    f.score_all(application, office.lead, 5)
    f.score_all(application, office.curator, 4, overrides={"quality_safety": 1})
    with pytest.raises(WorkflowError) as refused:
        services.application_pass_curation(application=application, by=office.lead)
    expected = low_score(office, "Product quality and safety", mean="3.00")
    assert refused.value.messages == [f"{ASKED} {expected}"]


def test_with_every_score_at_or_above_the_floor_nothing_extra_is_asked(office, bring_to, client):
    application = bring_to("in_curation")
    # 5 and 3 on legality: the curators disagree, but neither is below the floor of 3.
    f.score_all(application, office.lead, 4, overrides={"legality": 5})
    f.score_all(application, office.curator, 4, overrides={"legality": 3})
    sign_in(client, office.lead)
    html = page(client, f"/applications/{application.pk}/curation/")
    assert "Curators disagree on:" in html
    assert WARNING not in html
    html = page(client, f"/applications/{application.pk}/do/pass_curation/")
    assert "Why a written reason is needed:" not in html
    assert '<textarea name="comment" cols="40" rows="10" id' in html  # optional

    services.application_pass_curation(application=application, by=office.lead)
    application.refresh_from_db()
    assert application.state == State.PACKAGING_REVIEW
    assert (
        TransitionLog.objects.get(application=application, transition="pass_curation").comment == ""
    )


def test_a_mean_below_the_floor_still_fails_whatever_is_written(office, bring_to, client):
    application = bring_to("in_curation")
    f.score_all(application, office.lead, 4, overrides={"legality": 2})
    f.score_all(application, office.curator, 4, overrides={"legality": 1})
    before = footprint(application)
    with pytest.raises(WorkflowError) as refused:
        services.application_pass_curation(application=application, by=office.lead, comment=REASON)
    assert refused.value.messages == [
        "Business and product legality scores 1.50, below its minimum of 3."
    ]
    assert footprint(application) == before

    sign_in(client, office.lead)
    html = page(client, f"/applications/{application.pk}/curation/")
    assert "Below the minimum:" in html
    assert WARNING not in html  # nothing to confirm: it cannot pass
    assert f'href="/applications/{application.pk}/do/pass_curation/"' not in html
