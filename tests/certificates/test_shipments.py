"""Shipments of a certified product: recorded whole or not at all, totals computed in
Decimal and checked, a pro-forma invoice and a packing list rendered once and served as
stored; the form works without JavaScript."""

import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from certificates.models import Incoterm, Shipment, ShipmentCarton, ShipmentLine
from certificates.revocation import certificate_revoke
from certificates.shipments import compute_totals, line_amount, shipment_create
from curation.reference import DATA_DIR
from kernel.errors import WorkflowError
from products.models import Market
from tests.certificate_helpers import CARTONS, LINES, record, terms

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


def nothing_saved():
    return (
        Shipment.objects.count(),
        ShipmentLine.objects.count(),
        ShipmentCarton.objects.count(),
    ) == (0, 0, 0)


def stored_bytes(field_file) -> bytes:
    with field_file.storage.open(field_file.name, "rb") as handle:
        return handle.read()


def pdf_text(field_file) -> str:
    reader = PdfReader(io.BytesIO(stored_bytes(field_file)))
    return "\n".join(page.extract_text() for page in reader.pages)


# Totals.


def test_totals_and_weights(certificate, office, django_capture_on_commit_callbacks):
    shipment = record(certificate, office.msme, django_capture_on_commit_callbacks)

    assert shipment.number == f"PI-{certificate.year}-{certificate.serial:05d}-01"
    assert shipment.total_amount == Decimal("3825.00")  # 1200 × 2.40 + 300 × 3.15
    assert [line.amount for line in shipment.lines.all()] == [Decimal("2880.00"), Decimal("945.00")]
    assert shipment.carton_count == 60
    assert shipment.total_net_kg == Decimal("450.000")  # 60 × 7.5
    assert shipment.total_gross_kg == Decimal("531.000")  # 50 × 8.9 + 10 × 8.6
    assert shipment.total_volume_m3 == Decimal("1.740")  # 50 × 0.030 + 10 × 0.024
    first, second = shipment.cartons.all()
    assert (first.first_number, first.last_number) == (1, 50)
    assert (second.first_number, second.last_number) == (51, 60)
    assert shipment.incoterm_place == "FOB Tanjung Perak, Surabaya"
    assert shipment.created_by == office.msme


def test_amounts_round_half_up_to_the_currency():
    assert line_amount(Decimal("3"), Decimal("0.335"), "USD") == Decimal("1.01")
    assert line_amount(Decimal("7"), Decimal("123.45"), "JPY") == Decimal("864")
    assert line_amount(Decimal("0.125"), Decimal("0.1"), "EUR") == Decimal("0.01")
    totals = compute_totals(
        [{"quantity": Decimal("3"), "unit_price": Decimal("0.335")}] * 2,
        [{"count": 3, "net_kg": Decimal("0.333"), "gross_kg": Decimal("0.4"), "length_cm": None}],
        "USD",
    )
    # The total is the sum of the rounded lines, as printed.
    assert totals.amount == Decimal("2.02")
    assert (totals.net_kg, totals.gross_kg, totals.volume_m3) == (
        Decimal("0.999"),
        Decimal("1.200"),
        None,
    )


def test_volume_needs_every_carton_measured(
    certificate, office, django_capture_on_commit_callbacks
):
    cartons = [CARTONS[0], {"count": 2, "net_kg": "5", "gross_kg": "5.5"}]
    shipment = record(certificate, office.msme, django_capture_on_commit_callbacks, cartons=cartons)
    assert shipment.total_volume_m3 is None
    assert shipment.total_gross_kg == Decimal("456.000")


def test_shipments_are_numbered_per_certificate(
    certificate, office, django_capture_on_commit_callbacks
):
    first = record(certificate, office.msme, django_capture_on_commit_callbacks)
    second = record(certificate, office.msme, django_capture_on_commit_callbacks, incoterm="CIF")
    assert [first.sequence, second.sequence] == [1, 2]
    assert second.number.endswith("-02")
    assert second.incoterm_place == "CIF Tokyo"  # a C-term names the destination


def test_the_incoterms_are_those_of_the_reference_data():
    data = json.loads((DATA_DIR / "markets.json").read_text(encoding="utf-8"))
    assert Incoterm.values == data["incoterms"]


# Refusals: clear messages, nothing saved.


def refused(certificate, by, **overrides) -> list[str]:
    with pytest.raises(WorkflowError) as error:
        shipment_create(certificate=certificate, by=by, **terms(**overrides))
    assert nothing_saved()
    return error.value.messages


def test_a_negative_quantity_is_refused(certificate, office):
    lines = [LINES[0], {**LINES[1], "quantity": "-5"}]
    assert refused(certificate, office.msme, lines=lines) == [
        "Line 2: the quantity must be more than zero."
    ]


def test_gross_below_net_is_refused(certificate, office):
    cartons = [{**CARTONS[0], "gross_kg": "7.4"}]
    assert refused(certificate, office.msme, cartons=cartons) == [
        "Carton row 1: the gross weight (7.4 kg) is less than the net weight (7.5 kg); "
        "gross is the net weight plus the packing."
    ]


def test_every_problem_is_reported_at_once(certificate, office):
    messages = refused(
        certificate,
        office.msme,
        buyer_name=" ",
        market=Market.objects.get(key="us"),
        incoterm="FOBX",
        lines=[{"description": "", "quantity": "abc", "unit": "jar", "unit_price": "0"}],
        cartons=[{"count": 0, "net_kg": "-1", "gross_kg": "2", "length_cm": "40"}],
    )
    assert messages == [
        "Fill in the buyer's name.",
        "Choose a destination market the certificate covers: Japan, Malaysia.",
        "Choose one of the Incoterms 2020.",
        "Line 1: describe the goods.",
        "Line 1: the quantity must be more than zero.",
        "Line 1: the unit price must be more than zero.",
        "Carton row 1: the number of cartons must be at least 1.",
        "Carton row 1: the net weight must be more than zero.",
        "Carton row 1: give all three dimensions (length, width, height) or none.",
    ]


def test_at_least_one_line_and_one_carton(certificate, office):
    assert refused(certificate, office.msme, lines=[], cartons=[]) == [
        "Add at least one line: what is sold, how many, at what price.",
        "Add at least one carton with its net and gross weight.",
    ]


def test_more_decimals_than_the_field_holds_are_refused(certificate, office):
    lines = [{**LINES[0], "unit_price": "2.405"}]
    assert refused(certificate, office.msme, lines=lines) == [
        "Line 1: the unit price has more than 2 decimals."
    ]


def test_no_shipment_under_a_revoked_certificate(certificate, office):
    certificate_revoke(certificate=certificate, by=office.officer, reason="Forged permit.")
    certificate.refresh_from_db()
    messages = refused(certificate, office.msme)
    assert messages == [
        f"Certificate {certificate.number} is revoked: only a valid certificate can be shared "
        "or used for shipments."
    ]


@pytest.mark.parametrize(
    "persona", ["other_msme", "officer", "coordinator", "exporter", "outsider"]
)
def test_only_the_business_or_a_shared_exporter_records(certificate, office, persona):
    assert refused(certificate, office.personas[persona]) == [
        "You may not record shipments of this product."
    ]


# The two PDFs.


def test_the_pro_forma_invoice(certificate, office, django_capture_on_commit_callbacks):
    shipment = record(certificate, office.msme, django_capture_on_commit_callbacks)
    assert shipment.is_ready
    data = stored_bytes(shipment.invoice_pdf)
    assert shipment.invoice_sha256 == hashlib.sha256(data).hexdigest()
    text = pdf_text(shipment.invoice_pdf)
    for expected in [
        "INVOICE PROFORMA",
        "PRO-FORMA INVOICE",
        shipment.number,
        "Penjual / Eksportir",
        "Seller / Exporter",
        "Pembeli",
        "Buyer",
        "Tokyo Foods KK",
        "FOB Tanjung Perak, Surabaya",
        "Incoterms® 2020",
        "Sambal pecel 250 g jar",
        "1,200",
        "2.40",
        "2,880.00",
        "945.00",
        "USD 3,825.00",
        "Negara asal",
        "Country of origin",
        "21039090",
        certificate.number,
    ]:
        assert expected in text, expected


def test_the_packing_list(certificate, office, django_capture_on_commit_callbacks):
    shipment = record(certificate, office.msme, django_capture_on_commit_callbacks)
    text = pdf_text(shipment.packing_list_pdf)
    assert (
        shipment.packing_list_sha256
        == hashlib.sha256(stored_bytes(shipment.packing_list_pdf)).hexdigest()
    )
    for expected in [
        "DAFTAR KEMASAN",
        "PACKING LIST",
        shipment.packing_list_number,
        shipment.number,
        "1–50",
        "51–60",
        "375",  # 50 × 7.5
        "445",  # 50 × 8.9
        "450",
        "531",
        "1.740",
        "C/NO. 1–60",
        "MADE IN INDONESIA",
        "Karton",
        "Cartons",
    ]:
        assert expected in text, expected


def test_papers_render_after_the_commit_and_issue_pending_finishes_them(
    certificate, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shipment = shipment_create(certificate=certificate, by=office.msme, **terms())
    assert len(callbacks) == 1
    assert not shipment.is_ready
    assert list(Shipment.objects.pending()) == [shipment]

    call_command("issue_pending", verbosity=0)
    shipment.refresh_from_db()
    assert shipment.is_ready
    assert not Shipment.objects.pending().exists()


# Pages.


def form_data(**overrides):
    data = {
        "buyer_name": "Tokyo Foods KK",
        "buyer_address": "1-2-3 Shibuya, Tokyo",
        "buyer_country": "Japan",
        "market": Market.objects.get(key="jp").pk,
        "incoterm": "FOB",
        "port_of_loading": "Tanjung Perak, Surabaya",
        "port_of_discharge": "Tokyo",
        "currency": "USD",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Sambal pecel 250 g jar",
        "lines-0-quantity": "1200",
        "lines-0-unit": "jar",
        "lines-0-unit_price": "2.40",
        "cartons-TOTAL_FORMS": "2",
        "cartons-INITIAL_FORMS": "0",
        "cartons-0-count": "50",
        "cartons-0-net_kg": "7.5",
        "cartons-0-gross_kg": "8.9",
        "cartons-1-count": "1",
    }
    data.update(overrides)
    return data


def test_the_form_records_a_shipment(
    client, certificate, office, django_capture_on_commit_callbacks
):
    client.force_login(office.msme)
    url = f"/certificates/{certificate.pk}/shipments/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="lines-0-quantity"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data())
    shipment = Shipment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/shipments/{shipment.pk}/"
    assert shipment.total_amount == Decimal("2880.00")
    assert shipment.lines.count() == 1  # the empty rows were skipped
    page = client.get(f"/shipments/{shipment.pk}/").content.decode()
    assert "USD 2,880.00" in page
    assert f"/shipments/{shipment.pk}/invoice/" in page


def test_the_form_refuses_a_negative_quantity_and_keeps_what_was_typed(client, certificate, office):
    client.force_login(office.msme)
    response = client.post(
        f"/certificates/{certificate.pk}/shipments/new/", form_data(**{"lines-0-quantity": "-5"})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "Line 1: the quantity must be more than zero." in page
    assert 'value="-5"' in page
    assert nothing_saved()


def test_the_form_refuses_gross_below_net(client, certificate, office):
    client.force_login(office.msme)
    response = client.post(
        f"/certificates/{certificate.pk}/shipments/new/",
        form_data(**{"cartons-0-gross_kg": "7"}),
    )
    assert "Carton row 1: the gross weight (7 kg) is less than the net weight (7.5 kg)" in (
        response.content.decode()
    )
    assert nothing_saved()


def test_add_a_row_without_javascript(client, certificate, office):
    client.force_login(office.msme)
    response = client.post(
        f"/certificates/{certificate.pk}/shipments/new/", form_data(add_line="1")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="lines-3-description"' in page  # a fourth, empty row
    assert 'value="Sambal pecel 250 g jar"' in page
    assert "Nothing was saved" not in page
    assert nothing_saved()


@pytest.mark.parametrize("persona", ["other_msme", "outsider", "foreign_coordinator", "exporter"])
def test_outsiders_get_404(client, certificate, office, persona):
    client.force_login(office.personas[persona])
    url = f"/certificates/{certificate.pk}/shipments/new/"
    assert client.get(url).status_code == 404
    assert client.post(url, form_data()).status_code == 404
    assert nothing_saved()


def test_staff_who_see_the_certificate_may_not_record(client, certificate, office):
    client.force_login(office.officer)
    assert client.get(f"/certificates/{certificate.pk}/shipments/new/").status_code == 403


def test_the_papers_download_as_stored(
    client, certificate, office, django_capture_on_commit_callbacks, renders
):
    shipment = record(certificate, office.msme, django_capture_on_commit_callbacks)
    renders["count"] = 0
    client.force_login(office.msme)
    for document, field, name in [
        ("invoice", shipment.invoice_pdf, f"{shipment.number}.pdf"),
        ("packing-list", shipment.packing_list_pdf, f"{shipment.packing_list_number}.pdf"),
    ]:
        response = client.get(f"/shipments/{shipment.pk}/{document}/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert b"".join(response.streaming_content) == stored_bytes(field)
    assert renders["count"] == 0
    assert client.get(f"/shipments/{shipment.pk}/passport/").status_code == 404
    for persona in ("other_msme", "outsider", "officer", "exporter"):
        client.force_login(office.personas[persona])
        assert client.get(f"/shipments/{shipment.pk}/").status_code == 404
        assert client.get(f"/shipments/{shipment.pk}/invoice/").status_code == 404
