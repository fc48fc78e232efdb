"""The upgrade to per-office stage targets (offices 0003, curation 0012), run with Django's
migration executor on a database as it was before: the office-wide targets in calendar
days become every office's own in working days (five in seven); the states without one
get the default service standard."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("curation", "0011_applications_to_offices"), ("offices", "0002_office_administration")]
AFTER = [("curation", "0012_stage_targets_per_office")]


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


def test_the_office_wide_targets_become_each_office_s_in_working_days(reference_data):
    executor = MigrationExecutor(connection)
    before = BEFORE + [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] in ("products", "assessments")
    ]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Region = old.get_model("products", "Region")
    Office = old.get_model("offices", "Office")
    for code in ("35.71", "35.04"):
        Office.objects.create(
            name=f"Rumah Kurasi {code}", code=code, home_region=Region.objects.get(code=code)
        )
    StateTarget = old.get_model("curation", "StateTarget")
    StateTarget.objects.create(state="submitted", days=7)  # a calendar week
    StateTarget.objects.create(state="packaging_review", days=14)
    StateTarget.objects.create(state="draft", days=30)  # nobody is waited for in a draft

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    StageTarget = new.get_model("offices", "StageTarget")

    targets = {
        (code, state): days
        for code, state, days in StageTarget.objects.values_list("office__code", "state", "days")
    }
    expected = {
        "submitted": 5,
        "in_curation": 10,
        "packaging_review": 10,
        "awaiting_certification": 3,
    }
    assert targets == {
        (code, state): days for code in ("35.71", "35.04") for state, days in expected.items()
    }
    assert "curation_statetarget" not in connection.introspection.table_names()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
