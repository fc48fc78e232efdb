"""Numbers typed as Indonesians write them: "2,40" and "2.40" are both accepted in the
Indonesian and the English pages, a grouped "1.234,5" is one thousand two hundred and
thirty-four and a half (never 1.2345), and a form shows a stored number as its reader
writes it."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kernel.decimals import NotANumber, parse_decimal
from products.models import Product
from tests.products.portal_helpers import product_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "typed", "read"),
    [
        ("id", "2,40", "2.40"),
        ("id", "2.40", "2.40"),
        ("en", "2,40", "2.40"),
        ("en", "2.40", "2.40"),
        ("id", "1.234,5", "1234.5"),
        ("en", "1,234.5", "1234.5"),
        ("en", "1.234,5", "1234.5"),
        ("id", "2.500", "2500"),  # an Indonesian's thousands
        ("en", "2,500", "2500"),  # an English reader's
        ("id", "0.500", "0.500"),  # no thousand starts with a zero
        ("id", "1.234.567", "1234567"),
        ("id", " 7,5 ", "7.5"),
    ],
)
def test_both_ways_of_writing_a_number(language, typed, read):
    with translation.override(language):
        assert parse_decimal(typed) == Decimal(read)


@pytest.mark.parametrize("typed", ["1.23.4", "2,4,5", "abc", "", "1,2.3,4", ".5,"])
def test_what_is_not_a_number(typed):
    with pytest.raises(NotANumber):
        parse_decimal(typed)


def _as(client, user, language):
    user.profile.language = language
    user.profile.save(update_fields=["language"])
    client.force_login(user)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("typed", ["2,40", "2.40"])
def test_the_product_form_takes_a_decimal_comma(client, office, language, typed):
    _as(client, office.msme, language)
    response = client.post(
        reverse("products:new"),
        product_data("processed_food", fob_price=typed, monthly_capacity="1.234,5"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    product = Product.objects.get(name="Keripik Tempe Bu Sri")
    assert product.fob_price == Decimal("2.40")
    assert product.monthly_capacity == Decimal("1234.5")


@pytest.mark.parametrize(("language", "shown"), [("id", "2,40"), ("en", "2.40")])
def test_the_edit_form_shows_the_readers_format(client, office, language, shown):
    _as(client, office.msme, language)
    client.post(reverse("products:new"), product_data("processed_food", fob_price="2.40"))
    product = Product.objects.get(name="Keripik Tempe Bu Sri")
    html = client.get(reverse("products:edit", args=[product.pk])).content.decode()
    field = html[html.index('name="fob_price"') - 200 : html.index('name="fob_price"') + 200]
    assert f'value="{shown}"' in field
    assert 'type="text"' in field
    assert 'inputmode="decimal"' in field
