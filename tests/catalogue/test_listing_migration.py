"""catalogue 0003 moves what a listing held (three addresses, "show the business e-mail /
phone") onto the business (its links, its export contact), so buyers see the same after
the upgrade as before it."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("catalogue", "0002_enquiry"), ("products", "0005_business_export_contact_and_links")]
AFTER = [("catalogue", "0003_listing_links_moved_to_the_business")]


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    # A transactional test ends by emptying the database, reference data included: put it
    # back for the tests that run after this module.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(reference_data_restored, transactional_db):
    # ...and starts from what the one before left, maybe an emptied database.
    call_command("load_reference_data", verbosity=0)


def test_a_listings_links_and_contact_move_to_its_business(reference_data):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    region = old.get_model("products", "Region").objects.get(code="35.71")
    user = old.get_model("auth", "User").objects.create(username="rini-migration")
    business = old.get_model("products", "Business").objects.create(
        name="Sambal Bu Rini",
        nib="9120000000001",
        region=region,
        email="rini@example.test",
        phone="0812-3456-789",
    )
    Link = old.get_model("products", "Link")
    Link.objects.create(business=business, kind="website", url="https://sambalburini.id")
    old.get_model("catalogue", "Listing").objects.create(
        business=business,
        consented_by=user,
        website="https://sambalburini.id",  # already a link: not twice
        shop_url="https://www.tokopedia.com/sambalburini",
        social_url="https://instagram.com/sambalburini",
        show_email=True,
        show_phone=True,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("products", "Business").objects.get(pk=business.pk)
    links = list(
        new.get_model("products", "Link")
        .objects.filter(business=moved)
        .order_by("position", "pk")
        .values_list("kind", "url")
    )
    assert links == [
        ("website", "https://sambalburini.id"),
        ("shop", "https://www.tokopedia.com/sambalburini"),
        ("social", "https://instagram.com/sambalburini"),
    ]
    assert moved.export_contact_email == "rini@example.test" and moved.show_contact_email
    assert moved.export_contact_phone == "+628123456789" and moved.show_contact_phone
    # Back to the latest state for the rest of the suite.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
