"""The evidence beside the score (issue #10): every staff page that judges an application
shows the product's facts, its photos, every document and the earlier rounds, each file
opening in the browser for whoever sees the application and for nobody else; on S3
through a short-lived signed URL. A fixed number of queries however much evidence."""

import uuid
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from config.settings import s3_storage
from curation import assignments, services
from kernel.roles import Role
from products.models import Document
from tests import factories as f
from tests.s3_helpers import KEYS, REGION, Endpoint
from tests.security.test_access_matrix import QUERY_BUDGET
from tests.staff.page_helpers import page


def _scored(office, bring_to):
    application = bring_to("in_curation")
    return f.take_step(office, application, "score")


# Each staff role on the page where it judges, in the state it judges in.
JUDGES = [
    ("curator", "in_curation", "curation:scoresheet"),
    ("lead", "in_curation", "curation:scoresheet"),
    ("lead", _scored, "curation:curation"),
    ("coordinator", _scored, "curation:curation"),
    ("coordinator", "in_curation", "curation:application"),
    ("curator", "in_curation", "curation:application"),
    ("reviewer", "packaging_review", "curation:packaging"),
    ("officer", "awaiting_certification", "curation:certification_review"),
    ("coordinator", "awaiting_certification", "curation:certification_review"),
]


def _bring(office, bring_to, setup):
    return setup(office, bring_to) if callable(setup) else bring_to(setup)


def _documents(application):
    """Every document of the application's product and of its business."""
    product = application.product
    return list(
        Document.objects.filter(
            Q(product=product) | Q(business=product.business, product__isnull=True)
        ).select_related("kind")
    )


def _open_url(application, document):
    return reverse("curation:evidence", args=[application.pk, document.pk])


def _image_url(application, document):
    return reverse("curation:evidence_image", args=[application.pk, document.pk])


def _file_urls(application):
    for document in _documents(application):
        yield _open_url(application, document)
        if document.content_type.startswith("image/"):
            yield _image_url(application, document)


def _stored_bytes(document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.mark.parametrize(
    ("persona", "setup", "route"),
    JUDGES,
    ids=[f"{p}-{getattr(s, '__name__', s).strip('_')}-{r.split(':')[1]}" for p, s, r in JUDGES],
)
def test_each_judge_sees_the_evidence_and_opens_every_file(
    persona, setup, route, office, bring_to, login
):
    application = _bring(office, bring_to, setup)
    office.product.description = "Sambal pecel khas Kediri, tanpa pengawet."
    office.product.shelf_life_days = 180
    office.product.save()
    client = login(office.personas[persona])
    html = page(client, reverse(route, args=[application.pk]))

    assert 'class="card evidence-panel" data-open-wide' in html
    assert "Sambal pecel khas Kediri, tanpa pengawet." in html
    assert "180 days" in html
    documents = _documents(application)
    assert {d.kind.key for d in documents} >= {"nib", "npwp", "pirt", "halal", "product_photo"}
    for document in documents:
        open_url = _open_url(application, document)
        assert f'href="{open_url}" target="_blank" rel="noopener"' in html, document.kind.key
        assert escape(document.kind.label) in html
        if document.kind.issuer:
            assert escape(document.kind.issuer) in html
        if document.content_type.startswith("image/"):
            assert f'<img src="{_image_url(application, document)}"' in html
            urls = [open_url, _image_url(application, document)]
        else:
            urls = [open_url]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            assert response["Content-Type"] == document.content_type
            assert response["Content-Disposition"] == f'inline; filename="{document.file_name}"'
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Cache-Control"] == "private, no-store"
            assert b"".join(response.streaming_content) == _stored_bytes(document)


def test_a_pdf_opens_in_the_browser_not_as_a_download(office, bring_to, login):
    application = bring_to("in_curation")
    pirt = Document.objects.get(product=office.product, kind__key="pirt")
    client = login(office.curator)
    response = client.get(_open_url(application, pirt))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # A PDF is no photo: the page never draws it as one.
    assert client.get(_image_url(application, pirt)).status_code == 404


def test_nobody_else_opens_a_file(world_office, bring_to, client):
    """Another business, a curator of another region, a curator of the region who is not
    assigned, a curator who was relieved, exporters: 404 for every file. An anonymous
    visitor is sent to sign in."""
    office = world_office
    application = bring_to("in_curation")
    blitar_curator = f.UserFactory(
        username="blitar-curator", roles=[Role.CURATOR], regions=[f.region("35.72")]
    )
    urls = list(_file_urls(application))
    assert len(urls) == len(_documents(application)) + 2  # and the two photos drawn

    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("account_login")
        ), url

    assignments.application_reassign_curators(
        application=application,
        by=office.coordinator,
        curators=[office.lead, office.spare_curator],
        lead=office.lead,
        comment="The curator is on leave.",
    )
    refused = [
        office.other_msme,
        blitar_curator,
        office.foreign_coordinator,  # every staff role, in another region
        office.personas["other_exporter"],  # nothing is shared with them
        office.exporter,
        office.outsider,
        office.curator,  # relieved of this application
    ]
    for user in refused:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
    # The curator who joined sees it.
    client.force_login(office.spare_curator)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_files_of_an_application_are_its_own(office, bring_to, login):
    """A document of another product, even of the same business, does not open through
    this application, nor does any document through an application one cannot see."""
    application = bring_to("in_curation")
    sibling = f.ProductFactory(business=office.business, name="Sambal Tumpang")
    f.complete_documents(sibling, by=office.msme)
    client = login(office.lead)
    for document in Document.objects.filter(product=sibling):
        assert client.get(_open_url(application, document)).status_code == 404
        assert client.get(_image_url(application, document)).status_code == 404
    # The sibling's draft application is visible to its business and region, not to the
    # lead: its (business-wide) documents do not open through it.
    draft = office.new_application(sibling)
    nib = Document.objects.filter(business=office.business, kind__key="nib").first()
    assert client.get(_open_url(draft, nib)).status_code == 404
    assert client.get(_open_url(application, nib)).status_code == 200


def test_the_dossier_stays_the_officers_and_curators_judge_from_their_own_pages(
    office, bring_to, login
):
    """What we decided: the certification review (the "dossier") shows the curation
    result, which a curator must not see before submitting (blind review), and the
    officer's decision; curators get the same evidence on the scoresheet, the curation
    result and the application page instead."""
    application = bring_to("in_curation")
    client = login(office.curator)
    dossier = client.get(reverse("curation:certification_review", args=[application.pk]))
    assert dossier.status_code == 403
    for route in ("curation:scoresheet", "curation:application"):
        html = page(client, reverse(route, args=[application.pk]))
        assert 'class="card evidence-panel"' in html
    # The business has its own part of the application page, not the staff's panel.
    html = page(login(office.msme), reverse("curation:application", args=[application.pk]))
    assert "evidence-panel" not in html


def test_earlier_rounds_show_the_request_the_answer_and_what_changed(office, bring_to, login):
    application = bring_to("in_curation")
    product = office.product
    product.description = "Sambal pecel."
    product.save()
    services.application_request_revision(
        application=application, by=office.lead, message="Add the aflatoxin lab report."
    )
    product.description = "Sambal pecel, tested for aflatoxin."
    product.save()
    # Its own content: the snapshot counts documents by their SHA-256.
    lab = f.add_document(
        office.business, "lab_test", product=product, by=office.msme, content=_pdf("lab")
    )
    services.application_resubmit(
        application=application, by=office.msme, answer="The lab report is uploaded."
    )
    client = login(office.curator)
    html = page(client, reverse("curation:scoresheet", args=[application.pk]))

    assert "Round 1: revision requested" in html
    assert "Add the aflatoxin lab report." in html
    assert "The lab report is uploaded." in html
    assert 'Description <span class="muted">(was: Sambal pecel.)</span>' in html
    assert "1 document added" in html
    # The new document is marked, the others are not.
    new_badges = html.count('<span class="badge">new</span>')
    assert new_badges == 2  # the lab report, and the legend that explains the badge
    lab_item = html[html.index(f'href="{_open_url(application, lab)}"') :]
    assert lab_item.index('<span class="badge">new</span>') < lab_item.index("</li>")


def _pdf(text: str) -> bytes:
    return f.PDF_BYTES + f"% {text}\n".encode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _more_evidence(office, product, n=4):
    for i in range(n):
        f.add_document(
            office.business,
            "product_photo" if i % 2 else "packaging_photo",
            product=product,
            content=f.png_bytes(color=(i * 40, 90, 90)),
        )
        f.add_document(office.business, "lab_test", product=product, content=_pdf(f"{i}"))


def _revision_round(office, application):
    services.application_request_revision(
        application=application, by=office.lead, message="Please check the label."
    )
    application.product.description = f"Revised {uuid.uuid4().hex[:6]}"
    application.product.save()
    f.add_document(
        office.business, "lab_test", product=application.product, content=_pdf(uuid.uuid4().hex)
    )
    services.application_resubmit(application=application, by=office.msme, answer="Done.")
    application.refresh_from_db()


def test_the_evidence_costs_the_same_queries_however_much_there_is(office, bring_to, login):
    """In curation: round 2 against round 3 with more documents and photos. After it:
    an application that went straight through against one with two revision rounds and
    many more documents. Each page within the budget."""
    counts = {}
    application = bring_to("in_curation")
    _revision_round(office, application)
    in_curation = [
        ("curator", "curation:scoresheet"),
        ("lead", "curation:curation"),
        ("coordinator", "curation:application"),
    ]
    for persona, route in in_curation:
        url = reverse(route, args=[application.pk])
        counts[(persona, route)] = [_queries(login(office.personas[persona]), url)]
    _revision_round(office, application)
    _more_evidence(office, application.product)
    for persona, route in in_curation:
        url = reverse(route, args=[application.pk])
        counts[(persona, route)].append(_queries(login(office.personas[persona]), url))

    plain_product = f.ProductFactory(business=office.business, name="Sambal Pecel Kemasan")
    f.complete_documents(plain_product, by=office.msme)
    plain = bring_to("awaiting_certification", office.new_application(plain_product))
    busy_product = f.ProductFactory(business=office.business, name="Sambal Tumpang")
    f.complete_documents(busy_product, by=office.msme)
    busy = office.new_application(busy_product)
    for step in ("submit", "assign_curators"):
        f.take_step(office, busy, step)
    _revision_round(office, busy)
    _revision_round(office, busy)
    _more_evidence(office, busy_product)
    for step in ("score", "pass_curation", "approve_packaging"):
        f.take_step(office, busy, step)
    for persona, route in [
        ("officer", "curation:certification_review"),
        ("officer", "curation:application"),
        ("coordinator", "curation:curation"),
    ]:
        counts[(persona, route)] = [
            _queries(login(office.personas[persona]), reverse(route, args=[a.pk]))
            for a in (plain, busy)
        ]

    # The officer's page of an application never sent back for revision skips the
    # revision requests' query (its history shows none): one fewer, not one more.
    officer_page = counts.pop(("officer", "curation:application"))
    assert officer_page == [14, 15], officer_page
    for key, (fewer, more) in counts.items():
        assert fewer == more, (key, fewer, more)
        assert more <= QUERY_BUDGET, (key, more)


def test_the_packaging_review_costs_the_same_queries_with_more_evidence(office, bring_to, login):
    application = bring_to("packaging_review")
    client = login(office.reviewer)
    url = reverse("curation:packaging", args=[application.pk])
    fewer = _queries(client, url)
    _more_evidence(office, application.product)
    more = _queries(client, url)
    assert fewer == more <= QUERY_BUDGET


# On S3: a file opens through a short-lived signed URL that answers inline; a photo the
# page draws is streamed (the pages' policy admits images from our origin only).

URL_LIFETIME = 60


@pytest.fixture(scope="module")
def s3():
    endpoint = Endpoint()
    endpoint.start()
    yield endpoint
    endpoint.stop()


@pytest.fixture
def bucket(s3, settings):
    name = f"siap-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3.url,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=name)
    client.close()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket_name=name,
            querystring_expire=URL_LIFETIME,
            endpoint_url=s3.url,
            region_name=REGION,
            client_config=Config(signature_version="s3v4"),
            **KEYS,
        ),
    }
    return name


@pytest.fixture
def office_on_s3(bucket, office):
    """The office, its documents uploaded to the bucket (the bucket is set up first)."""
    return office


def test_on_s3_a_file_opens_through_a_short_lived_signed_url_inline(
    office_on_s3, bring_to, login, s3, bucket
):
    office = office_on_s3
    application = bring_to("in_curation")
    client = login(office.curator)
    for document in _documents(application):
        response = client.get(_open_url(application, document))
        assert response.status_code == 302
        location = response["Location"]
        parts = urlsplit(location)
        assert f"{parts.scheme}://{parts.netloc}" == s3.url
        assert parts.path == f"/{bucket}/{document.file.name}"
        query = parse_qs(parts.query)
        assert query["X-Amz-Expires"] == [str(URL_LIFETIME)]
        assert query["response-content-disposition"] == [f'inline; filename="{document.file_name}"']
        assert response["Cache-Control"] == "private, no-store"
        fetched = requests.get(location, timeout=10)
        assert fetched.status_code == 200
        assert fetched.headers["Content-Type"] == document.content_type
        assert fetched.headers["Content-Disposition"].startswith("inline;")
        assert fetched.content == _stored_bytes(document)
        if document.content_type.startswith("image/"):
            image = client.get(_image_url(application, document))
            assert image.status_code == 200
            assert b"".join(image.streaming_content) == fetched.content
    # No signed URL for anyone who may not see the application.
    client.force_login(office.spare_curator)
    for url in _file_urls(application):
        assert client.get(url).status_code == 404
