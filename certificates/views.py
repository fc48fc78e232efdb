"""Pages of certificates: the public verification page; for signed-in users the
certificate page, the downloads of the signed PDF, the export dossier and shipment
papers, sharing with exporters, recording shipments, and revocation.

The verification page is public and says only what the certificate itself says (business,
product, grade, markets, dates, number) plus its status and the SHA-256 of the issued
PDF: never the MSME's documents, their numbers or its contact details. It reads a lean
record of the certificate, cached per code in the shared cache
(`certificates.verification`).

Every other page loads its object through `certificates.selectors` (404 for whoever may
not see it), serves stored files only (nothing is rendered on a request), and changes
state only on POST, through one service.
"""

import hashlib
import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates import ratelimit, revocation
from certificates.forms import (
    CartonFormSet,
    InvitationAcceptForm,
    LineFormSet,
    RevokeForm,
    ShareForm,
    ShipmentForm,
    filled_rows,
)
from certificates.invitations import Invitation, invitation_read
from certificates.models import DossierFile, ProductShare, Verdict
from certificates.permissions import can_record_shipment, can_revoke_certificate
from certificates.selectors import (
    get_certificate_for_user,
    get_shipment_for_user,
    latest_certificates,
    shares_for_exporter,
    shipments_visible_to,
)
from certificates.sharing import (
    certificate_usable_problems,
    exporter_invitation_accept,
    product_share,
    product_share_stop,
)
from certificates.shipments import shipment_create
from certificates.verification import (
    VerifiedCertificate,
    cache_key,
    normalised,
    verified_certificate,
)
from curation.permissions import can_view_application
from kernel.decorators import role_required
from kernel.errors import WorkflowError, show_workflow_error
from kernel.roles import Role
from kernel.stored_files import download

# An upload this far over the limit is refused from its Content-Length, unread.
MULTIPART_OVERHEAD = 64 * 1024


def _wants_json(request) -> bool:
    if request.GET.get("format") == "json":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _language(request) -> str:
    """?lang= wins; otherwise what LocaleMiddleware chose (browser, cookie, or the
    default, Indonesian)."""
    language = request.GET.get("lang")
    if language in dict(settings.LANGUAGES):
        return language
    return translation.get_language() or settings.LANGUAGE_CODE


def public_data(certificate: VerifiedCertificate, verdict: Verdict) -> dict:
    """What anyone holding the verification code may know of the certificate."""
    data = {
        "status": verdict.value,
        "status_label": str(verdict.label),
        "number": certificate.number,
        "business": certificate.business_name,
        "product": certificate.product_name,
        "hs_code": certificate.hs_code,
        "grade": certificate.grade,
        "grade_label": certificate.grade_label,
        "target_markets": certificate.market_names,
        "issuing_region": {"code": certificate.region.code, "name": certificate.region.name},
        # The office it was issued by, as printed (its region's name before offices).
        "issuing_office": certificate.issuer_name,
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "pdf_ready": certificate.is_ready,
        "pdf_sha256": certificate.pdf_sha256 or None,
        "verification_url": certificate.verification_url,
    }
    if verdict == Verdict.REVOKED:
        data["revoked_on"] = timezone.localdate(certificate.revoked_at).isoformat()
        data["revocation_reason"] = certificate.revocation_reason
    if verdict == Verdict.VALID and (expired := certificate.expired_permits):
        # Valid, but a permit it rested on expired without a renewal (the page's note).
        data["expired_permits"] = [
            {"document": permit.label, "expired_on": permit.expires_on.isoformat()}
            for permit in expired
        ]
    if certificate.superseded_by:
        data["superseded_by"] = {
            "number": certificate.superseded_by.number,
            "verification_url": certificate.superseded_by.verification_url,
        }
    return data


def _check_upload(request, certificate: VerifiedCertificate) -> dict:
    """Compare an uploaded file with the issued PDF by SHA-256."""
    limit = settings.VERIFY_UPLOAD_MAX_BYTES
    too_large = {
        "error": _("The file is too large: a certificate PDF is at most %(max)s MB.")
        % {"max": round(limit / 1_048_576, 1)},
        "status": 413,
    }
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + MULTIPART_OVERHEAD:
        return too_large
    upload = request.FILES.get("file")
    if upload is None:
        return {"error": _("Choose the PDF file you received."), "status": 400}
    if upload.size > limit:
        return too_large
    if not certificate.is_ready:
        return {
            "error": _("The signed PDF is still being prepared; try again in a few minutes."),
            "status": 409,
        }
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    return {
        "sha256": sha256,
        "matches": hmac.compare_digest(sha256, certificate.pdf_sha256),
        "status": 200,
    }


@csrf_exempt  # Comparing a file changes nothing, and a script may POST one as well.
# Never cached by browsers or proxies: a revocation must show on the very next request.
# The record shown is cached on the server, and refreshed on every change
# (`certificates.verification`).
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, code):
    language = _language(request)
    with translation.override(language):
        response = _verify(request, code, language)
    response["Content-Language"] = language
    return response


def _verify(request, code, language):
    wants_json = _wants_json(request)
    valid_code = normalised(code)
    # One round trip to the shared cache for both the count and the certificate's record.
    counted = ratelimit.count(
        request,
        scope="verify",
        limit=settings.VERIFY_RATE_LIMIT,
        read_ahead=cache_key(valid_code) if valid_code else None,
    )
    if counted.over_limit:
        message = _("Too many checks from your address. Wait a minute and try again.")
        if wants_json:
            response = JsonResponse({"error": message}, status=429)
        else:
            response = render(
                request, "certificates/too_many.html", {"message": message}, status=429
            )
        response["Retry-After"] = "60"
        return response

    certificate = verified_certificate(code, read_ahead=counted.read_ahead)
    if certificate is None:
        if wants_json:
            return JsonResponse({"status": Verdict.UNKNOWN.value}, status=404)
        context = {"verdict": Verdict.UNKNOWN, "language": language, "path": request.path}
        return render(request, "certificates/verify.html", context, status=404)

    verdict = certificate.verdict()
    check = _check_upload(request, certificate) if request.method == "POST" else None
    status = check["status"] if check else 200
    if wants_json:
        data = public_data(certificate, verdict)
        if check:
            data["upload"] = {k: v for k, v in check.items() if k != "status"}
        return JsonResponse(data, status=status)
    context = {
        "certificate": certificate,
        "verdict": verdict,
        "check": check,
        "language": language,
        "path": request.path,
        "max_upload_mb": round(settings.VERIFY_UPLOAD_MAX_BYTES / 1_048_576, 1),
    }
    return render(request, "certificates/verify.html", context, status=status)


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


@login_required
def shipment_new(request, pk):
    """Record a shipment: the buyer and terms, the lines sold, the cartons. Works without
    JavaScript: "add a row" buttons post the form back with one more empty row."""
    certificate = get_certificate_for_user(request.user, pk)
    problems = []
    if not can_record_shipment.test(request.user, certificate):
        problems.append(_("You may not record shipments of this product."))
    problems += certificate_usable_problems(certificate)
    if problems:
        return render(
            request,
            "certificates/refused.html",
            {"certificate": certificate, "problems": problems},
            status=403,
        )
    data = request.POST if request.method == "POST" else None
    if data is not None and ("add_line" in data or "add_carton" in data):
        data = _with_extra_row(data, "lines" if "add_line" in data else "cartons")
    form = ShipmentForm(data, certificate=certificate)
    lines = LineFormSet(data, prefix="lines")
    cartons = CartonFormSet(data, prefix="cartons")
    adding_row = request.method == "POST" and (
        "add_line" in request.POST or "add_carton" in request.POST
    )
    if request.method == "POST" and not adding_row:
        if form.is_valid() and lines.is_valid() and cartons.is_valid():
            try:
                shipment = shipment_create(
                    certificate=certificate,
                    by=request.user,
                    lines=filled_rows(lines),
                    cartons=filled_rows(cartons),
                    **form.cleaned_data,
                )
            except WorkflowError as e:
                problems = e.messages
            else:
                shipment.refresh_from_db()
                if shipment.is_ready:
                    message = _("Shipment %(number)s recorded.")
                else:
                    message = _(
                        "Shipment %(number)s recorded: its pro-forma invoice and packing list "
                        "are being prepared."
                    )
                messages.success(request, message % {"number": shipment.number})
                return redirect("certificates:shipment", pk=shipment.pk)
        else:
            problems = [_("Please correct what is marked below.")]
    return render(
        request,
        "certificates/shipment_form.html",
        {
            "certificate": certificate,
            "form": form,
            "lines": lines,
            "cartons": cartons,
            "problems": problems,
            "units": UNIT_SUGGESTIONS,
        },
    )


UNIT_SUGGESTIONS = ["pcs", "set", "pair", "kg", "g", "l", "jar", "bottle", "pack", "box", "bag"]


def _with_extra_row(data, prefix: str):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, 50))
    return data


@login_required
@require_GET
def shipment_detail(request, pk):
    shipment = get_shipment_for_user(request.user, pk)
    return render(
        request,
        "certificates/shipment_detail.html",
        {
            "shipment": shipment,
            "certificate": shipment.certificate,
            "lines": shipment.lines.all(),
            "cartons": shipment.cartons.all(),
        },
    )


SHIPMENT_DOCUMENTS = {"invoice": "invoice_pdf", "packing-list": "packing_list_pdf"}


@login_required
@require_GET
def shipment_download(request, pk, document):
    if document not in SHIPMENT_DOCUMENTS:
        raise Http404
    shipment = get_shipment_for_user(request.user, pk)
    stored = getattr(shipment, SHIPMENT_DOCUMENTS[document])
    if not stored:
        response = render(
            request, "certificates/shipment_preparing.html", {"shipment": shipment}, status=503
        )
        response["Retry-After"] = "30"
        return response
    return download(
        stored, filename=shipment.download_name(document), content_type="application/pdf"
    )


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
