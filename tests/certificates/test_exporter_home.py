"""The exporter's home is what businesses share with it: each product's certificate and
its status today (valid, revoked, expired), the downloads, the exporter's own shipments;
no MSME or staff menus, also for an account the office moved into the exporter group
(which keeps the MSME role it signed up with)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from certificates.sharing import product_share
from curation.models import Profile
from kernel.roles import Role
from kernel.states import State
from products.models import Membership
from tests import certificate_helpers as h
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]

MSME_MENUS = ("My products", "My business", "Applications", "Dashboard")


@pytest.fixture
def certificate(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def shared(office, certificate):
    return product_share(certificate=certificate, by=office.msme, email=office.exporter.email)


def menu(html: str) -> str:
    start = html.index('class="wrap main-nav"')
    return html[start : html.index("</nav>", start)]


def home(client, user):
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/shared/", 302)]
    return response.content.decode()


def test_the_home_shows_the_certificate_its_files_and_the_exporter_s_shipments(
    client, office, certificate, shared, django_capture_on_commit_callbacks
):
    own = h.record(certificate, office.exporter, django_capture_on_commit_callbacks)
    business_own = h.record(
        certificate, office.msme, django_capture_on_commit_callbacks, buyer_name="Direct buyer"
    )

    page = home(client, office.exporter)

    assert "Sambal Pecel Bu Rini" in page and "Sambal Bu Rini" in page
    assert certificate.number in page
    assert '<span class="state state-certified">Valid</span>' in page
    assert f'href="/certificates/{certificate.pk}/download/"' in page
    assert f'href="/certificates/{certificate.pk}/dossier/zip/"' in page
    assert f'href="/verify/{certificate.verification_code}/"' in page
    assert f'href="/shipments/{own.pk}/"' in page and own.number in page
    # The business's own buyers and prices are not the exporter's.
    assert f'href="/shipments/{business_own.pk}/"' not in page
    assert "Direct buyer" not in page
    assert f'href="/certificates/{certificate.pk}/shipments/new/"' in page


def test_a_revoked_certificate_says_so_with_its_reason(client, office, certificate, shared):
    certificate_revoke(certificate=certificate, by=office.officer, reason="Forged P-IRT.")

    page = home(client, office.exporter)

    assert '<span class="state state-revoked">Revoked</span>' in page
    assert "Forged P-IRT." in page
    # No new shipment under a revoked certificate.
    assert f"/certificates/{certificate.pk}/shipments/new/" not in page


def test_an_expired_certificate_says_so(client, office, certificate, shared):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )

    page = home(client, office.exporter)

    assert '<span class="state state-expired">Expired</span>' in page
    assert f"/certificates/{certificate.pk}/shipments/new/" not in page


def test_the_home_in_indonesian(client, office, certificate, shared):
    Profile.objects.filter(user=office.exporter).update(language="id")
    page = home(client, office.exporter)
    assert "Dibagikan kepada saya" in page
    assert "Berlaku sampai" in page
    assert "Pengiriman saya" in page


def test_the_menu_of_an_exporter_has_no_msme_or_staff_pages(client, office, shared):
    nav = menu(home(client, office.exporter))
    assert 'href="/shared/"' in nav
    for label in MSME_MENUS:
        assert f">{label}<" not in nav, label


def test_an_account_the_office_moves_into_the_exporter_group_gets_the_exporter_home(
    client, office, certificate
):
    """It signed up as an MSME (the MSME role stays) and never registered a business: its
    home is what is shared with it, not "first register your business"."""
    buyer = f.UserFactory(username="buyer", email="buyer@example.test", roles=[Role.MSME])
    Profile.objects.filter(user=buyer).update(language="en")
    buyer.groups.add(Group.objects.get_or_create(name=Role.EXPORTER)[0])
    product_share(certificate=certificate, by=office.msme, email=buyer.email)

    page = home(client, buyer)

    assert "Sambal Pecel Bu Rini" in page
    assert "First register your business" not in page
    assert "Register your business" not in page
    for label in MSME_MENUS:
        assert f">{label}<" not in menu(page), label


def test_an_exporter_who_runs_a_business_keeps_both(client, office, shared):
    """A member of a business who is also an exporter: the dashboard of the business, and
    what is shared with them in the menu beside it."""
    Membership.objects.create(
        business=f.BusinessFactory(name="Ayu Trading"), user=office.exporter, role="owner"
    )
    office.exporter.groups.add(Group.objects.get_or_create(name=Role.MSME)[0])
    client.force_login(office.exporter)

    response = client.get("/")

    assert response.status_code == 200
    nav = menu(response.content.decode())
    for label in ("Dashboard", "My products", "Shared with me"):
        assert f">{label}<" in nav, label
