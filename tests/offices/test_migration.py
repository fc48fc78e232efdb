"""The upgrade to offices (curation 0009-0011, certificates 0004-0006), run with Django's
migration executor on a database as it was before: staff who shared regions become one
hub office, staff of one region that region's office; submitted applications and issued
certificates go to the office serving their region; each office's number series goes on
from its home region's."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [
    ("curation", "0008_profile_office"),
    ("offices", "0001_initial"),
    ("certificates", "0003_share_by_email"),
]
AFTER = [
    ("curation", "0011_applications_to_offices"),
    ("certificates", "0006_counter_office_required"),
]


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


def test_staff_regions_become_offices_and_their_work_follows(reference_data):
    executor = MigrationExecutor(connection)
    # The apps below keep their latest state (their rows are written as they are now).
    before = BEFORE + [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] in ("products", "assessments")
    ]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Region = old.get_model("products", "Region")
    kediri, nganjuk, blitar = (Region.objects.get(code=c) for c in ("35.71", "35.18", "35.72"))
    User = old.get_model("auth", "User")
    Profile = old.get_model("curation", "Profile")

    def staff(username, *regions):
        user = User.objects.create(username=username)
        profile = Profile.objects.create(user=user)
        profile.regions.set(regions)
        return user

    # Two people work for Kota Kediri, one of them for Nganjuk too: one hub. Blitar's
    # officer works for Blitar alone: an office of its own. An MSME has no regions.
    staff("hendra", kediri, nganjuk)
    staff("ratna", kediri)
    agus = staff("agus", blitar)
    rini = staff("rini")

    Business = old.get_model("products", "Business")
    Product = old.get_model("products", "Product")
    Application = old.get_model("curation", "Application")
    category = old.get_model("products", "Category").objects.first()
    rubric = old.get_model("assessments", "Rubric").objects.first()
    checklist = old.get_model("assessments", "PackagingChecklist").objects.first()

    def application(region, nib, state):
        business = Business.objects.create(name=f"UMKM {nib}", nib=nib, region=region)
        product = Product.objects.create(
            business=business,
            name=f"Produk {nib}",
            category=category,
            monthly_capacity=Decimal("10"),
            fob_price=Decimal("1"),
        )
        return Application.objects.create(
            product=product,
            region=region,
            state=state,
            rubric=rubric,
            packaging_checklist=checklist,
            created_by=rini,
        )

    submitted = application(nganjuk, "9120000000011", "submitted")
    draft = application(kediri, "9120000000012", "draft")
    certified = application(nganjuk, "9120000000013", "certified")
    Counter = old.get_model("certificates", "CertificateCounter")
    Counter.objects.create(region=kediri, year=2026, last_serial=7)
    Counter.objects.create(region=nganjuk, year=2026, last_serial=3)
    old.get_model("certificates", "Certificate").objects.create(
        application=certified,
        product=certified.product,
        region=nganjuk,
        year=2026,
        serial=3,
        number="SKE/35.18/2026/00003",
        verification_code="abcdefghjkmnpqrstuvw",
        business_name="UMKM",
        product_name="Produk",
        grade="B",
        officer=agus,
        officer_name="Agus",
        issued_at=timezone.now(),
        valid_until=date(2028, 1, 1),
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Office = new.get_model("offices", "Office")

    offices = {
        office.code: (office.name, sorted(office.served.values_list("region__code", flat=True)))
        for office in Office.objects.all()
    }
    assert offices == {
        "35.71": ("Rumah Kurasi Kota Kediri", ["35.18", "35.71"]),
        "35.72": ("Rumah Kurasi Kota Blitar", ["35.72"]),
    }
    NewProfile = new.get_model("curation", "Profile")
    office_of = dict(NewProfile.objects.values_list("user__username", "office__code"))
    assert office_of == {"hendra": "35.71", "ratna": "35.71", "agus": "35.72", "rini": None}

    NewApplication = new.get_model("curation", "Application")
    assert NewApplication.objects.get(pk=submitted.pk).office.code == "35.71"
    assert NewApplication.objects.get(pk=draft.pk).office is None
    certificate = new.get_model("certificates", "Certificate").objects.get()
    assert (certificate.office.code, certificate.number) == ("35.71", "SKE/35.18/2026/00003")
    assert certificate.office_name == ""  # issued in its region's name, and says so
    counters = new.get_model("certificates", "CertificateCounter").objects.values_list(
        "office__code", "year", "last_serial"
    )
    assert list(counters) == [("35.71", 2026, 7)]  # Kota Kediri's series goes on

    # Back to the latest state for the rest of the suite, where the hub numbers on.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    from certificates.numbering import certificate_number_allocate
    from offices.models import Office as LiveOffice

    with transaction.atomic():
        hub = LiveOffice.objects.get(code="35.71")
        assert certificate_number_allocate(office=hub, year=2026) == 8
