"""The MSME portal: a product's form (fields per category, HS code, capacity, markets) and
who may edit or see it."""

import pytest
from django.urls import reverse

from products.models import (
    Category,
    Market,
    Product,
)
from tests.products.portal_helpers import login, product_data, text

pytestmark = pytest.mark.django_db

# Products.


def test_a_food_product_asks_for_ingredients_and_shelf_life_and_names_its_documents(client, office):
    login(client, office.msme)
    response = client.post(
        reverse("products:new"),
        product_data("processed_food", materials="", shelf_life_days=""),
    )

    page = text(response)
    assert response.status_code == 200
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()
    assert 'for="id_materials">Ingredients' in page
    assert 'for="id_shelf_life_days">Shelf life (days)' in page
    assert page.count("This field is required.") == 2
    assert "P-IRT" in page and "BPOM" in page and "Halal" in page
    assert "Usual HS headings for Processed food" in page and "2106" in page

    response = client.post(reverse("products:new"), product_data("processed_food"))

    product = Product.objects.get(name="Keripik Tempe Bu Sri")
    # The guided path goes on to its documents.
    assert response.url == reverse("products:documents", args=[product.pk])
    assert product.business == office.business
    assert product.shelf_life_days == 120
    assert product.hs_code == "20081990"
    assert set(product.target_markets.values_list("key", flat=True)) == {"my", "sg"}


def test_a_non_food_product_asks_for_materials_and_no_shelf_life(client, office):
    login(client, office.msme)
    page = text(
        client.post(
            reverse("products:new"),
            product_data("musical_instruments", materials="", shelf_life_days="30"),
        )
    )
    assert 'for="id_materials">Materials' in page
    assert "id_shelf_life_days" not in page
    assert page.count("This field is required.") == 1

    client.post(
        reverse("products:new"),
        product_data(
            "musical_instruments",
            hs_code="9206.00.00",
            shelf_life_days="30",
            name="Djembe Blitar",
            materials="Mahogany, goat skin, rope",
        ),
    )
    product = Product.objects.get(name="Djembe Blitar")
    assert product.shelf_life_days is None
    assert product.hs_code == "92060000"


@pytest.mark.parametrize("hs_code", ["2008", "12345678901", "20O8.19"])
def test_an_hs_code_of_the_wrong_length_is_refused(client, office, hs_code):
    login(client, office.msme)
    response = client.post(reverse("products:new"), product_data("processed_food", hs_code=hs_code))
    assert "An HS code has 6 to 10 digits" in text(response)
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()


def test_capacity_needs_its_unit(client, office):
    login(client, office.msme)
    response = client.post(
        reverse("products:new"), product_data("processed_food", capacity_unit="")
    )
    assert "Say what the capacity is counted in." in text(response)
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()


def test_changing_the_category_redraws_its_fields_with_htmx_and_without(client, office):
    login(client, office.msme)
    data = product_data("musical_instruments", refresh="category", materials="Mahogany")

    partial = client.post(reverse("products:new"), data, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert 'id="category-fields"' in text(partial)
    assert "<html" not in text(partial)
    assert "id_shelf_life_days" not in text(partial)
    assert "This field is required" not in text(partial)
    assert ">\nMahogany</textarea>" in text(partial)

    food = client.post(
        reverse("products:new"),
        {**data, "category": Category.objects.get(key="sauces_condiments").pk},
        headers={"HX-Request": "true"},
    )
    assert "id_shelf_life_days" in text(food)
    assert "2103" in text(food)

    # Without JavaScript the whole form comes back, still unsaved.
    full = client.post(reverse("products:new"), data)
    assert "<html" in text(full) and 'value="Keripik Tempe Bu Sri"' in text(full)
    assert not Product.objects.filter(name="Keripik Tempe Bu Sri").exists()
    # The page loads htmx for the swap; the category select is wired to it.
    assert "js/htmx.min.js" in text(full) and 'hx-post="/products/new/"' in text(full)


def test_editing_a_product_and_its_draft_application_follows_its_markets(client, office):
    application = office.new_application()
    login(client, office.msme)
    response = client.post(
        reverse("products:edit", args=[office.product.pk]),
        product_data(
            "sauces_condiments",
            name="Sambal Pecel Bu Rini Pedas",
            target_markets=[Market.objects.get(key="au").pk],
        ),
    )
    assert response.status_code == 302
    office.product.refresh_from_db()
    assert office.product.name == "Sambal Pecel Bu Rini Pedas"
    assert list(application.target_markets.values_list("key", flat=True)) == ["au"]


def test_a_product_under_review_cannot_be_edited(client, office, bring_to):
    bring_to("submitted")
    login(client, office.msme)
    response = client.post(
        reverse("products:edit", args=[office.product.pk]),
        product_data("sauces_condiments", name="Changed"),
        follow=True,
    )
    assert "cannot be changed while the office reviews it" in text(response)
    office.product.refresh_from_db()
    assert office.product.name == "Sambal Pecel Bu Rini"


def test_products_of_other_businesses_are_404(client, office):
    login(client, office.other_msme)
    for name in ("curation:product", "products:edit", "products:document_upload"):
        assert client.get(reverse(name, args=[office.product.pk])).status_code == 404
    assert (
        client.post(reverse("curation:product_apply", args=[office.product.pk])).status_code == 404
    )
    assert office.product.name not in text(client.get(reverse("curation:product_list")))
