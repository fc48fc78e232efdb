"""Offices (issue #10, item 2): an application goes to the office serving its business's
region; a hub office curating another region's product certifies it in its own name and
number series; a region no office serves cannot submit, and the superusers hear of it
once; other offices' staff see nothing more than before."""

import pytest
from django.core import mail
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from curation import services
from curation.models import Notification, Reminder
from curation.office_settings import stage_targets_seed
from curation.selectors import applications_visible_to, get_application_for_user, work_queues
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from offices.models import Office, ServedRegion
from tests import factories as f

pytestmark = pytest.mark.django_db

REFUSAL = (
    "No curation office serves Kabupaten Kubu Raya yet, so the application cannot be submitted"
)


@pytest.fixture
def _no_rendering(settings):
    # The certificate's number and text, not its PDF.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def kediri_office():
    return Office.objects.get(code="35.71")


def product_in(office, code, *, business_name, product_name):
    """A product of a business of region `code`, owned by the office fixture's MSME."""
    business = f.BusinessFactory(name=business_name, region=f.region(code))
    f.make_member(business, office.msme.username)
    product = f.ProductFactory(business=business, name=product_name)
    f.complete_documents(product, by=office.msme)
    return product


def queued(user, application) -> bool:
    return any(application in queue for _role, queue in work_queues(user))


def test_a_submitted_application_goes_to_the_office_serving_its_region(office, bring_to):
    application = office.new_application()
    assert application.office is None  # a draft has no office yet

    bring_to(State.SUBMITTED, application)

    assert application.office == kediri_office()
    assert queued(office.coordinator, application)
    # The other office's coordinator (Blitar) neither has it in a queue nor may open it.
    assert not queued(office.foreign_coordinator, application)
    assert application not in applications_visible_to(office.foreign_coordinator)
    with pytest.raises(Http404):
        get_application_for_user(office.foreign_coordinator, application.pk)


@pytest.mark.usefixtures("_no_rendering")
def test_a_hub_certifies_another_regions_product_in_its_own_name_and_series(office, bring_to):
    hub = kediri_office()
    hub.letterhead = "Jl. Basuki Rahmat 15, Kota Kediri"
    hub.signatory_name, hub.signatory_title = "Endang Susilowati", "Kepala Rumah Kurasi"
    hub.save()
    ServedRegion.objects.create(office=hub, region=f.region("35.18"))  # Kabupaten Nganjuk
    nganjuk = product_in(
        office, "35.18", business_name="Kerupuk Nganjuk", product_name="Kerupuk Bawang"
    )
    first = bring_to(State.CERTIFIED)  # Kota Kediri's own product
    second = bring_to(State.CERTIFIED, office.new_application(nganjuk))

    year = timezone.localdate().year
    certificate = Certificate.objects.get(application=second)
    assert second.office == hub
    assert certificate.office == hub
    assert certificate.number == f"SKE/35.71/{year}/00002"  # the hub's series, after its own
    assert Certificate.objects.get(application=first).number == f"SKE/35.71/{year}/00001"
    assert certificate.region.code == "35.18"
    assert (certificate.office_name, certificate.signatory_name) == (
        "Rumah Kurasi Kota Kediri",
        "Endang Susilowati",
    )
    # A later edit of the office changes nothing issued.
    hub.name = "Rumah Kurasi Kediri Raya"
    hub.save()
    certificate.refresh_from_db()
    assert certificate.issuer_name == "Rumah Kurasi Kota Kediri"


@pytest.mark.usefixtures("_no_rendering")
def test_the_certificate_pdf_and_verification_page_name_the_office(office, bring_to, client):
    from certificates.rendering import render_certificate_html

    application = bring_to(State.CERTIFIED)
    certificate = Certificate.objects.get(application=application)
    html = render_certificate_html(certificate)
    assert "RUMAH KURASI KOTA KEDIRI" in html
    assert "declared export ready by Rumah Kurasi Kota Kediri" in html

    page = client.get(reverse("certificates:verify", args=[certificate.verification_code]))
    assert "Rumah Kurasi Kota Kediri" in page.content.decode()


def test_an_open_application_follows_its_region_to_another_office(office, bring_to):
    application = bring_to(State.SUBMITTED)
    blitar = Office.objects.get(code="35.72")  # the foreign coordinator's office
    ServedRegion.objects.filter(region=f.region("35.71")).update(office=blitar)
    ServedRegion.objects.get(region=f.region("35.71")).save()  # as the admin saves it

    application.refresh_from_db()
    assert application.office == blitar


# A region no office serves.


@pytest.fixture
def kubu_raya(office):
    return product_in(
        office, "61.12", business_name="Anyaman Pandan Sungai Kakap", product_name="Tikar Pandan"
    )


@pytest.fixture
def root(db):
    return in_english(
        f.UserFactory(username="root", is_staff=True, is_superuser=True, email="root@x.test")
    )


def in_english(user):
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    return user


def test_submitting_from_an_unserved_region_is_refused_with_the_reason(office, kubu_raya):
    with pytest.raises(WorkflowError) as refused:
        services.product_submit(product=kubu_raya, by=office.msme)

    [message] = [m for m in refused.value.messages if "Kubu Raya" in m]
    assert message.startswith(REFUSAL)
    assert "Ask the trade and cooperative office (Dinas) of Kabupaten Kubu Raya" in message
    assert not kubu_raya.applications.exclude(state=State.DRAFT).exists()


def test_the_superusers_are_told_once_per_region_until_an_office_serves_it(
    office, root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product = product_in(
            office, "61.12", business_name="Madu Kelulut", product_name="Madu Kelulut 250 g"
        )
    [notice] = Notification.objects.filter(recipient=root, event="region_unserved")
    assert notice.path.startswith("/admin/offices/office/add/")
    assert [m.to for m in mail.outbox] == [["root@x.test"]]
    assert "No office serves Kabupaten Kubu Raya" in mail.outbox[0].subject

    # Again at submission, and for another business there: nothing new.
    with pytest.raises(WorkflowError):
        services.product_submit(product=product, by=office.msme)
    product_in(office, "61.12", business_name="Lada Kubu", product_name="Lada Putih")
    assert Notification.objects.filter(event="region_unserved").count() == 1

    # Served, then left unserved again: told again.
    served = ServedRegion.objects.create(office=kediri_office(), region=f.region("61.12"))
    assert not Reminder.objects.filter(kind=Reminder.Kind.REGION_UNSERVED).exists()
    served.delete()
    product_in(office, "61.12", business_name="Kopi Liberika", product_name="Kopi Liberika")
    assert Notification.objects.filter(event="region_unserved").count() == 2


def test_the_review_page_refuses_and_says_why(office, kubu_raya, client):
    client.force_login(in_english(office.msme))
    url = reverse("curation:product_review", args=[kubu_raya.pk])

    html = client.get(url).content.decode()
    assert REFUSAL in html

    response = client.post(url, {"comment": ""}, follow=True)
    assert REFUSAL in response.content.decode()
    assert not kubu_raya.applications.exclude(state=State.DRAFT).exists()


def test_the_api_refuses_the_submission_with_the_message(office, kubu_raya, client):
    application = office.new_application(kubu_raya)
    client.force_login(in_english(office.msme))

    response = client.post(
        f"/api/applications/{application.pk}/transitions/submit/",
        {"state": State.DRAFT},
        content_type="application/json",
    )

    assert response.status_code in (400, 409), response.content
    assert REFUSAL in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_the_business_pages_tell_the_msme_what_to_do(office, kubu_raya, client):
    client.force_login(in_english(office.msme))
    business = kubu_raya.business

    for url in (
        reverse("products:business", args=[business.pk]),
        reverse("products:business_edit", args=[business.pk]),
    ):
        html = client.get(url).content.decode()
        assert "No curation office serves Kabupaten Kubu Raya yet" in html
        assert "Dinas" in html
        assert "Rumah Kurasi Kota Kediri" in html  # where the regions served are listed

    # A served region's page says nothing of it.
    html = client.get(reverse("products:business", args=[office.business.pk])).content.decode()
    assert "No curation office serves" not in html


@pytest.mark.usefixtures("_no_rendering")
def test_the_api_names_the_office(office, bring_to, client):
    application = bring_to(State.CERTIFIED)
    client.force_login(office.msme)

    [row] = client.get("/api/applications/").json()["results"]
    assert row["office"] == "Rumah Kurasi Kota Kediri"
    detail = client.get(f"/api/applications/{application.pk}/").json()
    assert detail["office"] == "Rumah Kurasi Kota Kediri"
    [certificate] = client.get("/api/certificates/").json()["results"]
    assert certificate["office"] == "Rumah Kurasi Kota Kediri"


def test_the_openapi_schema_has_the_office():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    assert "office" in components["Application"]["properties"]
    assert "office" in components["Certificate"]["properties"]


# The admin.


def test_the_admin_refuses_a_region_another_office_serves(office, root, client):
    client.force_login(root)
    response = client.post(
        reverse("admin:offices_office_add"),
        {
            "name": "Rumah Kurasi Kabupaten Kediri",
            "code": "35.06",
            "home_region": f.region("35.06").pk,
            "served-TOTAL_FORMS": "1",
            "served-INITIAL_FORMS": "0",
            "served-0-region": f.region("35.71").pk,
        },
    )
    assert response.status_code == 200
    assert "Kota Kediri is already served by Rumah Kurasi Kota Kediri" in response.content.decode()
    assert not Office.objects.filter(code="35.06").exists()

    listing = client.get(reverse("admin:offices_office_changelist")).content.decode()
    assert "Rumah Kurasi Kota Kediri" in listing


def test_the_admin_makes_an_office_serving_its_home_region(office, root, client):
    client.force_login(root)
    response = client.post(
        reverse("admin:offices_office_add"),
        {
            "name": "Rumah Kurasi Kabupaten Kubu Raya",
            "code": "61.12",
            "home_region": f.region("61.12").pk,
            "served-TOTAL_FORMS": "0",
            "served-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    office = Office.objects.get(code="61.12")
    assert list(office.served.values_list("region__code", flat=True)) == ["61.12"]


def test_staff_count_in_the_admin_list(office, root, client):
    client.force_login(root)
    html = client.get(reverse("admin:offices_office_changelist")).content.decode()
    # Kota Kediri's office: coordinator, two curators, the spare, reviewer, officer, head.
    assert '<td class="field-staff_count">7</td>' in html


@pytest.mark.usefixtures("_no_rendering")
def test_a_role_in_another_office_still_sees_nothing_of_this_one(office, bring_to):
    application = bring_to(State.AWAITING_CERTIFICATION)
    other = f.UserFactory(
        username="blitar-officer", roles=[Role.CERTIFYING_OFFICER], regions=[f.region("35.72")]
    )
    assert application not in applications_visible_to(other)
    with pytest.raises(WorkflowError):
        services.application_certify(application=application, by=other)


def test_the_admin_shows_an_office_s_targets_and_invitations_read_only(office, root, client):
    kediri = office.coordinator.profile.office
    stage_targets_seed(kediri)
    client.force_login(root)

    html = client.get(reverse("admin:offices_office_change", args=[kediri.pk])).content.decode()

    assert "Stage targets" in html and "Staff invitations" in html
    assert "Rubric and checklist versions" in html
    assert 'name="stage_targets-0-days"' not in html  # shown, changed on the office's pages
