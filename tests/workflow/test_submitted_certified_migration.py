"""curation 0014 keeps the first submission and the certification on the application: for
the applications that exist, it fills them in from the audit trail. Run with Django's
migration executor, back to 0013 (the columns gone) and forward again."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from curation.models import Application
from tests import factories as f

BEFORE = [("curation", "0013_reminder_permit_expired")]
AFTER = [("curation", "0014_application_submitted_and_certified_at")]


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    # A transactional test ends by emptying the database, reference data included: put it
    # back for the tests that run after this module.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(reference_data_restored, transactional_db):
    call_command("load_reference_data", verbosity=0)


def test_the_times_are_filled_in_from_the_audit_trail(reference_data, office, bring_to):
    applications = []
    for n, state in enumerate(("draft", "revision_requested", "certified")):
        product = f.ProductFactory(business=office.business, name=f"Sambal {n}")
        f.complete_documents(product, by=office.msme)
        applications.append(bring_to(state, office.new_application(product)))
    kept = {a.pk: (a.submitted_at, a.certified_at) for a in applications}
    assert kept[applications[2].pk][1] is not None

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert "submitted_at" not in {
        column.name
        for column in connection.introspection.get_table_description(
            connection.cursor(), Application._meta.db_table
        )
    }
    executor.loader.build_graph()
    executor.migrate(AFTER)

    filled = {
        pk: (submitted, certified)
        for pk, submitted, certified in Application.objects.values_list(
            "pk", "submitted_at", "certified_at"
        )
    }
    assert filled == kept
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
