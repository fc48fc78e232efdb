"""Sharing a certified product with exporters: by e-mail address, so the business learns
nothing about who has an account; a share waits, pending, until an exporter account with
that address verified claims it, and an address without an account is invited to open one
(`exporter_invitation_accept`). Also the condition every share and shipment needs: a
valid certificate (`certificate_usable_problems`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.invitations import invitation_read, invitation_send
from certificates.models import Certificate, ProductShare, Verdict
from certificates.permissions import can_manage_product_shares, can_share_certificate
from curation.accounts import email_in_use
from curation.notifications import notify
from kernel.errors import WorkflowError
from kernel.roles import Role

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User
    from django.http import HttpRequest


def share_problems(*, certificate: Certificate, by: _User) -> list[str]:
    """Why `by` cannot share (or record shipments of) this certificate's product now."""
    if not can_share_certificate.test(by, certificate):
        return [
            _("Only a member of %(business)s can share its products.")
            % {"business": certificate.business_name}
        ]
    return certificate_usable_problems(certificate)


def certificate_usable_problems(certificate: Certificate) -> list[str]:
    verdict = certificate.verdict()
    if verdict == Verdict.VALID:
        return []
    return [
        _(
            "Certificate %(number)s is %(status)s: only a valid certificate can be shared "
            "or used for shipments."
        )
        % {"number": certificate.number, "status": str(verdict.label).lower()}
    ]


def product_share(*, certificate: Certificate, by: _User, email: str) -> ProductShare:
    """Share the certified product with whoever signs in as an exporter with this e-mail
    address: they see its certificates and export dossiers and record shipments of it.

    The business gets the same answer, and the same row in its list, whether or not an
    exporter account uses the address, so sharing tells nobody who has an account. When one
    does, the share names it now and the exporter is notified; otherwise the share waits,
    pending, and the exporter account that signs in with the address verified claims it
    (`product_shares_claim`). An address no account uses is e-mailed an invitation to open
    that exporter account (`exporter_invitation_accept`)."""
    email = (email or "").strip().lower()
    problems = share_problems(certificate=certificate, by=by)
    if not email:
        problems.append(_("Write the e-mail address of the exporter's account."))
    if problems:
        raise WorkflowError(problems)
    product = certificate.product
    # Members are listed on the business's own pages: naming one tells the business
    # nothing it does not know.
    if product.business.memberships.filter(user__email__iexact=email).exists():
        raise WorkflowError(
            _("%(email)s is a member of %(business)s: it already sees the product.")
            % {"email": email, "business": product.business.name}
        )
    already_shared = WorkflowError(
        _("%(product)s is already shared with %(email)s.")
        % {"product": product.name, "email": email}
    )
    if product.shares.active().filter(email__iexact=email).exists():
        raise already_shared
    exporter = (
        get_user_model()
        .objects.filter(email__iexact=email, is_active=True, groups__name=Role.EXPORTER.value)
        .order_by("pk")
        .first()
    )
    if exporter is not None and product.shares.active().filter(exporter=exporter).exists():
        # The account already has the product under another of its addresses: this share
        # waits like any other (saying so would tell the business whose address it is).
        exporter = None
    try:
        with transaction.atomic():
            share = ProductShare.objects.create(
                product=product, email=email, exporter=exporter, shared_by=by
            )
            if exporter is not None:
                notify(
                    certificate.application,
                    "product_shared",
                    source=certificate.application.state,
                    actor=by,
                    extra=[exporter],
                )
            elif not email_in_use(email, other_than=get_user_model()()):
                # No account uses the address: it is invited to open an exporter account
                # (`certificates.invitations`). An address that an account uses but not as
                # an exporter's (an MSME's, staff's) gets nothing: a business's share does
                # not give an account the exporter role; the share waits, and the office
                # can give the role, whose next sign-in claims it.
                transaction.on_commit(lambda: invitation_send.enqueue(share.pk))
    except IntegrityError:
        # Shared twice at once: the constraints let only the first through.
        raise already_shared from None
    return share


def product_shares_claim(*, user: _User) -> list[ProductShare]:
    """Give `user` the shares that wait, pending, for one of their verified e-mail
    addresses, if they hold the exporter role (run when they sign in or verify an
    address). Each gets an in-app notice, as a share made to an existing account does."""
    if not user.is_active or not user.groups.filter(name=Role.EXPORTER.value).exists():
        return []
    addresses = {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    if not addresses:
        return []
    claimed: list[ProductShare] = []
    with transaction.atomic():
        pending = (
            ProductShare.objects.active()
            .filter(exporter__isnull=True, email__in=addresses)
            # A product already shared with the account (under another of its addresses)
            # keeps that one share; the other stays pending for the business to stop.
            .exclude(
                product__in=ProductShare.objects.active().filter(exporter=user).values("product")
            )
            .select_related("shared_by")
            .select_for_update(of=("self",))
            .order_by("shared_at", "pk")
        )
        for share in pending:
            if any(c.product_id == share.product_id for c in claimed):
                continue
            share.exporter = user
            try:
                with transaction.atomic():
                    share.save(update_fields=["exporter"])
            except IntegrityError:
                # The same product reached the account by another address at this very
                # moment (a second sign-in): that share stands, this one stays pending.
                continue
            claimed.append(share)
        for share in claimed:
            certificate = (
                Certificate.objects.select_related("application")
                .filter(product=share.product_id)
                .order_by("-issued_at", "-pk")
                .first()
            )
            if certificate is not None:
                # In the app only: they are signing in right now.
                notify(
                    certificate.application,
                    "product_shared",
                    source=certificate.application.state,
                    actor=share.shared_by,
                    extra=[user],
                    email=False,
                )
    return claimed


def product_share_stop(*, share: ProductShare, by: _User) -> ProductShare:
    """Stop sharing: the exporter loses access from its next request on."""
    with transaction.atomic():
        locked = (
            ProductShare.objects.select_for_update(of=("self",))
            .select_related("product")
            .get(pk=share.pk)
        )
        if not can_manage_product_shares.test(by, locked.product):
            raise WorkflowError(_("Only a member of the business can stop sharing its products."))
        if locked.stopped_at is None:
            locked.stopped_at = timezone.now()
            locked.stopped_by = by
            locked.save(update_fields=["stopped_at", "stopped_by"])
    share.refresh_from_db()
    return locked


def exporter_invitation_accept(
    *, token: str, password: str, language: str, request: HttpRequest | None = None
) -> _User:
    """Make the invited exporter's account: the address verified and primary, the exporter
    role, the visitor's language, the password they chose (checked by the caller's form);
    then every share waiting for the address is theirs. Refused (WorkflowError, nothing
    made) for whatever `invitation_read` refuses; a second acceptance of the same link, or
    of another link to the same address, at the same moment waits for the first and is
    refused (the shares waiting for the address are locked first, in one order)."""
    with transaction.atomic():
        invitation = invitation_read(token)
        if invitation.share is not None:
            # Every acceptance for this address locks the same rows, in one order, before
            # it looks again.
            list(
                ProductShare.objects.active()
                .filter(email=invitation.email, exporter__isnull=True)
                .select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            invitation = invitation_read(token)
        if invitation.problem:
            raise WorkflowError(invitation.problem)
        assert invitation.share is not None  # invitation_read gives a problem without one
        adapter = get_adapter(request)
        user = adapter.new_user(request)
        user.email = invitation.email
        adapter.populate_username(request, user)
        user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
        user.groups.add(Group.objects.get_or_create(name=Role.EXPORTER)[0])
        user.profile.language = language
        user.profile.save(update_fields=["language"])
        product_shares_claim(user=user)
    return user
