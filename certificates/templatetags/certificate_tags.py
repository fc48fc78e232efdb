"""The certificate block of the application page and the certificate page: what the
signed-in user may see and do with a certificate, worked out once here so the template
only shows it."""

from django import template

from certificates.forms import ShareForm
from certificates.models import Certificate, DossierFile, Status, Verdict
from certificates.permissions import (
    can_manage_product_shares,
    can_record_shipment,
    can_revoke_certificate,
    can_view_certificate,
)
from certificates.selectors import (
    active_shares_of,
    certificate_of,
    dossier_parts,
    shipments_visible_to,
)
from certificates.sharing import certificate_usable_problems

register = template.Library()

# The dossier's files in the order the page lists them, with their URL names.
PARTS = [
    ("specification", DossierFile.Kind.SPECIFICATION),
    ("checklist", DossierFile.Kind.CHECKLIST),
    ("zip", DossierFile.Kind.ARCHIVE),
]


def verdict_class(verdict) -> str:
    """The stylesheet's state colours: green for valid, amber for anything else."""
    return "state-certified" if verdict == Verdict.VALID else "state-revision_requested"


@register.simple_tag(takes_context=True)
def certificate_panel(context, application=None, certificate=None):
    """None when there is no certificate (yet) or the user may not see it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    if not isinstance(certificate, Certificate):
        if application is None or application == "":
            return None
        certificate = certificate_of(application)
    if certificate is None or not can_view_certificate.test(user, certificate):
        return None
    stored = dossier_parts(certificate)
    usable = not certificate_usable_problems(certificate)
    manages_shares = can_manage_product_shares.test(user, certificate.product)
    return {
        "certificate": certificate,
        "verdict": certificate.verdict(),
        "verdict_class": verdict_class(certificate.verdict()),
        "parts": [(slug, DossierFile.Kind(kind).label, stored.get(kind)) for slug, kind in PARTS],
        "can_revoke": certificate.status != Status.REVOKED
        and can_revoke_certificate.test(user, certificate),
        "can_record_shipment": usable and can_record_shipment.test(user, certificate),
        "shipments": list(
            shipments_visible_to(user).filter(certificate=certificate).order_by("-created_at")
        ),
        "manages_shares": manages_shares,
        "can_share": manages_shares and usable,
        "shares": list(active_shares_of(certificate.product)) if manages_shares else [],
        "share_form": ShareForm(auto_id="share_%s"),
        "next": request.get_full_path(),
    }
