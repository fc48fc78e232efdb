"""The office's administrator brings the businesses of her spreadsheet into the registry,
in a real Chromium: signed in with her second factor, she opens the registry from the
menu and uploads a CSV file of three good rows and one with a mistyped NIB; the preview
names the mistake in words and changes nothing; she imports the good rows, is told what
was done, and the businesses are there, keyed on their NIB; the report she downloads says
what happened to each row."""

import csv
import io

import pytest
from allauth.account.models import EmailAddress

from kernel.roles import Role
from products.models import Business, RegistryImport
from tests import factories as f
from tests.e2e.test_full_flow import click_and_wait, expect_message, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HEADER = (
    "nib,nama usaha,npwp,alamat,kode wilayah,bentuk usaha,kbli,tahun berdiri,tenaga kerja,"
    "omzet,dipimpin perempuan,email,telepon\n"
)
GOOD = {
    "9120011000001": "Keripik Tempe Mbak Sri",
    "9120011000002": "Koperasi Tenun Ikat Bandar",
    "9120011000003": "CV Gethuk Pisang Kediri",
}
BAD_NIB = "912001100000"  # twelve digits: one lost in typing
FILE = (
    HEADER + f'9120011000001,Keripik Tempe Mbak Sri,{f.valid_npwp(30_000_001)},"Jl. Joyoboyo 12, '
    'Kota Kediri",35.71,perorangan,10794,2015,4,350000000,ya,sri.tempe@example.com,'
    "0812 3456 7001\n"
    + f'9120011000002,Koperasi Tenun Ikat Bandar,{f.valid_npwp(30_000_002)},"Jl. Kelud 3, '
    'Bandar Kidul, Kota Kediri",35.71,koperasi,13122,2009,23,up_to_2b,tidak,,0354 771 200\n'
    + f'{BAD_NIB},Batik Salah Ketik,,"Jl. Mojoroto 5, Kota Kediri",35.71,KUB,13133,2020,8,,'
    "ya,,\n" + '9120011000003,CV Gethuk Pisang Kediri,,"Jl. Dhoho 88, Kota Kediri",35.71,CV,10792,'
    "2018,12,4.500.000.000,tidak,gethuk@example.com,\n"
).encode()


def facts(page) -> dict[str, str]:
    """The import's summary (File, Rows, Rows without errors, ...) as the page shows it."""
    terms = page.locator("dl.facts dt").all_inner_texts()
    values = page.locator("dl.facts dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def preview_rows(page) -> dict[str, dict[str, str]]:
    """The preview's rows by NIB, each cell by its column's name."""
    rows = {}
    for row in page.locator("main table tbody tr").all():
        cells = {
            td.get_attribute("data-label"): td.inner_text().strip()
            for td in row.locator("td").all()
        }
        rows[cells["NIB"]] = cells
    return rows


def test_an_office_administrator_imports_the_registry_file_with_one_bad_row(
    site, new_context, office
):
    kediri = office.business.region
    admin = f.UserFactory(
        username="admin-kediri", first_name="Ratna", roles=[Role.OFFICE_ADMIN], regions=[kediri]
    )
    admin.profile.language = "en"
    admin.profile.save(update_fields=["language"])
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)

    page = new_context().new_page()
    sign_in(page, admin)
    click_and_wait(page, page.locator("nav.main-nav").get_by_role("link", name="Registry"))
    assert page.locator("h1").inner_text() == "Registry import"

    page.locator("input[name=file]").set_input_files(
        {"name": "umkm-kediri.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    click_and_wait(page, page.get_by_role("button", name="Check the file"))

    # The preview: every row, the bad one with its mistake in words; nothing imported yet.
    assert page.locator("h1").inner_text() == "Registry import: preview"
    assert facts(page) == {
        "File": "umkm-kediri.csv",
        "Rows": "4",
        "Rows without errors": "3",
        "Rows with errors": "1",
    }
    rows = preview_rows(page)
    assert set(rows) == {*GOOD, BAD_NIB}
    for nib, name in GOOD.items():
        assert (rows[nib]["Name"], rows[nib]["Outcome"], rows[nib]["Errors"]) == (
            name,
            "will be added",
            "—",
        )
    assert rows[BAD_NIB]["Outcome"] == "skipped"
    assert "An NIB has exactly 13 digits" in rows[BAD_NIB]["Errors"]
    assert not Business.objects.filter(nib__in=[*GOOD, BAD_NIB]).exists()

    click_and_wait(page, page.get_by_role("button", name="Import the 3 rows without errors"))
    expect_message(
        page, "Imported. Businesses added: 3; updated: 0; rows skipped for their errors: 1."
    )
    assert page.locator("h1").inner_text() == "Registry import: done"
    assert page.get_by_role("button", name="Import the 3 rows without errors").count() == 0
    done = preview_rows(page)
    assert [done[nib]["Outcome"] for nib in GOOD] == ["added"] * 3
    assert done[BAD_NIB]["Outcome"] == "skipped"

    # The businesses are in the registry, found by their NIB, in the office's region and
    # waiting for their owners; the mistyped row is not.
    imported = {b.nib: b for b in Business.objects.filter(nib__in=[*GOOD, BAD_NIB])}
    assert {nib: b.name for nib, b in imported.items()} == GOOD
    assert {b.region.code for b in imported.values()} == {"35.71"}
    assert not any(b.memberships.exists() for b in imported.values())
    sri = imported["9120011000001"]
    assert (sri.legal_form, sri.kbli, sri.founded_year, sri.women_led) == (
        "individual",
        "10794",
        2015,
        True,
    )
    assert RegistryImport.objects.get().status == RegistryImport.Status.IMPORTED

    # The report: each row of the file, what became of it, and why.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-report.csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        report = list(csv.DictReader(io.StringIO(file.read())))
    assert [(r["Row"], r["NIB"], r["Outcome"]) for r in report] == [
        ("2", "9120011000001", "created"),
        ("3", "9120011000002", "created"),
        ("4", BAD_NIB, "skipped"),
        ("5", "9120011000003", "created"),
    ]
    assert "An NIB has exactly 13 digits" in report[2]["Errors"]
    assert [r["Errors"] for r in report if r["NIB"] != BAD_NIB] == ["", "", ""]

    # They wait for their owners on the office's list.
    click_and_wait(page, page.get_by_role("link", name="Businesses waiting for their owners").first)
    waiting = page.locator("main").inner_text()
    assert all(name in waiting for name in GOOD.values()), waiting
    assert "Batik Salah Ketik" not in waiting
