"""Sharing a certified product with exporters: by e-mail address, seen under "Shared with
me", its certificate and dossier downloadable, shipments recordable; stopping ends access
on the next request. The business is answered the same whether or not an exporter account
uses the address: a share to an address without one waits, pending, until an exporter
signs in with it verified (an address without any account is invited to open one:
test_exporter_invitation.py). Linked exporters hear of certification and revocation; the
business's members get an in-app notice of a revocation too."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth.models import Group
from django.core import mail

from certificates.models import ProductShare
from certificates.revocation import certificate_revoke
from certificates.sharing import product_share, product_share_stop
from certificates.shipments import shipment_create
from curation.models import Notification
from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from products.models import Market
from tests import certificate_helpers as h
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_english")]


@pytest.fixture
def certificate(office, bring_to, django_capture_on_commit_callbacks):
    application = bring_to(State.AWAITING_CERTIFICATION)
    certificate = h.certify(office, application, django_capture_on_commit_callbacks)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def shared(office, certificate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return product_share(certificate=certificate, by=office.msme, email=office.exporter.email)


def exporter_urls(certificate):
    return [
        f"/certificates/{certificate.pk}/",
        f"/certificates/{certificate.pk}/download/",
        f"/certificates/{certificate.pk}/dossier/specification/",
        f"/certificates/{certificate.pk}/dossier/checklist/",
        f"/certificates/{certificate.pk}/dossier/zip/",
        f"/certificates/{certificate.pk}/shipments/new/",
    ]


def statuses(client, user, urls):
    client.force_login(user)
    return [client.get(url).status_code for url in urls]


def test_the_business_shares_with_an_exporter_account(office, certificate, shared):
    assert (shared.product, shared.exporter, shared.shared_by) == (
        office.product,
        office.exporter,
        office.msme,
    )
    assert shared.is_active
    # The exporter is told, in the app and by e-mail.
    notice = Notification.objects.get(recipient=office.exporter, event="product_shared")
    assert notice.application == certificate.application
    (message,) = [m for m in mail.outbox if office.exporter.email in m.to]
    assert "Sambal Bu Rini shared Sambal Pecel Bu Rini with you" in message.subject


def test_the_address_is_matched_without_case_or_spaces(office, certificate):
    share = product_share(
        certificate=certificate, by=office.msme, email=f"  {office.exporter.email.upper()} "
    )
    assert (share.exporter, share.email) == (office.exporter, office.exporter.email)


@pytest.mark.parametrize(
    ("email", "invited"),
    [
        ("nobody@example.test", True),
        ("outsider@example.test", False),
        ("curator@example.test", False),
    ],
)
def test_an_address_without_an_exporter_account_gets_a_pending_share(
    office, certificate, email, invited, django_capture_on_commit_callbacks
):
    """No account, an account without the exporter role: the share is recorded all the
    same, for the address, and gives nobody anything until an exporter claims it. An
    address without an account is sent an invitation to open one
    (test_exporter_invitation.py); an account's address is sent nothing."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        share = product_share(certificate=certificate, by=office.msme, email=email)

    share.refresh_from_db()
    assert (share.product, share.email, share.exporter, share.shared_by) == (
        office.product,
        email,
        None,
        office.msme,
    )
    assert share.is_active and share.is_pending
    assert not Notification.objects.filter(event="product_shared").exists()
    assert [(m.to, "/shared/invitation/" in m.body) for m in mail.outbox] == (
        [([email], True)] if invited else []
    )


def test_sharing_twice_is_refused(office, certificate, shared):
    with pytest.raises(WorkflowError, match="already shared"):
        product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    assert ProductShare.objects.count() == 1


def test_sharing_a_pending_address_twice_is_refused_the_same_way(office, certificate, shared):
    product_share(certificate=certificate, by=office.msme, email="nobody@example.test")
    refusals = []
    for email in ("NoBody@example.test", office.exporter.email.upper()):
        with pytest.raises(WorkflowError) as refused:
            product_share(certificate=certificate, by=office.msme, email=email)
        refusals.append(refused.value.messages)
    assert refusals == [
        ["Sambal Pecel Bu Rini is already shared with nobody@example.test."],
        [f"Sambal Pecel Bu Rini is already shared with {office.exporter.email}."],
    ]
    assert ProductShare.objects.count() == 2


@pytest.mark.parametrize(
    "persona", ["other_msme", "officer", "coordinator", "exporter", "outsider"]
)
def test_only_the_business_shares(office, certificate, persona):
    with pytest.raises(WorkflowError, match="Only a member"):
        product_share(
            certificate=certificate, by=office.personas[persona], email=office.exporter.email
        )
    assert not ProductShare.objects.exists()


def test_a_revoked_certificate_is_not_shared(office, certificate):
    certificate_revoke(certificate=certificate, by=office.officer, reason="Forged permit.")
    certificate.refresh_from_db()
    with pytest.raises(WorkflowError, match="is revoked"):
        product_share(certificate=certificate, by=office.msme, email=office.exporter.email)


# What the exporter sees.


def test_the_exporter_sees_and_downloads_what_is_shared(client, office, certificate, shared):
    client.force_login(office.exporter)
    page = client.get("/shared/").content.decode()
    assert "Sambal Pecel Bu Rini" in page
    assert certificate.number in page
    assert f"/certificates/{certificate.pk}/" in page

    assert statuses(client, office.exporter, exporter_urls(certificate)) == [200] * 6
    response = client.get(f"/certificates/{certificate.pk}/download/")
    assert b"".join(response.streaming_content) == h.pdf_bytes(certificate)
    # Not the application itself: curation scores and comments are not the exporter's.
    assert client.get(f"/applications/{certificate.application_id}/").status_code == 404
    page = client.get(f"/certificates/{certificate.pk}/").content.decode()
    assert "Stop sharing" not in page and "/share/" not in page


def test_the_exporter_records_a_shipment(
    client, office, certificate, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shipment = shipment_create(
            certificate=certificate,
            by=office.exporter,
            buyer_name="Nagoya Trading",
            buyer_address="Nagoya",
            buyer_country="Japan",
            market=Market.objects.get(key="jp"),
            incoterm="CIF",
            port_of_loading="Tanjung Perak",
            port_of_discharge="Nagoya",
            currency="JPY",
            lines=[{"description": "Sambal", "quantity": "10", "unit": "jar", "unit_price": "350"}],
            cartons=[{"net_kg": "2.5", "gross_kg": "3"}],
        )
    # The business sees it; the exporter sees its own, and not the business's others.
    own = shipment_create(
        certificate=certificate,
        by=office.msme,
        buyer_name="Direct buyer",
        buyer_address="Osaka",
        buyer_country="Japan",
        market=Market.objects.get(key="jp"),
        incoterm="FOB",
        port_of_loading="Tanjung Perak",
        port_of_discharge="Osaka",
        currency="USD",
        lines=[{"description": "Sambal", "quantity": "1", "unit": "jar", "unit_price": "2"}],
        cartons=[{"net_kg": "1", "gross_kg": "1.2"}],
    )
    assert statuses(
        client, office.msme, [f"/shipments/{shipment.pk}/", f"/shipments/{own.pk}/"]
    ) == [200, 200]
    assert statuses(
        client, office.exporter, [f"/shipments/{shipment.pk}/", f"/shipments/{own.pk}/"]
    ) == [200, 404]
    page = client.get(f"/certificates/{certificate.pk}/").content.decode()
    assert "Nagoya Trading" in page and "Direct buyer" not in page


def test_stopping_ends_access_on_the_next_request(client, office, certificate, shared):
    urls = exporter_urls(certificate)
    assert statuses(client, office.exporter, urls) == [200] * 6

    product_share_stop(share=shared, by=office.msme)

    assert statuses(client, office.exporter, urls) == [404] * 6
    assert "Sambal Pecel Bu Rini" not in client.get("/shared/").content.decode()
    shared.refresh_from_db()
    # The share stays on record: who shared, who stopped, when.
    assert (shared.stopped_by, shared.is_active) == (office.msme, False)
    with pytest.raises(WorkflowError):
        shipment_create(
            certificate=certificate,
            by=office.exporter,
            buyer_name="x",
            buyer_address="x",
            buyer_country="x",
            market=Market.objects.get(key="jp"),
            incoterm="FOB",
            port_of_loading="x",
            port_of_discharge="x",
            currency="USD",
            lines=[{"description": "x", "quantity": "1", "unit": "jar", "unit_price": "1"}],
            cartons=[{"net_kg": "1", "gross_kg": "1"}],
        )
    # And it may be shared again.
    again = product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    assert again.pk != shared.pk
    assert statuses(client, office.exporter, urls[:1]) == [200]


def test_an_exporter_who_loses_the_role_loses_access(client, office, certificate, shared):
    office.exporter.groups.remove(Group.objects.get(name=Role.EXPORTER))
    assert statuses(client, office.exporter, exporter_urls(certificate)) == [404] * 6
    assert client.get("/shared/").status_code == 403


def test_another_exporter_and_outsiders_get_404(client, office, certificate, shared):
    other = f.UserFactory(username="other-exporter", roles=[Role.EXPORTER])
    urls = exporter_urls(certificate)
    assert statuses(client, other, urls) == [404] * 6
    assert "Sambal Pecel Bu Rini" not in client.get("/shared/").content.decode()
    for persona in ("other_msme", "outsider", "foreign_coordinator"):
        assert statuses(client, office.personas[persona], urls) == [404] * 6


def test_shared_with_me_is_for_exporters(client, office):
    for persona in ("msme", "officer", "outsider"):
        client.force_login(office.personas[persona])
        assert client.get("/shared/").status_code == 403
    client.logout()
    assert client.get("/shared/").status_code == 302


# The pages of the business.


def test_the_business_shares_and_stops_from_the_application_page(
    client, office, certificate, django_capture_on_commit_callbacks
):
    client.force_login(office.msme)
    back = f"/applications/{certificate.application_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/certificates/{certificate.pk}/share/",
            {"email": office.exporter.email, "next": back},
        )
    assert response.status_code == 302 and response["Location"] == back
    share = ProductShare.objects.get()
    page = client.get(back).content.decode()
    assert office.exporter.email in page
    assert f"/certificates/{certificate.pk}/share/{share.pk}/stop/" in page

    response = client.post(
        f"/certificates/{certificate.pk}/share/{share.pk}/stop/", {"next": "https://evil.test/"}
    )
    assert response["Location"] == f"/certificates/{certificate.pk}/"  # never another site
    share.refresh_from_db()
    assert not share.is_active


def share_row(html: str, share) -> str:
    """The business's list row of one share, with its address and id made neutral."""
    stop = re.escape(f"/share/{share.pk}/stop/")
    (row,) = re.findall(rf"<li>(?:(?!</li>).)*?{stop}.*?</li>", html, re.S)
    row = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", row)
    return row.replace(share.email, "ADDRESS").replace(f"/share/{share.pk}/", "/share/ID/")


def test_the_business_gets_the_same_answer_whether_or_not_an_account_uses_the_address(
    client, office, certificate, django_capture_on_commit_callbacks
):
    office.exporter.last_name = "Watanabe"
    office.exporter.save(update_fields=["last_name"])
    mail.outbox.clear()
    client.force_login(office.msme)
    back = f"/applications/{certificate.application_id}/"
    answers = {}
    for email in (office.exporter.email, "nobody@example.test"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/certificates/{certificate.pk}/share/", {"email": email, "next": back}
            )
        assert (response.status_code, response["Location"]) == (302, back)
        page = client.get(back)
        share = ProductShare.objects.get(email=email)
        answers[email] = (
            [str(m).replace(email, "ADDRESS") for m in page.context["messages"]],
            share_row(page.content.decode(), share),
        )

    assert answers[office.exporter.email] == answers["nobody@example.test"]
    messages, row = answers["nobody@example.test"]
    assert messages == ["Sambal Pecel Bu Rini is now shared with ADDRESS."]
    assert "ADDRESS" in row and "Stop sharing" in row
    # The account behind the address is not named: only the address is shown.
    page = client.get(back).content.decode()
    assert "Watanabe" not in page
    # The exporter with an account was told; the address without one was invited to open
    # one (neither is anything the business sees).
    told = {address: "/shared/invitation/" in m.body for m in mail.outbox for address in m.to}
    assert told == {office.exporter.email: False, "nobody@example.test": True}


# Pending shares find their exporter.


def verified(user, email=None):
    primary = not EmailAddress.objects.filter(user=user).exists()
    EmailAddress.objects.create(
        user=user, email=email or user.email, verified=True, primary=primary
    )
    return user


def test_a_pending_share_is_claimed_when_the_exporter_signs_in(client, office, certificate):
    share = product_share(certificate=certificate, by=office.msme, email="ayu@trading.test")
    stopped = product_share(certificate=certificate, by=office.msme, email="old@trading.test")
    product_share_stop(share=stopped, by=office.msme)
    # The office opens an exporter account for the address later; until its holder signs
    # in, nothing is theirs.
    exporter = f.UserFactory(username="ayu", email="Ayu@Trading.test", roles=[Role.EXPORTER])
    verified(exporter)
    verified(exporter, "old@trading.test")
    share.refresh_from_db()
    assert share.exporter is None
    mail.outbox.clear()

    assert statuses(client, exporter, exporter_urls(certificate)) == [200] * 6

    share.refresh_from_db()
    stopped.refresh_from_db()
    assert (share.exporter, share.is_active) == (exporter, True)
    assert stopped.exporter is None  # a stopped share is not handed over
    assert "Sambal Pecel Bu Rini" in client.get("/shared/").content.decode()
    notice = Notification.objects.get(recipient=exporter, event="product_shared")
    assert notice.application == certificate.application
    assert mail.outbox == []  # in the app only: they are signed in
    # Signing in again claims nothing twice.
    client.force_login(exporter)
    assert ProductShare.objects.filter(exporter=exporter).count() == 1


def test_a_pending_share_is_claimed_when_the_exporter_verifies_the_address(
    client, office, certificate
):
    share = product_share(certificate=certificate, by=office.msme, email="second@trading.test")
    address = EmailAddress.objects.create(
        user=office.exporter, email="second@trading.test", verified=False
    )
    client.force_login(office.exporter)
    share.refresh_from_db()
    assert share.exporter is None  # an address not verified proves nothing

    key = EmailConfirmationHMAC(address).key
    client.post(f"/accounts/confirm-email/{key}/")

    address.refresh_from_db()
    share.refresh_from_db()
    assert address.verified
    assert share.exporter == office.exporter
    assert client.get(f"/certificates/{certificate.pk}/").status_code == 200


def test_an_account_without_the_exporter_role_does_not_get_the_share(client, office, certificate):
    share = product_share(certificate=certificate, by=office.msme, email=office.outsider.email)
    verified(office.outsider)

    assert statuses(client, office.outsider, exporter_urls(certificate)) == [404] * 6
    share.refresh_from_db()
    assert share.exporter is None
    # Once the office makes them an exporter, their next sign-in claims it.
    office.outsider.groups.add(Group.objects.get(name=Role.EXPORTER))
    assert statuses(client, office.outsider, exporter_urls(certificate)) == [200] * 6
    share.refresh_from_db()
    assert share.exporter == office.outsider


def test_a_stopped_pending_share_is_never_claimed(client, office, certificate):
    share = product_share(certificate=certificate, by=office.msme, email="late@trading.test")
    client.force_login(office.msme)
    client.post(f"/certificates/{certificate.pk}/share/{share.pk}/stop/")
    share.refresh_from_db()
    assert not share.is_active

    exporter = verified(
        f.UserFactory(username="late", email="late@trading.test", roles=[Role.EXPORTER])
    )
    assert statuses(client, exporter, exporter_urls(certificate)) == [404] * 6
    share.refresh_from_db()
    assert share.exporter is None


def test_others_cannot_share_or_stop(client, office, certificate, shared):
    for persona in ("other_msme", "outsider"):
        client.force_login(office.personas[persona])
        assert (
            client.post(f"/certificates/{certificate.pk}/share/", {"email": "x@y.z"}).status_code
            == 404
        )
        stop = f"/certificates/{certificate.pk}/share/{shared.pk}/stop/"
        assert client.post(stop).status_code == 404
    # The exporter sees the certificate but may not stop (or start) shares.
    client.force_login(office.exporter)
    client.post(f"/certificates/{certificate.pk}/share/{shared.pk}/stop/")
    shared.refresh_from_db()
    assert shared.is_active
    assert client.get(f"/certificates/{certificate.pk}/share/").status_code == 405


# Notifications.


def test_linked_exporters_hear_of_a_renewal(
    office, certificate, shared, bring_to, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    renewal = bring_to(State.AWAITING_CERTIFICATION)
    h.certify(office, renewal, django_capture_on_commit_callbacks)
    notice = Notification.objects.get(recipient=office.exporter, event="certify")
    assert notice.application == renewal
    assert any(office.exporter.email in m.to for m in mail.outbox)
    assert Notification.objects.filter(
        recipient=office.msme, event="certify", application=renewal
    ).exists()


def test_a_revocation_tells_members_and_linked_exporters(
    office, certificate, shared, django_capture_on_commit_callbacks
):
    stopped = f.UserFactory(username="former-exporter", roles=[Role.EXPORTER])
    former = product_share(certificate=certificate, by=office.msme, email=stopped.email)
    product_share_stop(share=former, by=office.msme)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=office.officer, reason="Forged permit.")

    notices = Notification.objects.filter(event="certificate_revoked")
    assert {n.recipient for n in notices} == {office.msme, office.exporter}
    assert all(n.comment == "Forged permit." and n.emailed_at for n in notices)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([office.msme.email, office.exporter.email])
    assert all(certificate.number in message.subject for message in mail.outbox)


def test_the_revocation_notice_lists_in_the_app(
    client, office, certificate, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, by=office.officer, reason="Forged permit.")
    client.force_login(office.msme)
    page = client.get("/notifications/").content.decode()
    assert "Certificate revoked: Sambal Pecel Bu Rini" in page
    # The exporter keeps seeing the certificate, now marked revoked, and cannot ship it.
    client.force_login(office.exporter)
    assert client.get(f"/certificates/{certificate.pk}/").status_code == 200
    assert client.get(f"/certificates/{certificate.pk}/shipments/new/").status_code == 403


def test_the_exporter_finds_shared_products_in_the_menu_and_notices_open_the_certificate(
    client, office, certificate, shared
):
    from curation.models import Notification

    client.force_login(office.exporter)
    # Their home is what is shared with them, first in the menu.
    home = client.get("/", follow=True)
    assert home.redirect_chain == [("/shared/", 302)]
    assert 'href="/shared/" aria-current="page"' in home.content.decode()

    assert Notification.objects.filter(recipient=office.exporter).exists()
    page = client.get("/notifications/").content.decode()
    assert f'href="/certificates/{certificate.pk}/"' in page
    assert f'href="/applications/{certificate.application_id}/"' not in page
