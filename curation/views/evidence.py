"""The files of an application's evidence (templates/curation/_evidence.html): each
document of its product and of its business, opened in the browser, and the photos the
panel draws. What the panel shows, and why: `curation.evidence`.

Whoever sees the application sees its evidence (`get_application_for_user`: its
business, its region's staff, its assigned curators; 404 for anyone else), and only
that application's: a document of another product, even of the same business, is 404.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from curation.selectors import get_application_for_user
from kernel.stored_files import open_inline, stream_inline
from products.models import Document


def _document_of(request, pk, document_pk) -> Document:
    application = get_application_for_user(request.user, pk)
    product = application.product
    return get_object_or_404(
        Document.objects.select_related("kind").filter(
            Q(product=product) | Q(business=product.business_id, product__isnull=True)
        ),
        pk=document_pk,
    )


@login_required
@require_safe
def evidence(request, pk, document_pk):
    """A document shown by the browser (a PDF in its viewer, a photo full size): on S3 a
    redirect to a short-lived signed URL, otherwise streamed."""
    document = _document_of(request, pk, document_pk)
    return open_inline(
        document.file, filename=document.file_name, content_type=document.content_type
    )


@login_required
@require_safe
def evidence_image(request, pk, document_pk):
    """A photo as the panel draws it (<img>): streamed through the app whatever the storage
    (`kernel.stored_files.stream_inline` says why)."""
    document = _document_of(request, pk, document_pk)
    if not document.content_type.startswith("image/"):
        raise Http404
    return stream_inline(
        document.file, filename=document.file_name, content_type=document.content_type
    )
