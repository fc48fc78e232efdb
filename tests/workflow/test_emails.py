"""The e-mails of each step, as their readers get them: the MSME hears of every step she
cares about (her own ones confirmed) in her language, with what happened and what comes
next; staff hear of their turn; each e-mail links, absolute on SITE_URL, to the exact
page of the reader's next step, and names the site as the settings do (SITE_NAME), never
by the host name of the request that set it off. The actor is told, on the page, what
happened and what comes next rather than the button again.

Every step here is taken through its page, by a browser that reached the site under
another host name."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from certificates.models import Certificate
from certificates.sharing import product_share
from tests import certificate_helpers as h
from tests.factories import add_document, review_all, score_all

SITE = "https://siap.kedirikota.example"
NAME = "Siap Ekspor Kota Kediri"
# The host name a visitor's browser used (a proxy's, a forged Host header): never in an
# e-mail, nor the test client's default.
FOREIGN = "siap-ekspor.attacker.example"
PRODUCT = "Sambal Pecel Bu Rini"
NEXT = {"en": "What comes next: ", "id": "Langkah berikutnya: "}


@pytest.fixture(autouse=True)
def _site(settings, signing_key):
    settings.SIGNING_PKCS12_PATH = signing_key  # certificates are signed as they are issued
    settings.SITE_URL = SITE
    settings.SITE_NAME = NAME
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, FOREIGN]


def speak(language, *users):
    for user in users:
        user.profile.language = language
        user.profile.save(update_fields=["language"])


def scored(office, application):
    score_all(application, office.lead)
    score_all(application, office.curator)


def packaging_failed(office, application):
    review_all(application, office.reviewer, failed=["origin_marking"])


def packaging_passed(office, application):
    review_all(application, office.reviewer)


def new_packaging_photo(office, application):
    add_document(office.business, "packaging_photo", product=office.product, by=office.msme)


def curators(office):
    return {"curators": [office.lead.pk, office.curator.pk], "lead": office.lead.pk}


def page(name):
    """The path of a page of the application, by its URL name."""
    return lambda application: reverse(name, args=[application.pk])


APPLICATION = page("curation:application")


def assign_form(application):
    return reverse("curation:application_transition", args=[application.pk, "assign_curators"])


def certificate_page(application):
    return reverse(
        "certificates:detail", args=[Certificate.objects.get(application=application).pk]
    )


# (transition, from, actor, form data, prepared with,
#  what the MSME's e-mail is titled in English and Indonesian (None: she gets none),
#  the staff (or exporters) told and the page each e-mail opens,
#  how the actor's message after it begins in English and Indonesian)
STEPS = [
    (
        "submit",
        "draft",
        "msme",
        lambda o: {},
        None,
        ("Application received", "Pengajuan diterima"),
        {"coordinator": assign_form},
        (
            f"Your application for {PRODUCT} is submitted. Next, the office assigns curators",
            f"Pengajuan {PRODUCT} Anda sudah terkirim. Selanjutnya, kantor menetapkan kurator",
        ),
    ),
    (
        "assign_curators",
        "submitted",
        "coordinator",
        curators,
        None,
        ("Curators assigned", "Kurator ditetapkan"),
        {"lead": page("curation:scoresheet"), "curator": page("curation:scoresheet")},
        (
            f"The curators of {PRODUCT} are assigned and its scoring round is open.",
            f"Kurator {PRODUCT} sudah ditetapkan dan putaran penilaiannya dibuka.",
        ),
    ),
    (
        "request_revision",
        "in_curation",
        "lead",
        lambda o: {"comment": "Add the lab test report."},
        None,
        ("Revision requested", "Perlu perbaikan"),
        {},
        (
            "The revision request is sent to Sambal Bu Rini. Scoring of",
            "Permintaan perbaikan sudah dikirim ke Sambal Bu Rini. Penilaian",
        ),
    ),
    (
        "resubmit",
        "revision_requested",
        "msme",
        lambda o: {"comment": "The lab test report is uploaded."},
        None,
        ("Answer sent", "Jawaban terkirim"),
        {"lead": page("curation:scoresheet"), "curator": page("curation:scoresheet")},
        (
            f"Your answer is sent to the curators, who now score {PRODUCT} again.",
            f"Jawaban Anda sudah dikirim ke kurator, yang kini menilai {PRODUCT} kembali.",
        ),
    ),
    (
        "pass_curation",
        "in_curation",
        "lead",
        lambda o: {},
        scored,
        (f"{PRODUCT} passed curation", f"{PRODUCT} lulus kurasi"),
        {"reviewer": page("curation:packaging")},
        (
            f"{PRODUCT} passed curation and is now with the packaging reviewers.",
            f"{PRODUCT} lulus kurasi dan kini ditangani peninjau kemasan.",
        ),
    ),
    (
        "request_packaging_changes",
        "packaging_review",
        "reviewer",
        lambda o: {},
        packaging_failed,
        ("Packaging changes needed", "Kemasan perlu diperbaiki"),
        {},
        (
            "The packaging changes are requested from Sambal Bu Rini.",
            "Perubahan kemasan sudah diminta dari Sambal Bu Rini.",
        ),
    ),
    (
        "resubmit_packaging",
        "packaging_revision",
        "msme",
        lambda o: {},
        new_packaging_photo,
        ("Packaging sent for review", "Kemasan dikirim untuk ditinjau"),
        {"reviewer": page("curation:packaging")},
        (
            f"Your new packaging evidence for {PRODUCT} is sent to the packaging reviewer.",
            f"Bukti kemasan baru {PRODUCT} sudah dikirim ke peninjau kemasan.",
        ),
    ),
    (
        "approve_packaging",
        "packaging_review",
        "reviewer",
        lambda o: {},
        packaging_passed,
        ("Packaging approved", "Kemasan disetujui"),
        {"officer": page("curation:certification_review")},
        (
            f"The packaging of {PRODUCT} is approved; the application is now with the "
            "certifying officers.",
            f"Kemasan {PRODUCT} disetujui; pengajuan kini ditangani pejabat sertifikasi.",
        ),
    ),
    (
        "certify",
        "awaiting_certification",
        "officer",
        lambda o: {},
        None,
        (f"{PRODUCT} is certified export ready", f"{PRODUCT} tersertifikasi siap ekspor"),
        {},
        (
            f"{PRODUCT} is certified export ready and its certificate is issued.",
            f"{PRODUCT} tersertifikasi siap ekspor dan sertifikatnya sudah terbit.",
        ),
    ),
    (
        "reject",
        "submitted",
        "coordinator",
        lambda o: {"comment": "Not export ready yet."},
        None,
        ("Application rejected", "Pengajuan ditolak"),
        {},
        (
            f"The application for {PRODUCT} is rejected. The business has been told",
            f"Pengajuan {PRODUCT} ditolak. UMKM sudah diberi tahu",
        ),
    ),
    (
        "withdraw",
        "submitted",
        "msme",
        lambda o: {},
        None,
        None,
        {"coordinator": APPLICATION},
        (
            f"You withdrew the application for {PRODUCT}; nobody works on it any more.",
            f"Anda menarik pengajuan {PRODUCT}; pengajuan ini tidak diproses lagi.",
        ),
    ),
]


def take(client, office, application, name, actor, data):
    """Take the step on its page, as `actor`, from a browser that reached the site under
    another host name; return the messages the page showed after it."""
    client.force_login(office.personas[actor])
    response = client.post(
        reverse("curation:application_transition", args=[application.pk, name]),
        {"state": application.state, **data(office)},
        HTTP_HOST=FOREIGN,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(m) for m in get_messages(response.wsgi_request)]


def the_mail_to(user, about=""):
    (message,) = [m for m in mail.outbox if m.to == [user.email] and about in m.subject]
    return message


def assert_links_to(message, path):
    """The e-mail ends with the page's absolute address on SITE_URL, and names the site as
    the settings do, never by a request's host."""
    assert message.body.endswith(f" {NAME}:\n{SITE}{path}") or message.body.endswith(
        f"{NAME}:\n{SITE}{path}"
    ), message.body
    assert message.subject.startswith(f"[{NAME}] ")
    for host in (FOREIGN, "testserver", "127.0.0.1"):
        assert host not in message.subject + message.body


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize(
    ("name", "source", "actor", "data", "prepare", "msme_subject", "staff", "done"),
    STEPS,
    ids=[step[0] for step in STEPS],
)
def test_each_step_mails_its_readers_a_link_to_their_page_and_tells_the_actor_what_next(
    client,
    office,
    bring_to,
    django_capture_on_commit_callbacks,
    language,
    name,
    source,
    actor,
    data,
    prepare,
    msme_subject,
    staff,
    done,
):
    speak(language, *office.personas.values())
    application = bring_to(source)
    if prepare:
        prepare(office, application)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        shown = take(client, office, application, name, actor, data)

    # The actor: what happened and what comes next, in their language.
    english, indonesian = done
    assert len(shown) == 1 and shown[0].startswith(english if language == "en" else indonesian)
    assert not shown[0].startswith(("Done:", "Selesai:"))
    # The MSME: her e-mail, in her language, opening the application.
    if msme_subject is None:
        assert office.msme.email not in {m.to[0] for m in mail.outbox}
    else:
        message = the_mail_to(office.msme)
        subject = msme_subject[0] if language == "en" else msme_subject[1]
        assert message.subject in (f"[{NAME}] {subject}: {PRODUCT}", f"[{NAME}] {subject}")
        assert NEXT[language] in message.body
        assert_links_to(message, APPLICATION(application))
        for comment in ("Add the lab test report.", "Not export ready yet."):
            if comment in str(data(office)):
                assert comment in message.body
    # The staff whose turn it is: their own page.
    for persona, path in staff.items():
        message = the_mail_to(office.personas[persona])
        assert_links_to(message, path(application))
        client.force_login(office.personas[persona])
        assert client.get(path(application)).status_code == 200
    # And the MSME's link opens for her.
    client.force_login(office.msme)
    assert client.get(APPLICATION(application)).status_code == 200


# Certificates: certified (to the exporters too), revoked, expiring.


@pytest.fixture
def shared(office, bring_to, django_capture_on_commit_callbacks):
    """A certified product the business shares with the office's exporter."""
    certificate = h.certify(
        office, bring_to("awaiting_certification"), django_capture_on_commit_callbacks
    )
    product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    return certificate


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_renewal_s_certification_opens_the_certificate_for_the_exporter(
    client, office, shared, bring_to, django_capture_on_commit_callbacks, language
):
    speak(language, office.exporter, office.msme)
    renewal = bring_to("awaiting_certification")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        take(client, office, renewal, "certify", "officer", lambda o: {})

    exporter = the_mail_to(office.exporter)
    subject = "is certified export ready" if language == "en" else "tersertifikasi siap ekspor"
    assert exporter.subject == f"[{NAME}] {PRODUCT} {subject}"
    assert_links_to(exporter, certificate_page(renewal))
    client.force_login(office.exporter)
    assert client.get(certificate_page(renewal)).status_code == 200
    assert_links_to(the_mail_to(office.msme), APPLICATION(renewal))


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_revocation_tells_the_msme_what_next_and_the_exporter_where_to_look(
    client, office, shared, django_capture_on_commit_callbacks, language
):
    speak(language, office.exporter, office.msme)
    mail.outbox.clear()
    client.force_login(office.officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:revoke", args=[shared.pk]),
            {"reason": "The halal certificate was forged."},
            HTTP_HOST=FOREIGN,
        )

    assert response.status_code == 302
    msme, exporter = the_mail_to(office.msme), the_mail_to(office.exporter)
    revoked = "has been revoked" if language == "en" else "telah dicabut"
    for message in (msme, exporter):
        assert message.subject == f"[{NAME}] " + (
            f"Certificate {shared.number} has been revoked"
            if language == "en"
            else f"Sertifikat {shared.number} telah dicabut"
        )
        assert "The halal certificate was forged." in message.body
        assert revoked in message.subject
    assert NEXT[language] in msme.body
    assert NEXT[language] not in exporter.body
    assert_links_to(msme, APPLICATION(shared.application))
    assert_links_to(exporter, certificate_page(shared.application))


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_certificate_about_to_expire_opens_the_certificate(
    office, shared, django_capture_on_commit_callbacks, language
):
    speak(language, office.msme)
    mail.outbox.clear()
    day = shared.valid_until - timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", f"--today={day.isoformat()}", stdout=None)

    subject = (
        "Certificate expiring" if language == "en" else "Sertifikat akan habis masa berlakunya"
    )
    # (Its documents, issued as long ago, are reminded of too.)
    message = the_mail_to(office.msme, about=subject)
    assert message.subject == f"[{NAME}] {subject}: {PRODUCT}"
    assert_links_to(message, certificate_page(shared.application))


def test_a_curator_added_later_opens_the_scoresheet_and_one_removed_the_dashboard(
    client, office, bring_to, django_capture_on_commit_callbacks
):
    from curation import assignments

    application = bring_to("in_curation")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assignments.application_reassign_curators(
            application=application,
            by=office.coordinator,
            curators=[office.lead, office.spare_curator],
            lead=office.lead,
            comment="The curator is on leave.",
        )

    assert_links_to(the_mail_to(office.spare_curator), page("curation:scoresheet")(application))
    assert_links_to(the_mail_to(office.curator), reverse("curation:home"))


def test_the_in_app_notice_reads_and_links_as_the_e_mail(
    client, office, bring_to, django_capture_on_commit_callbacks
):
    """The notification list shows each reader their own text and page: the MSME her
    confirmation, opening the application; the coordinator the new application, opening
    the form to assign its curators."""
    speak("en", office.msme, office.coordinator)
    application = bring_to("draft")
    with django_capture_on_commit_callbacks(execute=True):
        take(client, office, application, "submit", "msme", lambda o: {})

    for persona, subject, path in [
        ("msme", f"Application received: {PRODUCT}", APPLICATION(application)),
        ("coordinator", f"New application: {PRODUCT}", assign_form(application)),
    ]:
        client.force_login(office.personas[persona])
        listed = client.get(reverse("curation:notifications")).content.decode()
        assert f'<a href="{path}">{subject}</a>' in listed
