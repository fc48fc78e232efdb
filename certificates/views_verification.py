"""The public verification page of a certificate (`/verify/<code>/`, printed on every
certificate), as HTML or JSON, and the comparison of an uploaded PDF with the issued
one by SHA-256.

It says only what the certificate itself says (business, product, grade, markets,
dates, number) plus its status and the SHA-256 of the issued PDF: never the MSME's
documents, their numbers or its contact details. It reads a lean record of the
certificate, cached per code in the shared cache (`certificates.verification`).
"""

import hashlib
import hmac

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from certificates import ratelimit
from certificates.models import Verdict
from certificates.verification import (
    VerifiedCertificate,
    cache_key,
    normalised,
    verified_certificate,
)

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
