"""The MSME's guided path on a phone, in Indonesian: from the sign-up form to a submitted
application for a food product whose documents are all at hand, counting every form the
browser sends (each POST, page or script): at most ten. Each step is photographed
(test-artifacts/screenshots/guided-*) and its step indicator read. Then on through
curation, packaging, certification and revocation, reading what her application page
says to do next at each state.
"""

import base64
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import translation

from certificates.revocation import certificate_revoke
from curation.models import Application
from curation.next_steps import next_step
from kernel.roles import Role
from kernel.states import State
from products.models import Category, DocumentType, Market
from tests import factories as f
from tests.e2e.conftest import in_thread
from tests.e2e.test_full_flow import pdf_bytes, png_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "siti@sambal.example.test"
PASSWORD = "Sambal-Pecel-2026!"
PHONE = 360


def test_from_sign_up_to_submitted_in_at_most_ten_forms_then_to_revocation(
    site, new_context, shoot
):
    kediri = f.region("35.71")
    f.office_for(kediri)  # the office her application goes to
    page = new_context(width=PHONE, height=780, locale="id-ID").new_page()
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    def snap(name):
        shoot(page, f"guided-{name}")
        page.set_viewport_size({"width": PHONE, "height": 780})

    def step_says(text):
        where = page.locator("nav.steps .steps-where").inner_text()
        assert where.startswith(text), where

    def send(button_name):
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name=button_name).click()

    # 1. The account: name, WhatsApp number and language with the e-mail and password.
    page.goto("/accounts/signup/")
    step_says("Langkah 1 dari 5: Akun Anda")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=full_name]", "Siti Rahmawati")
    page.fill("input[name=phone]", "0812 3456 7890")
    page.select_option("main select[name=language]", "id")
    snap("1-sign-up")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/accounts/login/" in page.url:
        page.fill("input[name=login]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()

    # 2. The business: a new account is sent there.
    page.goto("/")
    assert page.url.endswith("/products/business/new/"), page.url
    step_says("Langkah 2 dari 5: Usaha Anda")
    page.fill("input[name=name]", "Sambal Bu Siti")
    page.fill("input[name=nib]", f.VALID_NUMBERS["nib"])
    page.fill("input[name=npwp]", f.VALID_NUMBERS["npwp"])
    page.fill("textarea[name=address]", "Jl. Brawijaya 12, Kota Kediri")
    page.select_option("select[name=region]", str(kediri.pk))
    page.select_option("select[name=size]", "micro")
    snap("2-business")
    send("Daftarkan usaha")

    # 3. The product, straight after: a food, whose fields follow the category (htmx).
    assert page.url.endswith("/products/new/"), page.url
    step_says("Langkah 3 dari 5: Produk Anda")
    page.fill("input[name=name]", "Sambal Pecel Bu Siti")
    food = Category.objects.get(key="sauces_condiments")
    page.select_option("select[name=category]", str(food.pk))
    page.wait_for_selector("input[name=shelf_life_days]")
    page.fill("textarea[name=description]", "Sambal kacang untuk pecel, pasta kering dalam toples.")
    page.fill("input[name=hs_code]", "2103.90.90")
    page.fill("textarea[name=materials]", "Kacang tanah, cabai, gula merah, bawang putih, garam")
    page.fill("input[name=shelf_life_days]", "180")
    page.fill("input[name=monthly_capacity]", "2000")
    page.fill("input[name=capacity_unit]", "toples")
    page.fill("input[name=fob_price]", "2.40")
    page.select_option("select[name=fob_currency]", "USD")
    for key in ("my", "sg"):
        page.check(f"input[name=target_markets][value='{Market.objects.get(key=key).pk}']")
    snap("3-product")
    send("Simpan produk")

    # 4. Every document on one page: NIB and NPWP numbers come from the business; the
    # files go in one request, each with its own progress bar.
    assert re.search(r"/products/\d+/documents/$", page.url), page.url
    step_says("Langkah 4 dari 5: Dokumen")
    main = page.locator("main")
    assert main.locator("input[name=nib-number], input[name=npwp-number]").count() == 0
    assert f.VALID_NUMBERS["nib"] in re.sub(r"\D", "", main.locator("#doc-nib").inner_text())

    def files(input_name, *named):
        page.set_input_files(
            f"input[name={input_name}-files]",
            files=[{"name": n, "mimeType": m, "buffer": b} for n, m, b in named],
        )

    files("nib", ("nib.pdf", "application/pdf", pdf_bytes()))
    files("npwp", ("npwp.pdf", "application/pdf", pdf_bytes()))
    page.check(f"#doc-bpom_md input[type=radio][value='{DocumentType.objects.get(key='pirt').pk}']")
    page.fill("input[name=bpom_md-number]", f.VALID_NUMBERS["pirt"])
    page.fill("input[name=bpom_md-issued_on]", (date.today() - timedelta(days=30)).isoformat())
    pirt_year = 2000 + int(f.VALID_NUMBERS["pirt"][-2:])
    page.fill("input[name=bpom_md-expires_on]", date(pirt_year, 6, 30).isoformat())
    files("bpom_md", ("pirt.pdf", "application/pdf", pdf_bytes()))
    page.fill("input[name=halal-number]", f.VALID_NUMBERS["halal"])
    files("halal", ("halal.pdf", "application/pdf", pdf_bytes()))
    files(
        "product_photo",
        ("depan.png", "image/png", png_bytes((180, 60, 30))),
        ("belakang.png", "image/png", png_bytes((160, 80, 30))),
    )
    # The packaging photo is dropped on its box, as from a computer's file manager.
    page.evaluate(
        """([data]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "label.png", {type: "image/png"}));
            const zone = document.querySelector("#doc-packaging_photo [data-drop-zone]");
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
        }""",
        [base64.b64encode(png_bytes((30, 120, 60))).decode()],
    )
    assert main.locator("#doc-product_photo .file-list progress").count() == 2
    assert main.locator("#doc-packaging_photo .file-list li").inner_text().startswith("label.png")
    snap("4-documents")
    main.get_by_role("button", name="Unggah berkas yang dipilih").click()
    # The answer replaces the page: the review, once every document is in.
    page.wait_for_url(re.compile(r"/products/\d+/review/$"))
    page.locator("main h1", has_text="Periksa dan ajukan").wait_for()

    # 5. The review: everything in one page, the optional note, one button.
    step_says("Langkah 5 dari 5: Periksa dan ajukan")
    assert "7 berkas diunggah" in main.locator(".messages").inner_text()
    assert main.locator("#blocked-submit").count() == 0
    page.fill("textarea[name=comment]", "Ukuran toples baru 250 g.")
    snap("5-review")
    send("Ajukan kurasi")

    application = Application.objects.get(product__name="Sambal Pecel Bu Siti")
    assert application.state == State.SUBMITTED
    assert "telah diajukan untuk kurasi" in main.locator(".messages").inner_text()
    snap("6-submitted")

    # Her name greets her, and the account page keeps what she gave at sign-up.
    page.goto("/")
    assert "Siti Rahmawati" in page.locator("main h1").inner_text()
    page.goto("/account/")
    assert page.input_value("input[name=full_name]") == "Siti Rahmawati"
    assert page.input_value("input[name=phone]") == "+6281234567890"
    snap("7-account")

    sent = [url for url in posts if url.startswith(site.url)]
    assert len(sent) <= 10, "\n".join(sent)

    # 6. Then through curation, packaging, certification and revocation, the office's steps
    # taken by its staff (the services they use), while she reads her application page on
    # the phone: at each state it says what happens now and what she is to do, as
    # curation.next_steps words it (every state and case is checked word for word by
    # tests/workflow/test_next_steps.py).
    msme = application.created_by
    office = SimpleNamespace(
        msme=msme,
        coordinator=f.UserFactory(username="hendra", roles=[Role.COORDINATOR], regions=[kediri]),
        lead=f.UserFactory(username="ratna", roles=[Role.CURATOR], regions=[kediri]),
        curator=f.UserFactory(username="bayu", roles=[Role.CURATOR], regions=[kediri]),
        reviewer=f.UserFactory(username="dewi", roles=[Role.PACKAGING_REVIEWER], regions=[kediri]),
        officer=f.UserFactory(username="agus", roles=[Role.CERTIFYING_OFFICER], regions=[kediri]),
    )
    said = {}

    def next_step_reads(state_name):
        application.refresh_from_db()
        page.goto(f"/applications/{application.pk}/")
        box = page.locator("#next-step")
        with translation.override("id"):
            expected = next_step(application, msme)
        text = " ".join(box.inner_text().split())
        assert " ".join(expected.text.split()) in text, (state_name, text)
        if expected.action:
            assert box.get_by_role("link", name=expected.action.label).count() == 1
        said[state_name] = expected.text
        snap(f"8-{state_name}")
        return text

    next_step_reads("submitted")
    for step in ("assign_curators",):
        f.take_step(office, application, step)
    assert "kurator" in next_step_reads("in_curation")
    for step in ("score", "pass_curation"):
        f.take_step(office, application, step)
    assert "kemasan" in next_step_reads("packaging_review")
    f.take_step(office, application, "approve_packaging")
    next_step_reads("awaiting_certification")
    # Certifying signs the PDF with pyHanko's own event loop: not in this thread, where
    # Playwright's runs.
    in_thread(f.take_step, office, application, "certify")
    application.certificate.refresh_from_db()
    assert application.certificate.is_ready  # signed and stored, not failed
    next_step_reads("certified")
    in_thread(
        certificate_revoke,
        certificate=application.certificate,
        by=office.officer,
        reason="Izin edar P-IRT dicabut oleh Dinas Kesehatan.",
    )
    revoked = next_step_reads("revoked")
    assert "Izin edar P-IRT dicabut oleh Dinas Kesehatan." in revoked
    # The badge no longer says certified once the certificate is revoked.
    badge = page.locator("main h1 .state").inner_text()
    assert badge != State.CERTIFIED.label and "Tersertifikasi" not in badge
    # Each state said something of its own.
    assert len(set(said.values())) == len(said), said
    assert not shoot.problems, "\n".join(shoot.problems)
