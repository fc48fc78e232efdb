"""The regional head reads the statistics of her office on a 360 px phone, in Indonesian:
signed in with her second factor, she opens the page from the menu and finds the figures
of a known data set (two applications certified, one in curation); she filters by a
category and the figures follow; every chart has its table beside it, drawing one bar per
row; and the table she downloads as CSV holds the number the page shows. The page does not
scroll sideways on the phone. Screenshot: test-artifacts/screenshots/statistics-*.png."""

import csv
import io
import re

import pytest
from allauth.account.models import EmailAddress

from curation import services
from kernel.roles import Role
from products.models import Category
from tests import factories as f
from tests.e2e.conftest import NARROW, SCREENSHOTS, in_thread, no_horizontal_scroll
from tests.e2e.test_full_flow import PASSWORD, click_and_wait

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAUCES = "sauces_condiments"  # the office's product: Sambal Pecel Bu Rini
SNACKS = "processed_food"
CERTIFIED, IN_CURATION = "Tersertifikasi", "Dalam Kurasi"  # the states, in Indonesian


def the_known_data_set(office):
    """Two products certified (a sauce and a snack) and another snack in curation, all of
    Kota Kediri, started and certified today (within the page's default twelve months)."""
    snack = f.ProductFactory(
        business=office.business,
        name="Keripik Tempe Bu Rini",
        category=Category.objects.get(key=SNACKS),
        hs_code="20089990",
    )
    f.complete_documents(snack, by=office.msme)
    tofu = f.ProductFactory(
        business=office.business,
        name="Tahu Takwa Bu Rini",
        category=Category.objects.get(key=SNACKS),
        hs_code="21069099",
    )
    f.complete_documents(tofu, by=office.msme)
    f.bring_to(office, "certified")  # the sauce
    f.bring_to(office, "certified", services.application_create(product=snack, by=office.msme))
    f.bring_to(office, "in_curation", services.application_create(product=tofu, by=office.msme))


def sign_in_with_second_factor(page, user):
    """The sign-in form, then the code of her authenticator app (staff must have one)."""
    page.goto("/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=login]").fill(user.username)
    form.locator("input[name=password]").fill(PASSWORD)
    click_and_wait(page, form.get_by_role("button", name="Masuk", exact=True))
    assert "/accounts/2fa/authenticate/" in page.url, page.locator("main").inner_text()
    page.locator("main form input[name=code]").fill(f.totp_code())
    click_and_wait(page, page.locator("main form").get_by_role("button", name="Masuk", exact=True))
    assert "/accounts/" not in page.url, page.locator("main").inner_text()


def cell(page, table_key, row_label, column=0):
    """The number the page shows in table `table_key`, row `row_label` (its header cell)."""
    row = page.locator(f"section#{table_key} tbody tr").filter(
        has=page.locator("th", has_text=re.compile(f"^{re.escape(row_label)}$"))
    )
    assert row.count() == 1, (table_key, row_label, page.locator(f"#{table_key}").inner_text())
    return int(row.locator("td").nth(column).inner_text())


def test_the_regional_head_reads_filters_and_downloads_the_statistics_on_a_phone(
    site, new_context, office
):
    in_thread(the_known_data_set, office)
    head = f.UserFactory(
        username="kepala-kediri",
        first_name="Wulan",
        roles=[Role.REGIONAL_ADMIN],
        regions=[office.business.region],
    )
    head.profile.language = "id"
    head.profile.save(update_fields=["language"])
    EmailAddress.objects.create(user=head, email=head.email, verified=True, primary=True)

    page = new_context(width=NARROW, height=780, locale="id-ID").new_page()
    sign_in_with_second_factor(page, head)
    click_and_wait(page, page.locator("nav.main-nav").get_by_role("link", name="Statistik"))
    assert page.locator("h1").inner_text() == "Statistik"

    # Every application of the period: two certified (this month), one in curation.
    assert cell(page, "states", CERTIFIED) == 2
    assert cell(page, "states", IN_CURATION) == 1
    assert cell(page, "states", "Draf") == 0
    assert sum(int(n) for n in page.locator("section#certified tbody td").all_inner_texts()) == 2

    # Each chart repeats the table beside it: same title, a bar per row of the table.
    sections = page.locator("section.statistics-table")
    charted = 0
    for i in range(sections.count()):
        section = sections.nth(i)
        chart = section.locator("figure.chart svg[role=img]")
        if chart.count() == 0:
            continue
        charted += 1
        title = section.locator("h2").inner_text()
        assert chart.locator("title").text_content() == title
        table = section.locator("table")
        assert table.count() == 1, f"{title}: a chart without its table"
        assert table.locator("caption").text_content() == title
        assert chart.locator("rect").count() == table.locator("tbody tr").count(), title
    # States, grades, certified per month, curators and the registry's four at least.
    assert charted >= 8, charted

    # The snacks only: one certified, one in curation; the sauce is left out.
    filters = page.locator("form.statistics-filters")
    filters.get_by_label("Kategori").select_option(SNACKS)
    click_and_wait(page, filters.get_by_role("button", name="Tampilkan"))
    assert f"category={SNACKS}" in page.url
    assert filters.get_by_label("Kategori").input_value() == SNACKS
    assert cell(page, "states", CERTIFIED) == 1
    assert cell(page, "states", IN_CURATION) == 1
    assert sum(int(n) for n in page.locator("section#certified tbody td").all_inner_texts()) == 1

    # The sauces only: one certified, none in curation.
    filters.get_by_label("Kategori").select_option(SAUCES)
    click_and_wait(page, filters.get_by_role("button", name="Tampilkan"))
    assert cell(page, "states", CERTIFIED) == 1
    assert cell(page, "states", IN_CURATION) == 0

    # Not a pixel sideways on the phone.
    scroll_width, inner_width = no_horizontal_scroll(page)
    assert scroll_width <= NARROW, (scroll_width, inner_width)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"statistics-id-{NARROW}.png", full_page=True)

    # Back to the snacks; their table by state as a file holds what the page shows.
    filters.get_by_label("Kategori").select_option(SNACKS)
    click_and_wait(page, filters.get_by_role("button", name="Tampilkan"))
    shown = cell(page, "states", CERTIFIED)
    with page.expect_download() as download_info:
        page.locator("section#states").get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert re.fullmatch(
        r"statistics-states-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv", (download.suggested_filename)
    ), download.suggested_filename
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[0] == ["Status", "Pengajuan"]  # headers in her language
    in_file = {label: int(count) for label, count in rows[1:]}
    assert in_file[CERTIFIED] == shown == 1
    assert in_file[IN_CURATION] == 1
    assert sum(in_file.values()) == 2
