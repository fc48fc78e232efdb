"""`manage.py seed_demo`: the demo an office is shown, built through the real workflow."""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from assessments.rules import curation_result, pass_curation_problems
from curation.checks import submit_problems
from curation.demo import DEMO_PASSWORD, PEOPLE
from curation.models import Application, TransitionLog
from kernel.roles import STAFF_ROLES, Role
from kernel.states import State
from offices.models import DEFAULT_TARGET_DAYS, Office
from products.models import Business, ConflictOfInterest, Document, RegistryImport
from products.uploads import inspect_upload
from products.validators import validate_hs_code, validate_nib, validate_npwp

User = get_user_model()


@pytest.fixture
def seed(db, settings):
    settings.DEBUG = True

    def run() -> str:
        out = StringIO()
        call_command("seed_demo", stdout=out)
        return out.getvalue()

    return run


def stored_files(path=""):
    directories, files = default_storage.listdir(path)
    names = [f"{path}/{name}".lstrip("/") for name in files]
    for directory in directories:
        names += stored_files(f"{path}/{directory}".lstrip("/"))
    return names


def row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def test_every_state_has_an_application_whose_audit_trail_leads_there(seed):
    seed()

    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values)
    usernames = {person.username for person in PEOPLE}
    for application in Application.objects.all():
        state = State.DRAFT
        for log in TransitionLog.objects.filter(application=application).order_by("at", "pk"):
            assert log.source == state, (application, log)
            assert log.actor.username in usernames
            state = log.target
        assert state == application.state, application


def test_curation_results_are_varied_and_real(seed):
    seed()

    passed = Application.objects.exclude(grade="")
    assert passed.exists()
    assert set(passed.values_list("grade", flat=True)) <= {"A", "B"}
    assert passed.filter(grade="A").exists()

    in_curation = Application.objects.get(state=State.IN_CURATION)
    result = curation_result(in_curation)
    assert result.disagreements, "the application in curation shows curators disagreeing"
    assert pass_curation_problems(in_curation) == []

    rejected = [curation_result(a) for a in Application.objects.filter(state=State.REJECTED)]
    assert ("quality_safety",) in [result.failed_gates for result in rejected]

    revised = Application.objects.filter(revision_requests__answered_at__isnull=False).first()
    assert revised.rounds.count() == 2
    assert "documents_added:1" in revised.revision_requests.get().changes

    certified = Application.objects.filter(state=State.CERTIFIED)
    steps = {step for a in certified for step in a.audit_trail.values_list("transition", flat=True)}
    assert "resubmit_packaging" in steps

    # A product that moved up (naik kelas): rejected with grade C, renewed and certified B.
    first, renewal = Application.objects.filter(product__business__nib="9120512870466").order_by(
        "created_at", "pk"
    )
    assert (first.state, renewal.state, renewal.previous) == ("rejected", "certified", first)
    assert (curation_result(first).grade["grade"], renewal.grade) == ("C", "B")

    # The draft is honest: it still lacks something, and says what.
    draft = Application.objects.get(state=State.DRAFT, region__code="35.71")
    assert len(submit_problems(draft)) == 1
    # The draft of Kubu Raya, a region no office serves, lacks only an office.
    unserved = Application.objects.get(state=State.DRAFT, region__code="61.12")
    [problem] = submit_problems(unserved)
    assert problem.startswith("No curation office serves Kabupaten Kubu Raya yet")


def test_businesses_products_and_documents_are_valid_and_stored(seed):
    seed()
    # The demo's own businesses (those of the office's imported registry wait for owners).
    businesses = Business.objects.filter(memberships__isnull=False).distinct()

    assert businesses.count() >= 8
    regions = set(businesses.values_list("region__code", flat=True))
    assert regions == {"35.71", "35.06", "35.72", "35.05", "61.12"}
    for business in businesses:
        validate_nib(business.nib)
        validate_npwp(business.npwp)
        assert business.memberships.filter(role="owner").exists()
        for product in business.products.all():
            validate_hs_code(product.hs_code)
            assert product.target_markets.exists()
            assert product.fob_price > 0 and product.monthly_capacity > 0
            if product.category.is_food:
                assert product.shelf_life_days

    documents = Document.objects.select_related("kind")
    assert set(documents.values_list("kind__key", flat=True)) >= {
        "nib",
        "npwp",
        "pirt",
        "bpom_md",
        "halal",
        "lab_test",
        "product_photo",
        "packaging_photo",
    }
    for document in documents:
        if document.number:
            assert document.kind.number_problem(document.number) is None, document
        # Dated from the day of seeding, so a demo seeded years from now is still current.
        assert document.is_current(), document
        # A type that does not expire (a halal certificate, UU 6/2023 art. 42) has no date.
        if not document.kind.expires:
            assert document.expires_on is None, document
        if document.kind.key == "pirt":
            assert document.number[-2:] == f"{document.expires_on:%y}"
        with default_storage.open(document.file.name) as stored:
            inspected = inspect_upload(stored)
        assert inspected.sha256 == document.sha256
        if document.kind.key.endswith("photo"):
            assert inspected.content_type == "image/png"
            continue
        assert inspected.content_type == "application/pdf"
        with default_storage.open(document.file.name) as stored:
            text = PdfReader(stored).pages[0].extract_text()
        assert document.business.name in text
        assert document.number in text
        assert "BUKAN DOKUMEN RESMI" in text


def test_one_demo_login_per_role(seed):
    output = seed()

    for role in Role:
        users = User.objects.filter(groups__name=role.value)
        assert users.exists(), role
        assert all(user.check_password(DEMO_PASSWORD) for user in users)
        if role in STAFF_ROLES:
            assert all(user.is_staff and user.profile.office for user in users), role
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    # Every office has its stage targets, the default service standard in working days.
    assert Office.objects.exists()
    for office in Office.objects.all():
        assert dict(office.stage_targets.values_list("state", "days")) == DEFAULT_TARGET_DAYS
    assert User.objects.filter(groups__name=Role.CURATOR).count() >= 3
    assert {"id", "en"} <= set(User.objects.values_list("profile__language", flat=True))

    msme = User.objects.get(username="umkm")
    assert not msme.is_staff
    own_states = set(
        Application.objects.filter(product__business__memberships__user=msme).values_list(
            "state", flat=True
        )
    )
    assert len(own_states) >= 5
    conflicted = ConflictOfInterest.objects.get()
    assert not conflicted.business.products.filter(
        applications__assignments__curator=conflicted.curator
    ).exists()

    for person in PEOPLE:
        assert person.username in output
    assert DEMO_PASSWORD in output


def test_a_second_run_changes_nothing(seed):
    seed()
    counts, files = row_counts(), sorted(stored_files())
    passwords = dict(User.objects.values_list("username", "password"))

    output = seed()

    assert row_counts() == counts
    assert sorted(stored_files()) == files
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert "applications 0 new, 13 already there" in output


def test_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.filter(username="umkm").exists()
    assert not Business.objects.exists()


def test_demo_staff_sign_in_with_the_documented_second_factor(seed, client):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.utils import timezone

    from curation.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    seed()
    response = client.post("/accounts/login/", {"login": "koordinator", "password": DEMO_PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(timezone.now().timestamp()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # An MSME's demo login has no second factor: for them it is a choice.
    client.logout()
    response = client.post("/accounts/login/", {"login": "umkm", "password": DEMO_PASSWORD})
    assert response["Location"] == "/"


def test_the_office_s_registry_is_imported_with_its_one_bad_row_skipped(seed):
    output = seed()

    registry_import = RegistryImport.objects.get(file_name="registry-kediri.csv")
    assert registry_import.status == RegistryImport.Status.IMPORTED
    assert registry_import.uploaded_by.username == "adminkantor"
    assert [registry_import.outcome_count(o) for o in ("created", "updated", "skipped")] == [
        7,
        0,
        1,
    ]
    imported = Business.objects.filter(nib__startswith="91205110001")
    assert imported.count() == 7
    assert not imported.filter(memberships__isnull=False).exists()  # waiting for owners
    assert set(imported.values_list("region__served_by__office__code", flat=True)) == {"35.71"}
    cooperative = imported.get(nib="9120511000101")
    assert (cooperative.legal_form, cooperative.kbli, cooperative.workforce) == (
        Business.LegalForm.COOPERATIVE,
        "01270",
        41,
    )
    assert "registry imports 1 new" in output
