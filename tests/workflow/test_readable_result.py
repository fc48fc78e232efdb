"""The curation result as the business reads it (assessments.plain_words): the 1-5 scale
and the pass mark explained from the rubric, per criterion the level reached, what it
means and what scores higher, the curators' words, nothing empty; and staff writing to
the business see which language it reads."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from assessments.models import Rubric
from curation import services
from curation.stage_work import scoresheet_save
from products.models import Membership
from tests import factories as f


def speak(user, language):
    user.profile.language = language
    user.profile.save(update_fields=["language"])


def score(application, curator, by_key):
    """Every criterion 4 with a comment, but `by_key`: {key: (score, comment)}."""
    scores = {
        c.key: by_key.get(c.key, (4, f"{c.key}: good work"))
        for c in application.rubric.criteria.all()
    }
    scoresheet_save(
        application=application, curator=curator, scores=scores, recommendation="pass", submit=True
    )


@pytest.fixture
def passed(office, bring_to):
    """Passed curation: legality 3 and 4 (mean 3.5), no comment at all on market_digital."""
    application = bring_to("in_curation")
    score(
        application,
        office.lead,
        {"legality": (3, "Register the trademark."), "market_digital": (4, "")},
    )
    score(application, office.curator, {"market_digital": (4, "  ")})
    services.application_pass_curation(application=application, by=office.lead)
    application.refresh_from_db()
    return application


def criterion_blocks(page: str) -> dict[str, str]:
    """Each criterion's part of the result, by its heading."""
    section = re.search(r'<section class="card curation-result".*?</section>', page, re.S).group(0)
    return {
        heading: block
        for block in re.findall(
            r"<li>\s*<h3>.*?</li>\s*(?=<li>\s*<h3>|</ul>\s*</section>)", section, re.S
        )
        for heading in re.findall(r"<h3>(.*?)</h3>", block)
    }


def test_the_result_explains_the_scale_and_the_pass_mark_from_the_rubric(office, passed, client):
    speak(office.msme, "en")
    client.force_login(office.msme)
    url = reverse("curation:application", args=[passed.pk])
    rubric = passed.rubric
    page = client.get(url).content.decode()
    assert f"The pass mark is {rubric.pass_mark:.0f} of 100." in page
    assert "The product reached it." in page
    assert "How to read the scores (1 to 5)" in page
    for n in range(1, 6):
        assert rubric.levels[str(n)]["en"] in page

    legality = rubric.criteria.get(key="legality")
    block = criterion_blocks(page)[legality.label_en]
    # 3 and 4: a mean of 3.5, which has reached level 3, and what 5 asks of this criterion.
    assert "3.5 of 5" in block
    assert rubric.levels["3"]["en"] in block
    assert f"Already met: {legality.anchors['3']['en']}" in block
    assert f"To score higher: {legality.anchors['5']['en']}" in block
    assert "worth up to 15 of the 100 points" in block
    assert "Register the trademark." in block
    # Who wrote which is never shown to the business.
    assert office.lead.username not in page

    # No curator wrote on this one: no empty heading for their words.
    market = rubric.criteria.get(key="market_digital")
    assert "What the curators wrote" not in criterion_blocks(page)[market.label_en]

    # Read from the rubric, not written in the page: another pass mark and level names show.
    Rubric.objects.filter(pk=rubric.pk).update(
        pass_mark=75, levels={**rubric.levels, "5": {"id": "Juara", "en": "Champion"}}
    )
    page = client.get(url).content.decode()
    assert "The pass mark is 75 of 100." in page
    assert "Champion" in page


def test_the_result_in_indonesian(office, passed, client):
    speak(office.msme, "id")
    client.force_login(office.msme)
    page = client.get(reverse("curation:application", args=[passed.pk])).content.decode()
    rubric = passed.rubric
    assert f"Nilai lulusnya {rubric.pass_mark:.0f} dari 100." in page
    assert "Cara membaca nilai (1 sampai 5)" in page
    legality = rubric.criteria.get(key="legality")
    block = criterion_blocks(page)[legality.label_id]
    assert "3,5 dari 5" in block
    assert f"Agar nilainya naik: {legality.anchors['5']['id']}" in block


def test_a_result_below_a_minimum_says_so(office, bring_to, client):
    """A gate below its floor: the total may reach the pass mark, yet the product cannot
    pass, and the page says which criterion holds it back."""
    speak(office.msme, "en")
    application = bring_to("in_curation")
    score(application, office.lead, {"legality": (1, "No NIB yet.")})
    score(application, office.curator, {"legality": (2, "")})
    services.application_request_revision(
        application=application, by=office.lead, message="Get the NIB first."
    )
    client.force_login(office.msme)
    page = client.get(reverse("curation:application", args=[application.pk])).content.decode()
    legality = application.rubric.criteria.get(key="legality")
    block = criterion_blocks(page)[legality.label_en]
    assert f"Below the minimum of {legality.floor}" in block
    assert "a criterion is below its minimum, so the product cannot pass yet" in page


def test_staff_writing_to_the_business_see_the_language_it_reads(office, bring_to, client):
    speak(office.msme, "id")
    speak(office.lead, "en")
    application = bring_to("in_curation")
    client.force_login(office.lead)
    revision = reverse("curation:application_transition", args=[application.pk, "request_revision"])
    page = client.get(revision).content.decode()
    assert "The business reads Indonesian." in page
    # The curator's comments reach the business too.
    page = client.get(reverse("curation:scoresheet", args=[application.pk])).content.decode()
    assert "The business reads Indonesian." in page

    speak(office.msme, "en")
    assert "The business reads English." in client.get(revision).content.decode()
    second = f.make_member(office.business, "rini-staff", role=Membership.Role.STAFF)
    speak(second, "id")
    page = html.unescape(client.get(revision).content.decode())
    assert "The business's members read English, Indonesian." in page


def test_no_language_note_where_the_business_does_not_read_the_text(office, bring_to, client):
    submitted = bring_to("submitted")
    client.force_login(office.coordinator)
    # The coordinator's note when assigning curators stays in the office.
    page = client.get(
        reverse("curation:application_transition", args=[submitted.pk, "assign_curators"])
    ).content.decode()
    assert 'id="business-reads"' not in page
    # Nor for the business writing to the office.
    draft = office.new_application(f.ProductFactory(business=office.business))
    client.force_login(office.msme)
    page = client.get(
        reverse("curation:application_transition", args=[draft.pk, "withdraw"])
    ).content.decode()
    assert 'id="business-reads"' not in page
