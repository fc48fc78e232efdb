"""The staff's searches of applications (the list, the coordinator's overview, the admin's
changelist) find the same ones, by the product's name, the business's name or its NIB,
in any case, and nothing else: one search (`products.selectors.product_ids_matching`),
indexed on PostgreSQL."""

import pytest
from django.urls import reverse

from curation import services
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_submitted(office, bring_to):
    """Two submitted applications of two businesses of the coordinator's region."""
    tofu_product = f.ProductFactory(
        business=office.other_msme.memberships.get().business, name="Tahu Takwa"
    )
    f.complete_documents(tofu_product, by=office.other_msme)
    sambal = bring_to("submitted")
    tofu = services.application_create(product=tofu_product, by=office.other_msme)
    services.application_submit(application=tofu, by=office.other_msme)
    return sambal, tofu


SEARCHES = [
    ("pecel", "Sambal Pecel Bu Rini"),  # the product's name, another case
    ("PAK DARTO", "Tahu Takwa"),  # the business's name
]


@pytest.mark.parametrize(("query", "found"), SEARCHES)
@pytest.mark.parametrize("path", ["/applications/", "/overview/"])
def test_the_staff_pages_find_by_product_business_and_nib(
    office, two_submitted, login, path, query, found
):
    client = login(office.coordinator)
    html = client.get(path, {"q": query}).content.decode()
    names = {"Sambal Pecel Bu Rini", "Tahu Takwa"}
    assert found in html
    assert not any(name in html for name in names - {found})
    by_nib = client.get(path, {"q": two_submitted[1].product.business.nib[-6:]}).content.decode()
    assert "Tahu Takwa" in by_nib and "Sambal Pecel Bu Rini" not in by_nib


def test_the_admin_finds_the_same(office, two_submitted, client):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    url = reverse("admin:curation_application_changelist")
    for query, found in [*SEARCHES, (two_submitted[1].product.business.nib, "Tahu Takwa")]:
        changelist = client.get(url, {"q": query}).context["cl"]
        assert [str(a.product) for a in changelist.result_list] == [found], query
    assert list(client.get(url, {"q": "rendang"}).context["cl"].result_list) == []
