"""Template tags of the MSME's part of an application page (what the office asked of
the business, and where to fix it)."""

from django import template
from django.conf import settings

from kernel.states import State
from products.document_forms import DocumentForm
from products.models import DocumentType

register = template.Library()


@register.simple_tag
def msme_application(application):
    """What the MSME section of an application page shows: the product's documents, the
    open revision request, the packaging items that failed, and the packaging upload.
    (The page loaded the packaging reviews with their results and items.)"""
    product = application.product
    context = {
        "product": product,
        # The product's own documents; the business's (NIB, NPWP) are on its page, and
        # the checklist above says when one is missing.
        "documents": list(product.documents.select_related("kind").not_superseded()),
        "revision": None,
        "packaging_failures": [],
        "upload_form": None,
    }
    if application.state == State.REVISION_REQUESTED:
        context["revision"] = application.revision_requests.order_by("-requested_at").first()
    if application.state == State.PACKAGING_REVISION:
        review = application.current_packaging_review
        if review is not None:
            context["packaging_failures"] = sorted(
                (r for r in review.results.all() if r.result == "fail"),
                key=lambda r: r.item.position,
            )
        context["upload_form"] = DocumentForm(
            scope=DocumentType.Scope.PRODUCT,
            max_mb=settings.UPLOAD_MAX_BYTES // 1_048_576,
            initial={"kind": DocumentType.objects.filter(key="packaging_photo").first()},
        )
    return context
