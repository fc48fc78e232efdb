"""Pages of certificates for signed-in users: the certificate page, the downloads of the
signed PDF and the export dossier, sharing with exporters (and the exporter's invitation
and home), and revocation. The public verification page is in
certificates/views_verification.py, the shipments' pages in certificates/views_shipments.py.

Every page loads its object through `certificates.selectors` (404 for whoever may not
see it), serves stored files only (nothing is rendered on a request), and changes state
only on POST, through one service.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates import revocation
from certificates.forms import InvitationAcceptForm, RevokeForm, ShareForm
from certificates.invitations import Invitation, invitation_read
from certificates.models import DossierFile, ProductShare, Verdict
from certificates.permissions import can_revoke_certificate
from certificates.selectors import (
    get_certificate_for_user,
    latest_certificates,
    shares_for_exporter,
    shipments_visible_to,
)
from certificates.sharing import exporter_invitation_accept, product_share, product_share_stop
from curation.permissions import can_view_application
from kernel.decorators import role_required
from kernel.errors import WorkflowError, show_workflow_error
from kernel.roles import Role
from kernel.stored_files import download


def _preparing(request, certificate, *, what=None):
    response = render(
        request,
        "certificates/preparing.html",
        {"certificate": certificate, "what": what},
        status=503,
    )
    response["Retry-After"] = "30"
    return response


@login_required
@require_GET
def certificate_download(request, pk):
    """The stored, signed PDF: exactly the file that was issued, never rendered again."""
    certificate = get_certificate_for_user(request.user, pk)
    if not certificate.is_ready:
        return _preparing(request, certificate)
    return download(
        certificate.pdf, filename=certificate.download_name, content_type="application/pdf"
    )


DOSSIER_PARTS = {
    "specification": DossierFile.Kind.SPECIFICATION,
    "checklist": DossierFile.Kind.CHECKLIST,
    "zip": DossierFile.Kind.ARCHIVE,
}


@login_required
@require_GET
def dossier_download(request, pk, part):
    """One stored file of the export dossier, or all of it as a ZIP; never rendered here."""
    if part not in DOSSIER_PARTS:
        raise Http404
    certificate = get_certificate_for_user(request.user, pk)
    stored = certificate.dossier_files.filter(kind=DOSSIER_PARTS[part]).first()
    if stored is None:
        return _preparing(request, certificate, what=DossierFile.Kind(DOSSIER_PARTS[part]).label)
    return download(
        stored.file, filename=stored.download_name(certificate), content_type=stored.content_type
    )


@login_required
@require_GET
def certificate_detail(request, pk):
    """The certificate with its downloads, shipments and sharing: the page exporters use
    (the business sees the same block on its application page)."""
    certificate = get_certificate_for_user(request.user, pk)
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "can_view_application": can_view_application.test(
                request.user, certificate.application
            ),
        },
    )


def _back(request, certificate) -> str:
    """Where a form on the certificate block returns: the page it was on (the application
    page or the certificate page), never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("certificates:detail", args=[certificate.pk])


@login_required
@require_POST
def share_create(request, pk):
    certificate = get_certificate_for_user(request.user, pk)
    form = ShareForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_back(request, certificate))
    try:
        share = product_share(
            certificate=certificate, by=request.user, email=form.cleaned_data["email"]
        )
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _("%(product)s is now shared with %(exporter)s.")
            % {"product": certificate.product_name, "exporter": share.email},
        )
    return redirect(_back(request, certificate))


@login_required
@require_POST
def share_stop(request, pk, share_pk):
    certificate = get_certificate_for_user(request.user, pk)
    share = get_object_or_404(ProductShare, pk=share_pk, product=certificate.product_id)
    try:
        product_share_stop(share=share, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _("%(exporter)s no longer sees %(product)s.")
            % {"exporter": share.email, "product": certificate.product_name},
        )
    return redirect(_back(request, certificate))


@require_http_methods(["GET", "HEAD", "POST"])
def exporter_invitation(request, token):
    """The link of an exporter's invitation: who shares what with the address, and the
    password of the account it opens. Accepting signs the new exporter in, on their home."""
    user = request.user if request.user.is_authenticated else None
    invitation = invitation_read(token, user=user)
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, email=invitation.email
    )
    if request.method == "POST" and not invitation.problem and form.is_valid():
        try:
            exporter = exporter_invitation_accept(
                token=token,
                password=form.cleaned_data["password1"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
                request=request,
            )
        except WorkflowError as e:
            invitation = Invitation(invitation.share, " ".join(e.messages))
        else:
            login(request, exporter, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(
                request,
                _("Welcome to Siap Ekspor. This is what businesses share with %(email)s.")
                % {"email": exporter.email},
            )
            return redirect("certificates:shared")
    return render(
        request,
        "certificates/invitation.html",
        {"invitation": invitation, "form": form},
        status=404 if invitation.share is None else 200,
    )


# Shipments listed under each shared product on the exporter's home (the rest on the
# certificate's page).
HOME_SHIPMENTS = 3


@role_required(Role.EXPORTER)
@require_GET
def shared_with_me(request):
    """The exporter's home: the certified products businesses share with it, each with its
    certificate's status today, its downloads, and the shipments the exporter recorded.
    A fixed number of queries, however many products are shared."""
    shares = list(shares_for_exporter(request.user))
    product_ids = [share.product_id for share in shares]
    latest = latest_certificates(product_ids)
    own = shipments_visible_to(request.user).filter(
        created_by=request.user, certificate__product__in=product_ids
    )
    counts = dict(
        own.order_by()
        .values_list("certificate__product")
        .annotate(n=Count("pk"))
        .values_list("certificate__product", "n")
    )
    recent: dict[int, list] = {}
    for shipment in own.select_related("certificate").order_by("-created_at", "-pk")[:100]:
        product_shipments = recent.setdefault(shipment.certificate.product_id, [])
        if len(product_shipments) < HOME_SHIPMENTS:
            product_shipments.append(shipment)
    rows = []
    for share in shares:
        certificate = latest.get(share.product_id)
        verdict = certificate.verdict() if certificate else None
        rows.append(
            {
                "share": share,
                "certificate": certificate,
                "verdict": verdict,
                # Green for valid, red for revoked, amber for expired or superseded.
                "verdict_class": f"state-{'certified' if verdict == Verdict.VALID else verdict}",
                "shipments": recent.get(share.product_id, []),
                "shipment_count": counts.get(share.product_id, 0),
            }
        )
    return render(request, "certificates/shared_list.html", {"rows": rows})


@login_required
def certificate_revoke(request, pk):
    """An officer revokes a certificate outside the admin: GET asks for the reason, POST
    revokes through the service."""
    certificate = get_certificate_for_user(request.user, pk)
    if not can_revoke_certificate.test(request.user, certificate):
        return render(
            request,
            "certificates/refused.html",
            {
                "certificate": certificate,
                "problems": [_("You are not allowed to revoke this certificate.")],
            },
            status=403,
        )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revocation.certificate_revoke(
                certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
            )
        except WorkflowError as e:
            show_workflow_error(request, e)
        else:
            messages.success(
                request,
                _("Certificate %(number)s has been revoked.") % {"number": certificate.number},
            )
            return redirect("curation:application", pk=certificate.application_id)
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})
