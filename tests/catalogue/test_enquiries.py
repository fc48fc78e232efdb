"""Buyers' enquiries: a buyer asks from a product's public page, the business's members
are told in the app and by e-mail (in their language, with a link to the enquiry, the
buyer's address as reply-to) without the buyer ever seeing an address of the business;
the members read and answer them in their inbox; the office sees counts per product.
And the public form's guards: a limit per address, a honeypot, length limits, escaping."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue import services as catalogue_services
from catalogue.enquiries import enquiry_send
from catalogue.models import Enquiry
from curation.models import Notification
from products.models import Membership
from tests import factories as f
from tests.catalogue.conftest import certify_quickly
from tests.security.access_world import QUERY_BUDGET

BUYER = {
    "buyer_type": "abroad",
    "name": "Anna Becker",
    "company": "Trommelhaus Leipzig GmbH",
    "country": "Germany",
    "email": "anna@trommelhaus.example",
    "quantity": "40 jars a month",
    "message": "Could you send your price per jar, FOB Surabaya?",
}
BUSINESS_EMAIL = "rahasia@sambal-bu-rini.example"


@pytest.fixture(autouse=True)
def _fresh_limits():
    # The limit counts per address in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def product(office, listed):
    office.business.email = BUSINESS_EMAIL
    office.business.phone = "0812 3456 7890"
    office.business.save()
    return listed.product


def send(client, product, language="en", **changes):
    data = {**BUYER, **changes}
    url = reverse("catalogue:enquire", args=[product.pk])
    return client.post(f"{url}?lang={language}", data)


def reading_english(*users):
    for user in users:
        user.profile.language = "en"
        user.profile.save(update_fields=["language"])


def make_enquiry(product, **changes):
    return enquiry_send(product=product, **{**BUYER, **changes})


# Delivery.


def test_an_enquiry_reaches_every_member_in_the_app_and_by_email_in_their_language(
    office, product, client, settings, django_capture_on_commit_callbacks
):
    staff = f.make_member(office.business, "rini-staff", role=Membership.Role.STAFF)
    office.msme.profile.language = "id"
    office.msme.profile.save()
    staff.profile.language = "en"
    staff.profile.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, product)

    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("catalogue:enquiry_sent", args=[product.pk]) + "?lang=en"
    )
    assert (enquiry.product, enquiry.business, enquiry.status) == (
        product,
        office.business,
        Enquiry.Status.NEW,
    )
    assert (enquiry.company, enquiry.email, enquiry.language) == (
        "Trommelhaus Leipzig GmbH",
        "anna@trommelhaus.example",
        "en",
    )
    link = reverse("catalogue:enquiry", args=[enquiry.pk])

    notices = Notification.objects.filter(event="enquiry_received")
    assert {n.recipient for n in notices} == {office.msme, staff}
    assert {n.path for n in notices} == {link}

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {office.msme.email, staff.email}
    for message in mail.outbox:
        assert message.reply_to == ["anna@trommelhaus.example"]
        assert f"{settings.SITE_URL}{link}" in message.body
        assert "Could you send your price per jar, FOB Surabaya?" in message.body
        assert "40 jars a month" in message.body
    indonesian, english = by_recipient[office.msme.email], by_recipient[staff.email]
    assert indonesian.subject == (
        "[Siap Ekspor] Pertanyaan tentang Sambal Pecel Bu Rini dari Trommelhaus Leipzig GmbH"
    )
    assert "Perusahaan di luar negeri" in indonesian.body
    assert english.subject == (
        "[Siap Ekspor] Enquiry about Sambal Pecel Bu Rini from Trommelhaus Leipzig GmbH"
    )
    assert "A company abroad" in english.body

    # The deep link opens the enquiry for its members.
    client.force_login(staff)
    page = client.get(link)
    assert page.status_code == 200
    assert "Could you send your price per jar, FOB Surabaya?" in page.content.decode()


def test_the_emails_link_is_absolute_on_the_site(
    office, product, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://siap-ekspor.example"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = make_enquiry(product)
    (message,) = mail.outbox
    assert f"https://siap-ekspor.example/catalogue/enquiries/{enquiry.pk}/" in message.body


def test_nothing_is_emailed_before_the_commit(office, product, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks() as callbacks:
        make_enquiry(product)
    assert mail.outbox == []
    assert callbacks


def test_a_government_office_buying_local_products_can_ask_without_a_country(
    office, product, client
):
    response = send(
        client,
        product,
        language="id",
        buyer_type="government",
        company="Dinas Pendidikan Kabupaten Kediri",
        country="",
    )
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert (enquiry.buyer_type, enquiry.country, enquiry.language) == (
        "government",
        "Indonesia",
        "id",
    )


def test_a_company_abroad_must_say_its_country(office, product, client):
    response = send(client, product, country="")
    assert response.status_code == 200
    assert "Say which country the goods would go to." in response.content.decode()
    assert not Enquiry.objects.exists()


def test_the_form_speaks_the_pages_language(office, product, client):
    response = send(client, product, language="id", email="not an address")
    body = response.content.decode()
    assert response["Content-Language"] == "id"
    assert "Kirim pertanyaan" in body
    assert "Masukkan alamat email dengan format yang benar." in body
    assert not Enquiry.objects.exists()


def test_a_product_out_of_the_catalogue_takes_no_enquiry(office, product, client):
    catalogue_services.listing_consent_withdraw(business=office.business, by=office.msme)
    assert send(client, product).status_code == 404
    assert not Enquiry.objects.exists()


# No address of the business reaches the buyer.


def test_the_businesss_addresses_never_reach_the_buyer(office, product, client):
    staff = f.make_member(office.business, "rini-staff", role=Membership.Role.STAFF)
    addresses = [BUSINESS_EMAIL, office.msme.email, staff.email, "0812 3456 7890"]
    url = reverse("catalogue:product", args=[product.pk])

    pages = {"product": client.get(url), "refused": send(client, product, email="nope")}
    sent = send(client, product)
    pages["confirmation"] = client.get(sent["Location"])

    assert pages["confirmation"].status_code == 200
    assert "has been sent to Sambal Bu Rini" in pages["confirmation"].content.decode()
    for name, page in pages.items():
        body = page.content.decode()
        assert "<form" in body or name == "confirmation"
        for address in addresses:
            assert address not in body, (name, address)
        assert "mailto:" not in body, name


def test_the_confirmation_is_only_for_the_browser_that_sent(office, product, client):
    url = reverse("catalogue:enquiry_sent", args=[product.pk])
    response = client.get(f"{url}?lang=en")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:product", args=[product.pk]) + "?lang=en"


# Spam and abuse.


def test_the_rate_limit_stops_an_address_with_a_clear_message(office, product, client, settings):
    settings.ENQUIRY_RATE_LIMIT = 2
    assert send(client, product).status_code == 302
    assert send(client, product).status_code == 302

    refused = send(client, product, message="A third question, kept for later.")

    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    body = refused.content.decode()
    assert "Too many enquiries from your address in the last hour." in body
    assert "A third question, kept for later." in body  # typed text shown back
    assert Enquiry.objects.count() == 2
    # Another address is not limited.
    response = client.post(
        reverse("catalogue:enquire", args=[product.pk]), BUYER, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    assert Enquiry.objects.count() == 3


def test_the_limit_is_said_in_the_pages_language(office, product, client, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    send(client, product, language="id")
    refused = send(client, product, language="id")
    assert refused.status_code == 429
    assert "Terlalu banyak pertanyaan dari alamat Anda" in refused.content.decode()


def test_a_filled_honeypot_is_dropped_silently(
    office, product, client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, product, website_url="https://spam.example")
    # Looks sent to the script...
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    # ...but nothing was kept or told.
    assert not Enquiry.objects.exists()
    assert not Notification.objects.filter(event="enquiry_received").exists()
    assert mail.outbox == []


def test_the_honeypot_is_hidden_from_people(office, product, client):
    body = client.get(reverse("catalogue:product", args=[product.pk])).content.decode()
    assert '<p class="visually-hidden" aria-hidden="true">' in body
    assert 'name="website_url"' in body
    assert 'tabindex="-1"' in body


@pytest.mark.parametrize(
    ("field", "limit"),
    [("name", 100), ("company", 150), ("country", 60), ("quantity", 100), ("message", 2000)],
)
def test_every_field_has_a_length_limit(office, product, client, field, limit):
    assert send(client, product, **{field: "x" * (limit + 1)}).status_code == 200
    assert not Enquiry.objects.exists()
    assert send(client, product, **{field: "x" * limit}).status_code == 302
    assert getattr(Enquiry.objects.get(), field) == "x" * limit


def test_an_over_long_email_address_is_refused(office, product, client):
    response = send(client, product, email=f"{'a' * 250}@x.example")
    assert response.status_code == 200
    assert not Enquiry.objects.exists()


def test_the_form_says_its_limits(office, product, client):
    body = client.get(reverse("catalogue:product", args=[product.pk])).content.decode()
    assert 'maxlength="2000"' in body
    assert 'maxlength="100"' in body


def test_a_line_break_in_a_one_line_field_is_refused(office, product, client):
    response = send(client, product, name="Anna\r\nBcc: everyone@example.com")
    assert response.status_code == 200
    assert "Write this on one line." in response.content.decode()
    assert not Enquiry.objects.exists()


def test_what_a_buyer_typed_is_never_rendered_as_html(office, product, client):
    script = "<script>alert('x')</script>"
    send(client, product, name=script, company=f"ACME {script}", message=f"Hi {script}")
    enquiry = Enquiry.objects.get()
    client.force_login(office.msme)
    pages = [
        client.get(reverse("catalogue:enquiries")),
        client.get(reverse("catalogue:enquiry", args=[enquiry.pk])),
        client.get(reverse("curation:notifications")),
    ]
    for page in pages:
        body = page.content.decode()
        assert script not in body
        assert "&lt;script&gt;" in body


# The inbox: who opens what.


@pytest.fixture
def enquiry(office, product):
    return make_enquiry(product)


@pytest.mark.parametrize(
    "persona", ["other_msme", "coordinator", "foreign_coordinator", "exporter", "outsider"]
)
def test_nobody_but_the_businesss_members_opens_an_enquiry(office, enquiry, client, persona):
    client.force_login(office.personas[persona])
    detail = reverse("catalogue:enquiry", args=[enquiry.pk])
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"status": "closed"}).status_code == 404
    inbox = client.get(reverse("catalogue:enquiries"))
    assert BUYER["company"] not in inbox.content.decode()
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.read_at) == (Enquiry.Status.NEW, None)


def test_anonymous_is_sent_to_sign_in(office, enquiry, client):
    detail = reverse("catalogue:enquiry", args=[enquiry.pk])
    for response in (client.get(detail), client.post(detail, {"status": "closed"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW
    response = client.get(reverse("catalogue:enquiries"))
    assert response.status_code == 302


def test_a_member_reads_an_enquiry_and_it_is_no_longer_unread(office, enquiry, client):
    reading_english(office.msme)
    client.force_login(office.msme)
    home = client.get(reverse("curation:home")).content.decode()
    assert f'href="{reverse("catalogue:enquiries")}">Enquiries</a>' in home  # in her menu
    assert 'Notifications <span class="badge" aria-label="1 unread">1</span>' in home

    inbox = client.get(reverse("catalogue:enquiries")).content.decode()
    assert "Trommelhaus Leipzig GmbH" in inbox
    assert "1 unread." in inbox

    detail = client.get(reverse("catalogue:enquiry", args=[enquiry.pk])).content.decode()
    assert "anna@trommelhaus.example" in detail
    assert "Could you send your price per jar, FOB Surabaya?" in detail
    enquiry.refresh_from_db()
    assert enquiry.read_at is not None
    inbox = client.get(reverse("catalogue:enquiries")).content.decode()
    assert "1 unread." not in inbox
    assert '<span class="badge">unread</span>' not in inbox
    # Her notice of it is read too: the notifications' badge is gone.
    assert 'Notifications <span class="badge"' not in inbox


def test_a_member_marks_an_enquiry_answered_then_closed(office, enquiry, client):
    staff = f.make_member(office.business, "rini-staff", role=Membership.Role.STAFF)
    reading_english(staff)
    client.force_login(staff)
    detail = reverse("catalogue:enquiry", args=[enquiry.pk])

    response = client.post(detail, {"status": "answered"}, follow=True)
    assert "The enquiry is now “Answered”." in response.content.decode()
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.status_changed_by) == (Enquiry.Status.ANSWERED, staff)

    client.post(detail, {"status": "closed"})
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CLOSED

    answered = client.get(reverse("catalogue:enquiries"), {"status": "answered"})
    closed = client.get(reverse("catalogue:enquiries"), {"status": "closed"})
    assert BUYER["company"] not in answered.content.decode()
    assert BUYER["company"] in closed.content.decode()


def test_an_unknown_status_changes_nothing(office, enquiry, client):
    reading_english(office.msme)
    client.force_login(office.msme)
    response = client.post(
        reverse("catalogue:enquiry", args=[enquiry.pk]), {"status": "deleted"}, follow=True
    )
    assert "Choose a status." in response.content.decode()
    enquiry.refresh_from_db()
    assert (enquiry.status, enquiry.status_changed_at) == (Enquiry.Status.NEW, None)


# The office.


def test_the_office_of_the_region_sees_counts_per_product(office, product, client):
    make_enquiry(product)
    answered = make_enquiry(product, email="second@buyer.example")
    answered.status = Enquiry.Status.ANSWERED
    answered.save()
    product_page = reverse("catalogue:product", args=[product.pk])

    client.force_login(office.coordinator)
    counts = client.get(reverse("catalogue:enquiry_counts")).content.decode()
    assert "Sambal Pecel Bu Rini" in counts
    # In the coordinator's language (Indonesian).
    assert '<td data-label="Pertanyaan pembeli"><strong>2</strong></td>' in counts
    assert '<td data-label="Sudah dijawab">1</td>' in counts
    assert BUYER["company"] not in counts  # counts, not the correspondence
    page = client.get(product_page).content.decode()
    assert "pembeli mengirim 2 pertanyaan tentang produk ini" in page

    client.force_login(office.foreign_coordinator)
    assert "Sambal Pecel Bu Rini" not in (
        client.get(reverse("catalogue:enquiry_counts")).content.decode()
    )
    assert "pembeli mengirim" not in client.get(product_page).content.decode()

    for persona in ("msme", "exporter", "outsider"):
        client.force_login(office.personas[persona])
        assert client.get(reverse("catalogue:enquiry_counts")).status_code == 403
        page = client.get(product_page).content.decode()
        assert "pembeli mengirim" not in page and "buyers sent" not in page


# Constant queries.


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


def test_the_inbox_and_the_office_counts_read_as_many_queries_for_3_enquiries_as_for_30(
    office, product, client
):
    other_products = []
    for n in range(3):
        # More businesses of the same owner: the inbox shows all of them.
        business = f.BusinessFactory(name=f"UMKM Lain {n}", region=office.business.region)
        Membership.objects.create(business=business, user=office.msme, role="owner")
        catalogue_services.listing_consent_give(business=business, by=office.msme)
        other = f.ProductFactory(business=business, name=f"Produk Lain {n}")
        certify_quickly(office, other)
        other_products.append(other)
    every_product = [product, *other_products]

    def measure():
        counts = {}
        client.force_login(office.msme)
        newest = Enquiry.objects.order_by("-pk").first()  # unread: opening it marks it read
        for name, path in {
            "inbox": reverse("catalogue:enquiries"),
            "inbox new": reverse("catalogue:enquiries") + "?status=new",
            "detail": reverse("catalogue:enquiry", args=[newest.pk]),
            "dashboard": reverse("curation:home"),
        }.items():
            counts[name] = _queries(client, path)
        client.force_login(office.coordinator)
        counts["office"] = _queries(client, reverse("catalogue:enquiry_counts"))
        return counts

    for n in range(3):
        make_enquiry(every_product[n % 4], email=f"buyer{n}@example.test")
    small = measure()
    for n in range(3, 30):
        make_enquiry(every_product[n % 4], email=f"buyer{n}@example.test")
    large = measure()

    assert large == small
    assert max(large.values()) <= QUERY_BUDGET, large
