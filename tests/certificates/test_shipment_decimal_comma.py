"""A shipment's prices, quantities, weights and carton sizes typed with a decimal comma
("2,40", "7,5"), as Indonesians write them, in both languages' pages."""

from decimal import Decimal

import pytest

from certificates.models import Shipment
from tests.certificates.test_shipments import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_shipment_form_takes_decimal_commas(
    client, certificate, office, language, django_capture_on_commit_callbacks
):
    office.msme.profile.language = language
    office.msme.profile.save(update_fields=["language"])
    client.force_login(office.msme)
    data = form_data(
        **{
            "lines-0-quantity": "1.200" if language == "id" else "1,200",
            "lines-0-unit_price": "2,40",
            "cartons-0-net_kg": "7,5",
            "cartons-0-gross_kg": "8,9",
            "cartons-0-length_cm": "40,5",
            "cartons-0-width_cm": "30",
            "cartons-0-height_cm": "25,0",
        }
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/certificates/{certificate.pk}/shipments/new/", data)
    assert response.status_code == 302, response.content.decode()[:4000]
    shipment = Shipment.objects.get()
    assert shipment.total_amount == Decimal("2880.00")
    assert shipment.total_net_kg == Decimal("375.000")
    carton = shipment.cartons.get()
    assert carton.length_cm == Decimal("40.5")
