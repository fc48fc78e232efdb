"""The office's registry: importing a CSV or XLSX file through its pages (preview with
every row's errors, import keyed on the NIB, the report), the size class that follows the
turnover band, and who may do it."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kernel.errors import WorkflowError
from kernel.roles import Role
from products import registry
from products.models import Business, Membership, RegistryImport
from products.registry_services import registry_import_rows
from tests import factories as f
from tests.products.portal_helpers import login, text

pytestmark = pytest.mark.django_db

NPWP = [f.valid_npwp(20_000_000 + n) for n in range(10)]
HEADER = (
    "nib,nama usaha,npwp,alamat,kode wilayah,bentuk usaha,kbli,tahun berdiri,tenaga kerja,"
    "omzet,dipimpin perempuan\n"
)
GOOD = [
    f"9120011000001,Keripik Tempe Mbak Sri,{NPWP[0]},Jl. Joyoboyo 12,35.71,perorangan,10794,"
    "2015,4,350000000,ya\n",
    f"9120011000002,Koperasi Tenun Bandar,{NPWP[1]},Jl. Kelud 3,3571,Koperasi,13122,2009,23,"
    "4.500.000.000,tidak\n",
    "9120011000003,KUB Batik Kediri,,Jl. Mojoroto 5,35.71,KUB,,,,,\n",
]
BAD = {
    "nib": "912001100000,NIB Pendek,,Jl. A,35.71,,,,,,\n",
    "npwp": "9120011000011,NPWP Salah,0123456789000000,Jl. B,35.71,,,,,,\n",
    "region_unknown": "9120011000012,Wilayah Asing,,Jl. C,99.99,,,,,,\n",
    "region_outside": "9120011000013,Usaha Blitar,,Jl. D,35.72,,,,,,\n",
    "kbli": "9120011000014,KBLI Salah,,Jl. E,35.71,,1234,,,,\n",
    "legal_form": "9120011000015,Yayasan Maju,,Jl. F,35.71,yayasan,,,,,\n",
    "name": "9120011000016,,,Jl. G,35.71,,,,,,\n",
    "address": "9120011000017,Tanpa Alamat,,,35.71,,,,,,\n",
    "year": "9120011000018,Terlalu Tua,,Jl. H,35.71,,,1850,,,\n",
    "duplicate_1": "9120011000020,Dobel Satu,,Jl. I,35.71,,,,,,\n",
    "duplicate_2": "9120011000020,Dobel Dua,,Jl. J,35.71,,,,,,\n",
}
FILE = (HEADER + "".join(GOOD) + "".join(BAD.values())).encode()


def upload(client, user, content=FILE, name="registry.csv"):
    login(client, user)
    response = client.post(
        reverse("products:registry"), {"file": SimpleUploadedFile(name, content)}
    )
    return response


def uploaded(client, user, content=FILE, name="registry.csv") -> RegistryImport:
    response = upload(client, user, content, name)
    assert response.status_code == 302, text(response)
    return RegistryImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def confirm(client, registry_import):
    return client.post(reverse("products:registry_import_confirm", args=[registry_import.pk]))


def report(client, registry_import) -> list[dict]:
    response = client.get(reverse("products:registry_report", args=[registry_import.pk]))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_the_preview_names_every_row_s_errors_and_changes_nothing(client, office):
    before = Business.objects.count()
    registry_import = uploaded(client, office.coordinator)

    page = client.get(reverse("products:registry_import", args=[registry_import.pk]))
    html = text(page)

    assert Business.objects.count() == before
    assert registry_import.valid_count == len(GOOD)
    assert registry_import.invalid_count == len(BAD)
    for expected in (
        "An NIB has exactly 13 digits",
        "This NPWP has a typing error",
        "99.99 is not a region code",
        "Kota Blitar (35.72) is not one of the regions you work for",
        "A KBLI code has 5 digits",
        "yayasan is not a legal form we know",
        "Name: missing.",
        "Address: missing.",
        "Give the year founded between 1900",
        "9120011000020 is also in row",
    ):
        assert expected in html, expected
    assert html.count("will be added") == len(GOOD)


def test_the_import_adds_the_valid_rows_and_a_second_run_updates_them(client, office):
    before = Business.objects.count()
    first = uploaded(client, office.coordinator)
    response = confirm(client, first)
    assert response.status_code == 302

    assert Business.objects.count() == before + len(GOOD)
    sri = Business.objects.get(nib="9120011000001")
    assert (sri.name, sri.region.code, sri.legal_form, sri.kbli) == (
        "Keripik Tempe Mbak Sri",
        "35.71",
        "individual",
        "10794",
    )
    assert (sri.founded_year, sri.workforce, sri.turnover_band, sri.size, sri.women_led) == (
        2015,
        4,
        "up_to_2b",
        "micro",
        True,
    )
    assert not sri.memberships.exists() and sri.imported_at is not None
    tenun = Business.objects.get(nib="9120011000002")
    assert (tenun.legal_form, tenun.turnover_band, tenun.size, tenun.women_led) == (
        "cooperative",
        "2b_to_15b",
        "small",
        False,
    )
    rows = report(client, first)
    assert len(rows) == len(GOOD) + len(BAD)
    assert [row["Outcome"] for row in rows[: len(GOOD)]] == ["created"] * len(GOOD)
    assert {row["Outcome"] for row in rows[len(GOOD) :]} == {"skipped"}
    assert "An NIB has exactly 13 digits" in rows[len(GOOD)]["Errors"]

    # The same file with a change: updated, not doubled.
    changed = FILE.replace(
        b"Jl. Joyoboyo 12,35.71,perorangan,10794,2015,4",
        b"Jl. Joyoboyo 12,35.71,perorangan,10794,2015,6",
    )
    second = uploaded(client, office.coordinator, changed)
    assert "will be updated" in text(
        client.get(reverse("products:registry_import", args=[second.pk]))
    )
    confirm(client, second)

    assert Business.objects.count() == before + len(GOOD)
    sri.refresh_from_db()
    assert sri.workforce == 6
    assert [row["Outcome"] for row in report(client, second)[: len(GOOD)]] == ["updated"] * 3
    # Imported once: a second confirmation (a double click) changes nothing.
    confirm(client, second)
    assert Business.objects.count() == before + len(GOOD)


def test_an_import_updates_only_the_registry_data_of_a_claimed_business(client, office):
    office.business.nib = "9120011000001"
    office.business.save()
    registry_import = uploaded(client, office.coordinator)
    assert "registry data only" in text(
        client.get(reverse("products:registry_import", args=[registry_import.pk]))
    )
    confirm(client, registry_import)

    office.business.refresh_from_db()
    assert office.business.name == "Sambal Bu Rini"  # the owner's, not the file's
    assert office.business.address == "Jl. Dhoho 1, Kediri"
    assert (office.business.legal_form, office.business.workforce) == ("individual", 4)


def test_an_xlsx_file_is_read_like_a_csv(client, office):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["NIB", "Business name", "Address", "Region code", "Legal form", "Turnover", "Women led"]
    )
    # As a spreadsheet keeps them: the NIB and the amount as numbers.
    sheet.append(
        [9120011000031, "Gethuk Pisang", "Jl. Dhoho 88", "35.71", "CV", 20_000_000_000, "yes"]
    )
    sheet.append([9120011000032, "PT Besar", "Jl. Dhoho 90", "35.71", "PT", 60_000_000_000, "no"])
    content = io.BytesIO()
    workbook.save(content)

    registry_import = uploaded(client, office.coordinator, content.getvalue(), "registry.xlsx")
    confirm(client, registry_import)

    gethuk = Business.objects.get(nib="9120011000031")
    assert (gethuk.legal_form, gethuk.turnover_band, gethuk.size, gethuk.women_led) == (
        "cv",
        "15b_to_50b",
        "medium",
        True,
    )
    assert Business.objects.get(nib="9120011000032").size == "large"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"nib,alamat\n9120011000001,Jl. A\n", "r.csv", "The file has no column for: Name"),
        (b"PK\x03\x04broken", "r.xlsx", "not a readable XLSX workbook"),
        (b"nib,name,address\n", "r.csv", "no businesses under it"),
        (
            HEADER.encode() + b"\n".join([b"9120011000001,A,,B,35.71,,,,,,"] * 4),
            "r.csv",
            "more than 3 rows",
        ),
        (b"", "r.csv", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_words(
    client, office, monkeypatch, content, name, message
):
    monkeypatch.setattr(registry, "MAX_ROWS", 3)
    response = upload(client, office.coordinator, content, name)
    assert response.status_code == 200
    assert message in text(response)
    assert not RegistryImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(office):
    with pytest.raises(WorkflowError, match="at most 2 MB"):
        registry.read_registry_file("big.csv", b"x" * (registry.MAX_BYTES + 1))


def test_semicolons_and_a_single_region_by_default(office):
    """Excel in Indonesian saves CSV with semicolons; an office of one region may leave
    the region out."""
    _unknown, rows = registry.read_registry_file(
        "r.csv", b"NIB;Nama;Alamat;Catatan\n9120011000041;Bu Tin;Jl. A;x\n"
    )
    checked = registry.check_rows(rows, region_ids=[f.region("35.71").pk])
    assert checked[0]["errors"] == []
    assert checked[0]["fields"]["region_id"] == f.region("35.71").pk


def test_the_size_follows_the_turnover_band():
    business = Business(size=Business.Size.MICRO, turnover_band="15b_to_50b")
    assert business.implied_size() == "medium"
    assert Business(size="small").implied_size() == "small"  # no band: as entered


def test_the_owner_fills_in_the_registry_data_and_the_size_follows(client, office):
    login(client, office.msme)
    page = client.get(reverse("products:business_edit", args=[office.business.pk]))
    assert "Registry data (optional)" in text(page)
    data = {
        "name": office.business.name,
        "nib": office.business.nib,
        "npwp": office.business.npwp,
        "address": office.business.address,
        "region": office.business.region_id,
        "size": "micro",
        "legal_form": "cv",
        "kbli": "10792",
        "founded_year": "2012",
        "workforce": "9",
        "turnover_band": "2b_to_15b",
        "women_led": "true",
    }
    response = client.post(reverse("products:business_edit", args=[office.business.pk]), data)
    assert response.status_code == 302, text(response)
    office.business.refresh_from_db()
    assert (office.business.legal_form, office.business.size, office.business.women_led) == (
        "cv",
        "small",
        True,
    )
    shown = text(client.get(reverse("products:business", args=[office.business.pk])))
    assert "CV (limited partnership)" in shown and "10792" in shown

    # Refused in words: a year in the future, a KBLI of 4 digits.
    response = client.post(
        reverse("products:business_edit", args=[office.business.pk]),
        {**data, "founded_year": "2999", "kbli": "1079"},
    )
    assert "Give the year founded between 1900" in text(response)
    assert "A KBLI code has 5 digits" in text(response)


def test_the_products_api_gives_the_business_s_registry_data(client, office):
    office.business.legal_form = "cooperative"
    office.business.turnover_band = "up_to_2b"
    office.business.save()
    login(client, office.msme)
    data = client.get("/api/products/").json()
    product = data["results"][0] if "results" in data else data[0]
    assert product["business_registry"]["legal_form"] == "cooperative"
    assert product["business_registry"]["size"] == "micro"


# Who may import.


def test_only_coordinators_and_office_administrators_of_a_region_import(client, office):
    kediri = f.region("35.71")
    admin = f.UserFactory(username="office-admin", roles=[Role.OFFICE_ADMIN], regions=[kediri])
    registry_import = uploaded(client, admin)
    assert registry_import.valid_count == len(GOOD)

    client.logout()
    assert client.get(reverse("products:registry")).status_code == 302  # sign in first
    for user in (office.msme, office.curator, office.outsider, office.regional_admin):
        login(client, user)
        assert client.get(reverse("products:registry")).status_code == 403
        assert upload(client, user).status_code == 403
    # The coordinator of another region: not this file, nor this region's rows.
    login(client, office.foreign_coordinator)
    for name in ("products:registry_import", "products:registry_report"):
        assert client.get(reverse(name, args=[registry_import.pk])).status_code == 404
    assert confirm(client, registry_import).status_code == 404
    foreign = uploaded(client, office.foreign_coordinator)
    assert foreign.valid_count == 1  # the row of Blitar, his region
    assert "is not one of the regions you work for" in text(
        client.get(reverse("products:registry_import", args=[foreign.pk]))
    )


def test_a_seed_imports_rows_through_the_service(office):
    done = registry_import_rows(
        [{"nib": "9120011000051", "name": "Bu Tin", "address": "Jl. A", "legal_form": "kub"}],
        by=office.coordinator,
        file_name="demo",
    )
    assert done.status == RegistryImport.Status.IMPORTED
    assert Business.objects.get(nib="9120011000051").legal_form == "kub"
    with pytest.raises(WorkflowError):
        registry_import_rows([], by=office.msme)


def test_the_sample_file_in_docs_imports_cleanly(office):
    content = (Path(settings.BASE_DIR) / "docs" / "registry-import-sample.csv").read_bytes()
    unknown, rows = registry.read_registry_file("sample.csv", content)
    checked = registry.check_rows(rows, region_ids=[f.region("35.71").pk])
    assert unknown == []
    assert [row["errors"] for row in checked] == [[]] * len(checked)
    assert Membership.objects.filter(business__nib__startswith="912001100000").count() == 0


def test_the_preview_s_queries_do_not_grow_with_the_rows(client, office):
    counts = []
    for size in (3, 30):
        rows = "".join(f"91200120{n:05d},Usaha {n},,Jl. {n},35.71,,,,,,\n" for n in range(size))
        registry_import = uploaded(client, office.coordinator, (HEADER + rows).encode())
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("products:registry_import", args=[registry_import.pk]))
        assert text(page).count("will be added") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_report_does_not_hand_a_spreadsheet_formulas_from_the_file(client, office):
    content = (
        HEADER + '9120011000061,"=HYPERLINK(""http://x.test"")",,Jl. A,35.71,,,,,,\n'
    ).encode()
    registry_import = uploaded(client, office.coordinator, content)
    assert report(client, registry_import)[0]["Name"].startswith("'=")
