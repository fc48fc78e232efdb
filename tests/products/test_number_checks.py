"""Numbers checked against what they say (issue #11, item 6): a P-IRT number's regency and
expiry year against the business's region and the expiry date (a doubt the MSME confirms,
not a refusal), an NPWP's check digit (refused) and its legacy 15 digits (accepted, with
advice), each in Indonesian and in English; and every page showing a number as printed.
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from products.models import Business, Document, Membership
from tests import factories as f
from tests.products.portal_helpers import EXECUTABLE, stored_files, text, upload

pytestmark = pytest.mark.django_db


def pirt(regency: str, expires: date) -> str:
    """A P-IRT number as printed, issued by `regency` (digits 4 to 7) and expiring in the
    year of `expires` (the last two digits)."""
    return f"206{regency}010123-{expires:%y}"


# A P-IRT of Kabupaten Kubu Raya (61.12) and one of Kota Kediri (35.71), both expiring on
# EXPIRES, in two years' time.
EXPIRES = date(date.today().year + 2, 6, 30)
YEAR, YY = EXPIRES.year, f"{EXPIRES:%y}"
KUBU_RAYA_PIRT = pirt("6112", EXPIRES)
KEDIRI_PIRT = pirt("3571", EXPIRES)

# What each language says, in words the page must contain.
SAYS = {
    "en": {
        "regency": (
            "Digits 4 to 7 of this P-IRT number (6112) are the code of Kabupaten Kubu Raya "
            "(61.12), but Keripik Tempe Arema is registered in Kota Malang (35.73)."
        ),
        "expiry": f"The last two digits of this P-IRT number ({YY}) say it expires in {YEAR}",
        "confirm": "The number is right: save the document as it is",
        "check_first": "Check the number before it is saved:",
        "saved": "is uploaded",
        "check_digit": (
            "This NPWP has a typing error: its check digit (digit 9, 8) does not match the "
            "digits before it (they give 4)."
        ),
        "advice": "The NPWP 01.234.567.4-901.000 has the 15 digits used until 2023 and is "
        "accepted.",
        "advice_16": "(0012345674901000)",
    },
    "id": {
        "regency": (
            "Digit ke-4 sampai ke-7 nomor P-IRT ini (6112) adalah kode Kabupaten Kubu Raya "
            "(61.12), sedangkan Keripik Tempe Arema terdaftar di Kota Malang (35.73)."
        ),
        "expiry": f"Dua digit terakhir nomor P-IRT ini ({YY}) menunjukkan masa berlakunya "
        f"habis pada tahun {YEAR}",
        "confirm": "Nomornya benar: simpan dokumen apa adanya",
        "check_first": "Periksa nomornya sebelum disimpan:",
        "saved": "telah diunggah",
        "check_digit": (
            "NPWP ini salah ketik: digit pemeriksanya (digit ke-9, yaitu 8) tidak cocok "
            "dengan digit-digit sebelumnya (yang menghasilkan 4)."
        ),
        "advice": "NPWP 01.234.567.4-901.000 memakai 15 digit yang berlaku hingga 2023 dan "
        "tetap diterima.",
        "advice_16": "(0012345674901000)",
    },
}
LANGUAGES = pytest.mark.parametrize("language", list(SAYS))


def sign_in(client, user, language):
    """Sign in `user`, whose pages are in `language` (their profile's choice, which the
    middleware activates for a signed-in user)."""
    user.profile.language = language
    user.profile.save(update_fields=["language"])
    client.force_login(user)
    return client


@pytest.fixture
def malang():
    """A business of Kota Malang (35.73), its owner and a food product."""
    business = f.BusinessFactory(name="Keripik Tempe Arema", region=f.region("35.73"))
    owner = f.make_member(business, "arema")
    product = f.ProductFactory(business=business, name="Keripik Tempe")
    return business, owner, product


def product_upload_url(product):
    return reverse("products:document_upload", args=[product.pk])


def nothing_stored():
    return Document.objects.count(), set(stored_files())


def confirmation(page: str) -> dict:
    """What ticking the box on a page that doubts the number sends: the box, and the entry
    it confirms (a hidden input of the page)."""
    entry = re.search(r'<input type="hidden" name="confirmed_entry" value="([^"]*)">', page)
    assert entry, "the page offers no confirmation"
    return {"number_confirmed": "on", "confirmed_entry": entry.group(1)}


# P-IRT: the regency.


@LANGUAGES
def test_a_p_irt_of_another_regency_is_held_until_the_msme_confirms_it(client, malang, language):
    business, owner, product = malang
    sign_in(client, owner, language)
    before = nothing_stored()

    held = upload(
        client,
        product_upload_url(product),
        kind="pirt",
        number=KUBU_RAYA_PIRT,
        expires_on=EXPIRES.isoformat(),
    )

    page = text(held)
    assert held.status_code == 200
    assert SAYS[language]["check_first"] in page
    assert SAYS[language]["regency"] in page
    assert SAYS[language]["confirm"] in page
    assert 'id="id_number_confirmed">' in page  # offered, not ticked
    # A warning, not an error: the number's input is not marked invalid.
    assert 'aria-invalid="true"' not in page
    assert nothing_stored() == before

    saved = upload(
        client,
        product_upload_url(product),
        kind="pirt",
        number=KUBU_RAYA_PIRT,
        expires_on=EXPIRES.isoformat(),
        follow=True,
        **confirmation(page),
    )

    document = Document.objects.get(product=product, kind__key="pirt")
    assert document.number == KUBU_RAYA_PIRT
    assert document.expires_on == EXPIRES
    assert document.uploaded_by == owner
    assert document.file.name in stored_files()
    page = text(saved)
    assert SAYS[language]["saved"] in page
    # Confirmed: not repeated.
    assert SAYS[language]["regency"] not in page


def test_a_p_irt_of_the_business_s_own_regency_is_saved_without_a_doubt(client, office):
    sign_in(client, office.msme, "en")
    Document.objects.filter(kind__key="pirt").delete()

    response = upload(
        client,
        product_upload_url(office.product),
        kind="pirt",
        number=KEDIRI_PIRT,
        expires_on=EXPIRES.isoformat(),
        follow=True,
    )

    page = text(response)
    assert "is uploaded" in page
    assert "Digits 4 to 7" not in page and "last two digits" not in page
    assert Document.objects.get(kind__key="pirt", product=office.product).number == KEDIRI_PIRT


def test_a_p_irt_label_prefix_and_an_unknown_regency_code_are_read_right(client, malang):
    business, owner, product = malang
    sign_in(client, owner, "en")

    response = upload(
        client,
        product_upload_url(product),
        kind="pirt",
        number="P-IRT No. 2069901010123-29",  # 99.01 is no region of the list
        expires_on=EXPIRES.isoformat(),
    )

    assert "(9901) are the code of regency or city 99.01, but Keripik Tempe Arema" in text(response)
    assert not Document.objects.filter(product=product).exists()


# P-IRT: the expiry year.


@LANGUAGES
def test_a_p_irt_whose_year_is_not_the_expiry_date_s_is_held_until_confirmed(
    client, office, language
):
    sign_in(client, office.msme, language)
    before = nothing_stored()
    url = product_upload_url(office.product)
    a_year_early = EXPIRES.replace(year=YEAR - 1).isoformat()

    held = upload(client, url, kind="pirt", number=KEDIRI_PIRT, expires_on=a_year_early)

    page = text(held)
    assert SAYS[language]["expiry"] in page
    assert SAYS[language]["confirm"] in page
    assert "(3571)" not in page  # only the year is doubted: the regency is Kediri's
    assert nothing_stored() == before

    upload(
        client,
        url,
        kind="pirt",
        number=KEDIRI_PIRT,
        expires_on=a_year_early,
        **confirmation(page),
    )

    document = Document.objects.filter(kind__key="pirt").latest("uploaded_at")
    assert (document.number, document.expires_on.isoformat()) == (KEDIRI_PIRT, a_year_early)
    assert Document.objects.count() == before[0] + 1


def test_an_expiry_date_worked_out_from_the_issue_date_is_checked_too(client, office):
    sign_in(client, office.msme, "en")
    issued = date.today() - timedelta(days=30)
    # Five years after the issue date, while the number says four.
    number = pirt("3571", issued.replace(year=issued.year + 4))

    response = upload(
        client,
        product_upload_url(office.product),
        kind="pirt",
        number=number,
        issued_on=issued.isoformat(),
    )

    assert f"say it expires in {issued.year + 4}, but the expiry date is" in text(response)
    assert not Document.objects.filter(kind__key="pirt", issued_on=issued).exists()


def test_the_doubt_stays_beside_other_errors_with_the_confirmation_kept(client, malang):
    business, owner, product = malang
    sign_in(client, owner, "en")
    url = product_upload_url(product)
    entry = {"kind": "pirt", "number": KUBU_RAYA_PIRT, "expires_on": EXPIRES.isoformat()}
    held = text(upload(client, url, **entry))

    response = upload(client, url, content=EXECUTABLE, **entry, **confirmation(held))

    page = text(response)
    assert "Only PDF, JPEG, PNG and WebP files are accepted" in page
    assert "are the code of Kabupaten Kubu Raya" in page
    assert 'id="id_number_confirmed" checked>' in page
    assert not Document.objects.filter(product=product).exists()

    # With a good file it is saved.
    upload(client, url, **entry, **confirmation(page))
    assert Document.objects.get(product=product).number == KUBU_RAYA_PIRT


def test_a_confirmation_does_not_carry_over_to_another_number(client, malang):
    business, owner, product = malang
    sign_in(client, owner, "en")
    url = product_upload_url(product)
    held = text(upload(client, url, kind="pirt", number=KUBU_RAYA_PIRT, expires_on=EXPIRES))

    # The box ticked, and the number changed to another regency's (Kota Kediri's).
    response = upload(
        client, url, kind="pirt", number=KEDIRI_PIRT, expires_on=EXPIRES, **confirmation(held)
    )

    page = text(response)
    assert "(3571) are the code of Kota Kediri (35.71)" in page
    assert 'id="id_number_confirmed">' in page  # asked afresh, not ticked
    assert not Document.objects.filter(product=product).exists()


# NPWP.


def business_data(**overrides):
    return {
        "name": "Keripik Tempe Bu Sri",
        "nib": "9120-0011-2233-4",
        "npwp": "0012345674901000",
        "address": "Jl. Brawijaya 12, Kediri",
        "region": f.region("35.71").pk,
        "size": "micro",
        **overrides,
    }


@LANGUAGES
def test_an_npwp_with_a_wrong_check_digit_is_refused_and_nothing_is_saved(client, language):
    user = f.UserFactory(username="sri")
    sign_in(client, user, language)

    response = client.post(
        reverse("products:business_new"), business_data(npwp="01.234.567.8-901.000")
    )

    assert response.status_code == 200
    assert SAYS[language]["check_digit"] in text(response)
    assert 'aria-invalid="true"' in text(response)
    assert not Business.objects.filter(name="Keripik Tempe Bu Sri").exists()
    assert not Membership.objects.filter(user=user).exists()


@LANGUAGES
def test_an_npwp_document_with_a_wrong_check_digit_is_refused(client, office, language):
    sign_in(client, office.msme, language)
    before = nothing_stored()

    response = upload(
        client,
        reverse("products:business_document_upload", args=[office.business.pk]),
        kind="npwp",
        number="01.234.567.8-901.000",
    )

    assert SAYS[language]["check_digit"] in text(response)
    assert nothing_stored() == before


@LANGUAGES
def test_a_15_digit_npwp_is_accepted_with_advice_to_use_the_16_digits(client, language):
    user = f.UserFactory(username="sri")
    sign_in(client, user, language)

    response = client.post(
        reverse("products:business_new"),
        business_data(npwp="01.234.567.4-901.000"),
        follow=True,
    )

    business = Business.objects.get(name="Keripik Tempe Bu Sri")
    assert business.npwp == "012345674901000"
    page = text(response)
    assert SAYS[language]["advice"] in page
    assert SAYS[language]["advice_16"] in page
    # The business page shows it as printed (registering leads on to the product).
    page = text(client.get(reverse("products:business", args=[business.pk])))
    assert "<dd>01.234.567.4-901.000</dd>" in page


def test_a_16_digit_npwp_gets_no_advice(client):
    user = f.UserFactory(username="sri")
    sign_in(client, user, "en")

    response = client.post(reverse("products:business_new"), business_data(), follow=True)

    assert Business.objects.get(name="Keripik Tempe Bu Sri").npwp == "0012345674901000"
    assert "used until 2023" not in text(response)


def test_an_npwp_document_in_15_digits_is_the_profile_s_16_digit_number(client, office):
    office.business.npwp = "0012345674901000"
    office.business.save(update_fields=["npwp"])
    sign_in(client, office.msme, "en")

    response = upload(
        client,
        reverse("products:business_document_upload", args=[office.business.pk]),
        kind="npwp",
        number="01.234.567.4-901.000",
        follow=True,
    )

    page = text(response)
    assert "is uploaded" in page
    assert "has the 15 digits used until 2023" in page
    assert "not the one in the business profile" not in page
    assert Document.objects.filter(kind__key="npwp", number="01.234.567.4-901.000").exists()


# Numbers as printed, on every page that shows them.


def test_numbers_are_shown_as_printed_whatever_was_typed(client, office):
    office.business.npwp = "012345674901000"
    office.business.save(update_fields=["npwp"])
    Document.objects.filter(kind__key="pirt").delete()
    sign_in(client, office.msme, "en")
    upload(
        client,
        product_upload_url(office.product),
        kind="pirt",
        number="P-IRT No. " + KEDIRI_PIRT.replace("-", ""),
        expires_on=EXPIRES.isoformat(),
    )

    business_page = text(client.get(reverse("products:business", args=[office.business.pk])))
    product_page = text(client.get(reverse("curation:product", args=[office.product.pk])))
    edit_page = text(client.get(reverse("products:business_edit", args=[office.business.pk])))

    assert "<dd>01.234.567.4-901.000</dd>" in business_page
    assert f">{KEDIRI_PIRT}</td>" in product_page
    assert "P-IRT No." not in product_page
    assert 'value="01.234.567.4-901.000"' in edit_page
