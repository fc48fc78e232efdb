"""The packaging review asks of a product only the checklist items of its category and
its markets: the GACC registration number (China) and the EU's x-height are food rules
(packaging-checklist.json version 2, an item's `categories`), not a drum's."""

from assessments.rules import packaging_approval_problems, packaging_items
from curation import services
from kernel.states import State
from products.models import Category, Market
from tests import factories as f
from tests.staff.page_helpers import page

FOOD_RULES = {"gacc_registration", "eu_legibility"}


def drum_to_china_and_the_eu(office):
    drum = f.ProductFactory(
        business=office.business,
        name="Jimbe Tanggung Jaya",
        category=Category.objects.get(key="musical_instruments"),
        hs_code="92060000",
        materials="Mahogany, goat skin, rope",
        shelf_life_days=None,
        markets=["cn", "eu"],
    )
    for kind in ("product_photo", "packaging_photo"):
        f.add_document(office.business, kind, product=drum)
    return drum


def test_a_drum_for_china_and_the_eu_is_not_checked_against_food_rules(office, bring_to, login):
    application = bring_to(
        State.PACKAGING_REVIEW, office.new_application(drum_to_china_and_the_eu(office))
    )

    keys = {item.key for item in packaging_items(application)}
    assert not keys & FOOD_RULES
    # The markets' other items still apply: the EU's importer name, and every product's.
    assert {"importer_identity", "origin_marking", "carton_marks"} <= keys
    html = page(login(office.reviewer), f"/applications/{application.pk}/packaging/")
    assert "GACC" not in html and "x-height" not in html
    assert "Importer name for the destination market" in html

    # Every item that applies passing is enough to approve it.
    f.review_all(application, office.reviewer)
    assert packaging_approval_problems(application) == []
    services.application_approve_packaging(application=application, by=office.reviewer)
    application.refresh_from_db()
    assert application.state == State.AWAITING_CERTIFICATION


def test_a_sambal_for_china_and_the_eu_is(office, bring_to, login):
    office.product.target_markets.set(Market.objects.filter(key__in=["cn", "eu"]))
    application = bring_to(State.PACKAGING_REVIEW)

    mandatory = {item.key for item in packaging_items(application) if item.mandatory}
    assert mandatory >= FOOD_RULES
    html = page(login(office.reviewer), f"/applications/{application.pk}/packaging/")
    assert "GACC registration number" in html
    assert "x-height at least 1.2 mm" in html

    f.review_all(application, office.reviewer, failed=["gacc_registration"])
    (problem,) = packaging_approval_problems(application)
    assert "GACC registration number" in problem and "x-height" not in problem
