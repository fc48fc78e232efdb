"""The statistics page, its files and its API, on the known data set of conftest.py: the
figures a regional head reads, the same in the CSV and XLSX files and the API, in the
reader's language, filtered, refused to whoever may not read them, and in a fixed number
of queries whatever the number of applications."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from catalogue.models import Enquiry
from curation.statistics import percentile_cont
from products.models import Business
from tests import factories as f
from tests.statistics.conftest import new_product

PERIOD = "since=2026-01-01&until="  # from 2026 on, with no end: whenever the suite runs


def page(client, user, query=PERIOD, language="en"):
    user.profile.language = language
    user.profile.save(update_fields=["language"])
    client.force_login(user)
    return client.get(f"{reverse('statistics:page')}?{query}")


def tables_of(response):
    return {table.key: table for table, _chart in response.context["tables"]}


def values(table):
    return {row.key: row.values for row in table.rows}


@pytest.fixture
def enquiries(office, known):
    product = known.certified_jan.product
    for status in (Enquiry.Status.NEW, Enquiry.Status.ANSWERED):
        Enquiry.objects.create(
            product=product,
            business=product.business,
            buyer_type=Enquiry.BuyerType.values[0],
            name="Aiko",
            company="Tokyo Foods",
            country="Japan",
            email="aiko@example.jp",
            message="Price for 1,000 jars?",
            language="en",
            status=status,
        )


def test_the_regional_heads_figures(client, office, known, enquiries):
    # Set as the registry import would (no signal needed: the region stays).
    Business.objects.filter(pk=office.business.pk).update(legal_form="cv", women_led=True)
    response = page(client, office.regional_admin)
    assert response.status_code == 200
    tables = tables_of(response)

    # Kediri's five applications started in 2026, by state (Blitar's is not counted).
    states = values(tables["states"])
    assert states["certified"] == (2,)
    assert states["in_curation"] == (1,)
    assert states["draft"] == (1,)
    assert states["rejected"] == (1,)
    assert states["submitted"] == (0,)
    assert sum(v[0] for v in states.values()) == 5

    grade = known.certified_jan.grade
    assert values(tables["grades"]) == {grade: (2,)}

    months = values(tables["certified"])
    assert months["2026-01"] == (1,)
    assert months["2026-02"] == (0,)
    assert months["2026-03"] == (1,)

    # Days in each stage: (stays ended, median, 90th percentile, in it today, overdue).
    stages = values(tables["stages"])
    assert stages["draft"] == (4, 1.5, 3.4, 1, 0)  # 1, 1, 2, 4 days
    assert stages["submitted"] == (4, 3.5, 4.7, 0, 0)  # 2, 3, 4, 5 days
    assert stages["in_curation"] == (2, 8.0, 9.6, 1, 1)  # 6, 10; one 40 days in it now
    assert stages["packaging_review"] == (2, 3.0, 3.8, 0, 0)
    assert stages["awaiting_certification"] == (2, 2.0, 2.8, 0, 0)

    # Open assignments, leading, scoresheets to submit, submitted in the period.
    workload = values(tables["curators"])
    assert workload[str(office.lead.pk)] == (1, 1, 0, 2)
    assert workload[str(office.curator.pk)] == (1, 0, 0, 2)
    assert workload[str(office.spare_curator.pk)] == (0, 0, 0, 0)
    assert str(office.foreign_coordinator.pk) not in workload

    enquiry_rows = tables["enquiries"].rows
    assert [(r.key, r.values) for r in enquiry_rows] == [
        (str(known.certified_jan.product_id), (2, 1, 1, 0))
    ]

    assert values(tables["registry_legal_form"]) == {"cv": (1, 1, 0), "": (1, 0, 1)}
    assert values(tables["registry_size"]) == {"micro": (2, 1, 1)}
    assert values(tables["registry_women_led"]) == {"true": (1, 1, 0), "": (1, 0, 1)}

    content = response.content.decode()
    assert 'role="img"' in content and "<title" in content  # the charts
    assert "Batik Tulis" not in content


def test_filters(client, office, known):
    # The period: only the first quarter's certifications and stays.
    tables = tables_of(page(client, office.regional_admin, "since=2026-01-01&until=2026-01-31"))
    assert values(tables["certified"]) == {"2026-01": (1,)}
    assert values(tables["states"])["certified"] == (1,)
    assert values(tables["stages"])["in_curation"][:3] == (1, 10.0, 10.0)
    # A category none of them is in.
    other = next(c for c in known.certified_jan.product.category._meta.model.objects.all()
                 if c.pk != known.certified_jan.product.category_id)  # fmt: skip
    tables = tables_of(page(client, office.regional_admin, f"{PERIOD}&category={other.key}"))
    assert sum(v[0] for v in values(tables["states"]).values()) == 0
    # A market they are certified for, and one no application targets.
    market = known.certified_jan.target_markets.first()
    tables = tables_of(page(client, office.regional_admin, f"{PERIOD}&market={market.key}"))
    assert values(tables["states"])["certified"][0] >= 1
    # Their own region by its code.
    tables = tables_of(page(client, office.regional_admin, f"{PERIOD}&region=35.71"))
    assert values(tables["states"])["certified"] == (2,)


def test_another_regions_figures_are_refused(client, office, known):
    response = page(client, office.foreign_coordinator, f"{PERIOD}&region=35.71")
    assert response.status_code == 400
    assert "tables" not in response.context
    # Their own figures: Blitar's one application, none of Kediri's.
    tables = tables_of(page(client, office.foreign_coordinator))
    assert values(tables["states"])["submitted"] == (1,)
    assert sum(v[0] for v in values(tables["states"]).values()) == 1
    client.force_login(office.foreign_coordinator)
    assert client.get(f"/api/statistics/?{PERIOD}&region=35.71").status_code == 400
    assert client.get(f"/statistics/states.csv?{PERIOD}&region=35.71").status_code == 400
    assert client.get(f"/statistics/applications.csv?{PERIOD}&region=35.71").status_code == 400


@pytest.mark.parametrize(
    "persona", ["msme", "curator", "reviewer", "officer", "exporter", "outsider"]
)
def test_who_may_not_read_them(client, office, persona):
    client.force_login(office.personas[persona])
    for path in ("/statistics/", "/statistics/states.csv", "/statistics/applications.csv"):
        assert client.get(path).status_code == 403, path
    assert client.get("/api/statistics/").status_code == 403


def test_anonymous(client):
    assert client.get("/statistics/").status_code == 302
    assert client.get("/statistics/all.xlsx").status_code == 302
    assert client.get("/api/statistics/").status_code in (401, 403)


def test_office_admin_and_coordinator_read_them(client, office, office_admin, known):
    for user in (office_admin, office.coordinator):
        tables = tables_of(page(client, user))
        assert values(tables["states"])["certified"] == (2,)


def read_csv(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def as_text(value):
    return "" if value is None else str(value)


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_table_as_csv_and_xlsx_holds_what_the_page_shows(
    client, office, known, enquiries, language
):
    tables = tables_of(page(client, office.regional_admin, language=language))
    assert len(tables) >= 10
    for key, table in tables.items():
        expected = [table.header] + [[row.label, *row.values] for row in table.rows]
        response = client.get(f"/statistics/{key}.csv?{PERIOD}")
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.csv"')
        assert read_csv(response) == [[as_text(v) for v in row] for row in expected]
        response = client.get(f"/statistics/{key}.xlsx?{PERIOD}")
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert rows == expected  # numbers as numbers
    workbook = load_workbook(io.BytesIO(client.get(f"/statistics/all.xlsx?{PERIOD}").content))
    assert [sheet.title for sheet in workbook.worksheets] == [t.title[:31] for t in tables.values()]
    states = tables["states"]
    if language == "id":
        assert states.header == ["Status", "Pengajuan"]
        assert states.title == "Pengajuan per status"
    else:
        assert states.header == ["State", "Applications"]


@pytest.mark.parametrize("language", ["en", "id"])
def test_the_applications_one_per_row(client, office, known, language):
    page(client, office.regional_admin, language=language)
    response = client.get(f"/statistics/applications.csv?{PERIOD}")
    assert response.streaming
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header[0] == ("Application" if language == "en" else "Pengajuan")
    assert len(body) == 5
    by_id = {int(row[0]): row for row in body}
    a = by_id[known.certified_jan.pk]
    assert a[1] == "Sambal Pecel Bu Rini"
    assert a[2] == "Sambal Bu Rini"
    assert a[3].endswith("(35.71)")
    assert a[6] == ("Certified" if language == "en" else "Tersertifikasi")
    assert a[7] == known.certified_jan.grade
    assert float(a[8]) == float(known.certified_jan.final_score)
    assert a[9:] == ["2026-01-05", "2026-01-07", "2026-01-25"]
    assert by_id[known.draft.pk][10:] == ["", ""]
    assert known.elsewhere.pk not in by_id

    response = client.get(f"/statistics/applications.xlsx?{PERIOD}")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    xlsx = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert xlsx[0] == header
    first = next(row for row in xlsx[1:] if row[0] == known.certified_jan.pk)
    assert first[8] == float(known.certified_jan.final_score)
    assert [cell.date() if cell else None for cell in first[9:]] == [
        date(2026, 1, 5),
        date(2026, 1, 7),
        date(2026, 1, 25),
    ]


def test_the_api_answers_the_same_tables(client, office, known, enquiries):
    tables = tables_of(page(client, office.regional_admin))
    response = client.get(f"/api/statistics/?{PERIOD}")
    assert response.status_code == 200
    data = response.json()
    assert data["since"] == "2026-01-01"
    assert [t["key"] for t in data["tables"]] == list(tables)
    for answered in data["tables"]:
        table = tables[answered["key"]]
        assert [c["key"] for c in answered["columns"]] == [c.key for c in table.columns]
        assert [(r["key"], tuple(r["values"])) for r in answered["rows"]] == [
            (row.key, row.values) for row in table.rows
        ]
    schema = client.get("/api/schema/")
    assert b"/api/statistics/" in schema.content


def queries_of(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_a_fixed_number_of_queries(client, office, known, enquiries):
    page(client, office.regional_admin)
    paths = [
        f"/statistics/?{PERIOD}",
        f"/api/statistics/?{PERIOD}",
        f"/statistics/all.xlsx?{PERIOD}",
        f"/statistics/applications.csv?{PERIOD}",
    ]
    before = [queries_of(client, path) for path in paths]
    for n in range(4):
        product = new_product(office, f"Produk {n}")
        application = office.new_application(product)
        f.bring_to(office, "certified" if n % 2 else "in_curation", application)
    after = [queries_of(client, path) for path in paths]
    assert after == before
    assert before[0] <= 20


def test_the_regional_head_lands_on_the_statistics(client, office):
    client.force_login(office.regional_admin)
    response = client.get(reverse("curation:overview"))
    assert response.status_code == 302
    assert response["Location"] == reverse("statistics:page")
    home = client.get("/")
    assert reverse("statistics:page") in home.content.decode()
    client.force_login(office.curator)
    assert client.get(reverse("curation:overview")).status_code == 403
    assert reverse("statistics:page") not in client.get("/").content.decode()


def test_percentile_cont_matches_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([3.0], 0.9) == 3.0
    assert percentile_cont([1, 1, 2, 4], 0.5) == 1.5
    assert percentile_cont([1, 1, 2, 4], 0.9) == pytest.approx(3.4)
