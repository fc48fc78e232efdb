"""The staff lists cost the same queries for 3 rows as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation import services
from kernel.states import State
from offices.models import StageTarget
from tests import factories as f

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
    StageTarget.objects.create(
        office=f.office_for(office.business.region), state=State.SUBMITTED, days=3
    )
    client = login(office.personas[persona])
    _applications(office, 3)
    few = _queries(client, url)
    _applications(office, 27)
    assert _queries(client, url) == few
