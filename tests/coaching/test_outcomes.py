"""The office's view of a programme: who was referred, who attended, and whether their
next application scored higher on the criteria named."""

from decimal import Decimal

from django.urls import reverse

from coaching.selectors import programme_outcomes
from coaching.services import referral_attend, referral_create
from curation import services
from tests.coaching.helpers import rejected_low, scored


def came_back_stronger(office):
    """A new application of the same product, scored 4 on packaging and 3 on market
    readiness (2 and 2 before), and passed."""
    application = scored(
        office, office.new_application(), {"packaging_labeling": 4, "market_digital": 3}
    )
    return services.application_pass_curation(application=application, by=office.lead)


def test_the_next_application_shows_the_improvement_on_the_criteria_named(
    office, programme, rejected
):
    referral = referral_create(
        application=rejected, programme=programme, by=office.lead, note="Go."
    )
    referral_attend(referral=referral, by=office.msme)
    following = came_back_stronger(office)

    outcomes = programme_outcomes(programme)

    [row] = outcomes.referrals
    assert row.next_application == following
    assert [(c.key, c.before, c.after) for c in row.criteria] == [
        ("packaging_labeling", Decimal("2.00"), Decimal("4.00")),
        ("market_digital", Decimal("2.00"), Decimal("3.00")),
    ]
    assert row.improved is True
    assert (outcomes.attended, outcomes.improved) == (1, 1)
    summary = {c.key: (c.before, c.after, c.change) for c in outcomes.summary}
    assert summary["packaging_labeling"] == (Decimal("2.00"), Decimal("4.00"), Decimal("2.00"))
    # Named by the programme, but by no referral: nothing to compare.
    assert summary["legality"] == (None, None, None)


def test_the_office_reads_it_on_the_programme_page(client, office, programme, rejected):
    referral_create(application=rejected, programme=programme, by=office.lead, note="Go.")
    came_back_stronger(office)

    client.force_login(office.coordinator)
    page = client.get(reverse("coaching:programme", args=[programme.pk])).content.decode()

    assert "Sambal Bu Rini" in page
    assert "Kemasan dan label: 2,00 → 4,00 (+2,00)" in page  # Indonesian decimals
    assert "1 usaha dirujuk, 0 hadir, 1 bernilai lebih tinggi" in page


def test_a_business_not_back_yet_has_nothing_to_compare(client, office, programme, rejected):
    referral_create(application=rejected, programme=programme, by=office.lead, note="Go.")

    [row] = programme_outcomes(programme).referrals

    assert row.next_application is None
    assert row.improved is None
    assert [(c.before, c.after) for c in row.criteria] == [
        (Decimal("2.00"), None),
        (Decimal("2.00"), None),
    ]
    client.force_login(office.coordinator)
    page = client.get(reverse("coaching:programme", args=[programme.pk])).content.decode()
    assert "Belum ada pengajuan baru" in page


def test_a_lower_score_is_not_an_improvement(office, programme, rejected):
    referral_create(application=rejected, programme=programme, by=office.lead, note="Go.")
    rejected_low(office)  # the next application scored the same: 2 and 2

    [row] = programme_outcomes(programme).referrals

    assert [c.change for c in row.criteria] == [Decimal(0), Decimal(0)]
    assert row.improved is False
