"""Referring a business to coaching from its application: who may, when, what the
business is told and sees, and who may say it attended."""

import pytest
from django.core import mail
from django.urls import reverse

from coaching.models import Referral
from coaching.permissions import can_refer
from coaching.services import referral_create
from curation import services
from curation.models import Application, Notification
from kernel.errors import WorkflowError
from tests import factories as f
from tests.coaching.helpers import open_programme, scored


def refer_page(application):
    return reverse("coaching:refer", args=[application.pk])


def refer(client, user, application, programme, note="Take the packaging sessions.", **extra):
    client.force_login(user)
    return client.post(refer_page(application), {"programme": programme.pk, "note": note, **extra})


def test_the_lead_refers_and_the_programmes_low_criteria_are_named(
    client, office, programme, rejected
):
    response = refer(client, office.lead, rejected, programme)

    assert response.status_code == 302
    assert response["Location"].endswith(f"/applications/{rejected.pk}/#coaching")
    referral = Referral.objects.get()
    assert referral.application == rejected
    assert referral.business == office.business
    assert referral.referred_by == office.lead
    # The programme addresses legality too, but the application scored 4 there.
    assert referral.criteria == ["packaging_labeling", "market_digital"]
    assert referral.note == "Take the packaging sessions."


def test_the_criteria_ticked_are_kept_where_the_programme_addresses_them(
    client, office, programme, rejected
):
    refer(
        client,
        office.lead,
        rejected,
        programme,
        criteria=["market_digital", "price_competitiveness"],
    )

    assert Referral.objects.get().criteria == ["market_digital"]


def test_the_coordinator_refers_after_a_revision_request(client, office, programme):
    application = scored(office, office.new_application(), {"packaging_labeling": 2})
    services.application_request_revision(
        application=application, by=office.lead, message="Improve the label."
    )

    response = refer(client, office.coordinator, application, programme)

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.referred_by == office.coordinator
    assert referral.criteria == ["packaging_labeling"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("curator", 403),  # assigned, but not the lead
        ("spare_curator", 404),  # not assigned: does not see the application
        ("foreign_coordinator", 404),  # another region's coordinator
        ("msme", 403),
        ("reviewer", 403),
        ("other_msme", 404),
    ],
)
def test_nobody_else_refers(client, office, programme, rejected, persona, status):
    assert client.get(refer_page(rejected)).status_code == 302  # anonymous: sign in

    response = refer(client, office.personas[persona], rejected, programme)

    assert response.status_code == status
    assert not Referral.objects.exists()
    assert not Notification.objects.filter(event="coaching_referral").exists()


def test_no_referral_while_the_curators_are_still_scoring(client, office, programme):
    application = f.bring_to(office, "in_curation")

    response = refer(client, office.lead, application, programme)

    assert response.status_code == 403
    # Pages speak the user's language (Indonesian unless they chose otherwise).
    assert (
        "setelah permintaan perbaikan, penolakan, atau nilai C atau D" in response.content.decode()
    )
    assert not Referral.objects.exists()


def test_only_an_open_programme_of_the_serving_office_is_offered(client, office, rejected):
    blitar_coordinator = office.foreign_coordinator
    elsewhere = open_programme(office, name="Kelas Ekspor Blitar")
    elsewhere.office = blitar_coordinator.profile.office
    elsewhere.save()

    with pytest.raises(WorkflowError):
        referral_create(application=rejected, programme=elsewhere, by=office.lead, note="Go.")

    client.force_login(office.lead)
    page = client.get(refer_page(rejected)).content.decode()
    assert "belum punya program pendampingan yang dibuka" in page
    assert "Kelas Ekspor Blitar" not in page


def test_the_business_is_told_in_its_language_with_a_link_to_the_referral(
    client, office, programme, rejected, django_capture_on_commit_callbacks
):
    office.msme.profile.language = "id"
    office.msme.profile.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refer(client, office.lead, rejected, programme, note="Ikuti sesi label dwibahasa.")

    notice = Notification.objects.get(event="coaching_referral", recipient=office.msme)
    assert notice.path == f"/applications/{rejected.pk}/#coaching"
    [email] = [m for m in mail.outbox if office.msme.email in m.to]
    assert "Pendampingan untuk Sambal Pecel Bu Rini: Pendampingan Kemasan Ekspor" in email.subject
    assert "Kemasan dan label, Kesiapan pasar dan digital" in email.body
    assert "Ikuti sesi label dwibahasa." in email.body
    assert f"/applications/{rejected.pk}/#coaching" in email.body
    # Staff are not told: the lead acted, and the business is the one to act on it.
    assert not Notification.objects.filter(event="coaching_referral", recipient=office.lead)


def test_a_business_that_reads_english_is_told_in_english(
    client, office, programme, rejected, django_capture_on_commit_callbacks
):
    office.msme.profile.language = "en"
    office.msme.profile.save()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refer(client, office.lead, rejected, programme)

    [email] = [m for m in mail.outbox if office.msme.email in m.to]
    assert "Coaching for Sambal Pecel Bu Rini: Pendampingan Kemasan Ekspor" in email.subject
    assert "to improve: Packaging and labelling, Market and digital readiness" in email.body


def test_the_business_sees_the_referral_and_its_next_step(client, office, programme, rejected):
    refer(client, office.lead, rejected, programme, note="Take the packaging sessions.")

    client.force_login(office.msme)
    page = client.get(reverse("curation:application", args=[rejected.pk])).content.decode()

    assert 'id="coaching"' in page
    assert "Pendampingan Kemasan Ekspor" in page
    assert "Kemasan dan label, Kesiapan pasar dan digital" in page
    assert "Take the packaging sessions." in page
    assert "Kantor merujuk Anda ke pendampingan" in page
    assert f'href="/applications/{rejected.pk}/#coaching">Lihat program pendampingan' in page
    assert "Kami sudah mengikuti program ini" in page


def test_a_staff_page_offers_the_referral_to_the_lead_only(client, office, programme, rejected):
    url = reverse("curation:application", args=[rejected.pk])
    client.force_login(office.lead)
    assert refer_page(rejected) in client.get(url).content.decode()
    client.force_login(office.curator)
    assert refer_page(rejected) not in client.get(url).content.decode()


def attend(client, user, referral):
    client.force_login(user)
    return client.post(reverse("coaching:attended", args=[referral.pk]))


@pytest.fixture
def referral(office, programme, rejected):
    return referral_create(application=rejected, programme=programme, by=office.lead, note="Go.")


def test_a_member_of_the_business_says_it_attended(client, office, referral):
    response = attend(client, office.msme, referral)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.attended_at is not None
    assert referral.attendance_declared_by == office.msme
    # Said once: the next step no longer points at the programme, the button is gone.
    page = client.get(reverse("curation:application", args=[referral.application_id]))
    assert "Kami sudah mengikuti program ini" not in page.content.decode()
    assert "Lihat program pendampingan" not in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("lead", 403), ("coordinator", 403), ("other_msme", 404), ("outsider", 404)],
)
def test_nobody_else_says_the_business_attended(client, office, referral, persona, status):
    assert attend(client, office.personas[persona], referral).status_code == status
    referral.refresh_from_db()
    assert referral.attended_at is None


def test_attending_is_a_post(client, office, referral):
    client.force_login(office.msme)
    assert client.get(reverse("coaching:attended", args=[referral.pk])).status_code == 405


def test_a_second_referral_to_the_same_programme_is_refused(office, programme, referral):
    with pytest.raises(WorkflowError, match="already referred"):
        referral_create(
            application=referral.application, programme=programme, by=office.lead, note="Again."
        )
    assert Referral.objects.count() == 1


def test_a_rejection_before_curation_names_the_programmes_criteria(office, programme):
    application = f.bring_to(office, "rejected")  # the coordinator rejected it unscored

    referral = referral_create(
        application=application, programme=programme, by=office.coordinator, note="Go."
    )

    assert referral.criteria == programme.criteria


@pytest.mark.parametrize(("grade", "may"), [("C", True), ("D", True), ("B", False)])
def test_a_passed_result_graded_c_or_d_may_be_referred(office, grade, may):
    # A rubric whose pass mark lets a C through: the grade still says "needs coaching".
    application = f.bring_to(office, "packaging_review")
    Application.objects.filter(pk=application.pk).update(grade=grade)
    application.refresh_from_db()

    assert can_refer.test(office.lead, application) is may
    assert can_refer.test(office.coordinator, application) is may
