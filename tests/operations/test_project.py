"""The project as an operator meets it: settings, reference data, the workflow graph,
the admin."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command

from catalogue.models import ListedProduct
from kernel.states import State
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def django_settings_in_subprocess(env: dict, expression: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_are_indonesian_jakarta_sqlite():
    result = django_settings_in_subprocess(
        {}, "settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.DATABASES['default']['ENGINE']"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "id Asia/Jakarta django.db.backends.sqlite3"


def test_processes_keep_their_database_connection_unless_told_not_to():
    url = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/siap"}
    read = "settings.DATABASES['default']['CONN_MAX_AGE'], settings.DATABASES['default']['CONN_HEALTH_CHECKS']"
    assert django_settings_in_subprocess(url, read).stdout.split() == ["60", "True"]
    assert django_settings_in_subprocess({**url, "DB_CONN_MAX_AGE": "0"}, read).stdout.split() == [
        "0",
        "True",
    ]


def test_production_refuses_to_start_without_a_secret_key():
    result = django_settings_in_subprocess({"DEBUG": "false"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_starts_with_a_secret_key():
    result = django_settings_in_subprocess(
        {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "siap.example.go.id"},
        "settings.DEBUG, settings.ALLOWED_HOSTS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['siap.example.go.id']"


def test_a_bad_number_setting_names_the_variable():
    result = django_settings_in_subprocess({"CERTIFICATE_VALIDITY_DAYS": "two years"}, "1")
    assert result.returncode != 0
    assert "CERTIFICATE_VALIDITY_DAYS must be a whole number" in result.stderr


@pytest.mark.django_db
def test_loading_reference_data_again_changes_nothing():
    models = apps.get_models()
    before = {m: m.objects.count() for m in models}
    call_command("load_reference_data", verbosity=0)
    assert {m: m.objects.count() for m in models} == before


def test_graph_transitions_shows_all_ten_states_and_eleven_transitions():
    out = StringIO()
    call_command("graph_transitions", "curation.Application", stdout=out)
    dot = out.getvalue()
    for state in State:
        assert f'"curation.application.state.{state.value}"' in dot
    for name in (
        "submit", "assign_curators", "request_revision", "resubmit", "pass_curation",
        "request_packaging_changes", "resubmit_packaging", "approve_packaging", "certify",
        "reject", "withdraw",
    ):  # fmt: skip
        assert f"label={name}]" in dot


def test_the_committed_workflow_diagram_has_every_state():
    dot = (ROOT / "docs" / "workflow.dot").read_text()
    for state in State:
        assert f'"curation.application.state.{state.value}"' in dot


@pytest.fixture
def superuser_client(client, db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_model_has_an_admin_whose_list_opens(superuser_client, bring_to):
    bring_to("certified")
    ours = {
        "products", "assessments", "curation", "certificates",
        "catalogue", "offices", "coaching", "api_tokens",
    }  # fmt: skip
    # Rows shown on their parent's admin page (an office's regions and settings, a
    # listing's events), and the catalogue's copy of itself, which only its signals write.
    inlines = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    derived = {ListedProduct}
    for model in apps.get_models():
        if model._meta.app_label not in ours or model in inlines | derived:
            continue
        assert model in admin.site._registry, f"{model.__name__} has no admin"
        meta = model._meta
        response = superuser_client.get(f"/admin/{meta.app_label}/{meta.model_name}/?q=a")
        assert response.status_code == 200, meta.label


def test_application_admin_shows_state_read_only_with_its_audit_history(superuser_client, bring_to):
    application = bring_to("in_curation")
    response = superuser_client.get(f"/admin/curation/application/{application.pk}/change/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="state"' not in body
    assert "assign_curators" in body and "submit" in body
