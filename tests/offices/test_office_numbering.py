"""An office's certificate numbers are one gap-free series per year, whichever of its
regions the products come from, even when its officers certify at the same moment."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from certificates.models import Certificate, CertificateCounter
from curation import services
from kernel.states import State
from offices.models import Office, ServedRegion
from tests import factories as f
from tests.certificate_helpers import certify_all_at_once


@pytest.fixture(autouse=True)
def _no_rendering(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def awaiting(office, code, name):
    business = f.BusinessFactory(name=f"UMKM {name}", region=f.region(code))
    f.make_member(business, office.msme.username)
    product = f.ProductFactory(business=business, name=name)
    f.complete_documents(product, by=office.msme)
    return f.bring_to(office, State.AWAITING_CERTIFICATION, office.new_application(product))


def hub_serving_nganjuk():
    hub = Office.objects.get(code="35.71")
    ServedRegion.objects.create(office=hub, region=f.region("35.18"))
    return hub


@pytest.mark.django_db
def test_one_series_for_all_the_regions_an_office_serves(office):
    hub = hub_serving_nganjuk()
    year = timezone.localdate().year
    for code, name in (("35.18", "Kerupuk"), ("35.71", "Sambal Ijo"), ("35.18", "Tempe")):
        services.application_certify(application=awaiting(office, code, name), by=office.officer)

    numbers = list(Certificate.objects.order_by("serial").values_list("number", "region__code"))
    assert numbers == [
        (f"SKE/35.71/{year}/00001", "35.18"),
        (f"SKE/35.71/{year}/00002", "35.71"),
        (f"SKE/35.71/{year}/00003", "35.18"),
    ]
    assert CertificateCounter.objects.get(office=hub, year=year).last_serial == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_concurrent_certifications_across_an_offices_regions_are_gap_free(reference_data, office):
    hub_serving_nganjuk()
    count = 6
    applications = [
        awaiting(office, "35.18" if i % 2 else "35.71", f"Produk {i}") for i in range(count)
    ]
    assert certify_all_at_once(applications, by=office.officer) == []
    year = timezone.localdate().year
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"SKE/35.71/{year}/{serial:05d}" for serial in range(1, count + 1)]
    assert CertificateCounter.objects.get().last_serial == count


@pytest.fixture(scope="module")
def reference_data_restored(django_db_blocker):
    # A transactional test ends by emptying the database, reference data included; put it
    # back for the tests that run after this module.
    yield
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(reference_data_restored, transactional_db):
    call_command("load_reference_data", verbosity=0)
