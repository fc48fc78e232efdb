"""The MSME portal's lists answer in a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import services
from curation.models import Application
from products.models import (
    Membership,
    Product,
)
from tests import factories as f
from tests.products.portal_helpers import login

pytestmark = pytest.mark.django_db

# Lists answer in a constant number of queries.


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_product_list_takes_the_same_number_of_queries_for_3_or_30_rows(client, office):
    login(client, office.msme)
    for n in range(2):
        product = f.ProductFactory(business=office.business, name=f"Produk {n:02d}")
        f.add_document(office.business, "pirt", product=product)
        services.application_create(product=product, by=office.msme)
    few = count_queries(client, reverse("curation:product_list"))
    for n in range(2, 29):
        product = f.ProductFactory(business=office.business, name=f"Produk {n:02d}")
        f.add_document(
            office.business, "pirt", product=product, expires_on=date.today() + timedelta(days=n)
        )
        services.application_create(product=product, by=office.msme)
    assert Product.objects.filter(business=office.business).count() == 30
    assert count_queries(client, reverse("curation:product_list")) == few


def test_the_application_list_takes_the_same_number_of_queries_for_3_or_30_rows(client, office):
    login(client, office.msme)
    office.new_application()
    for n in range(2):
        services.application_create(
            product=f.ProductFactory(business=office.business, name=f"Produk {n:02d}"),
            by=office.msme,
        )
    few = count_queries(client, reverse("curation:applications"))
    for n in range(2, 29):
        services.application_create(
            product=f.ProductFactory(business=office.business, name=f"Produk {n:02d}"),
            by=office.msme,
        )
    assert Application.objects.count() == 30
    assert count_queries(client, reverse("curation:applications")) == few


def test_the_members_page_is_paginated_and_constant(client, office):
    login(client, office.msme)
    for n in range(2):
        f.make_member(office.business, f"staff{n}", role=Membership.Role.STAFF)
    few = count_queries(client, reverse("products:members", args=[office.business.pk]))
    for n in range(2, 29):
        f.make_member(office.business, f"staff{n}", role=Membership.Role.STAFF)
    assert count_queries(client, reverse("products:members", args=[office.business.pk])) == few
