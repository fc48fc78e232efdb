"""Reading businesses, products and documents: who sees which, in one place.

Lookups answer 404 to anyone who may not see the object (an outsider learns nothing,
not even that it exists), like `curation.selectors.get_application_for_user`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from curation.models import Application
from curation.selectors import applications_visible_to
from products.models import (
    EXPIRY_WARNING_DAYS,
    Business,
    BusinessInvitation,
    Document,
    Membership,
    Product,
)
from products.permissions import is_business_member, member_businesses

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User


def businesses_of(user: _AnyUser) -> QuerySet[Business]:
    return member_businesses(user).select_related("region")


def get_business_for_user(user: _AnyUser, pk: int | str) -> Business:
    """A business for one of its members."""
    try:
        return businesses_of(user).get(pk=pk)
    except (Business.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def membership_of(user: _User, business: Business) -> Membership | None:
    return business.memberships.filter(user=user).first()


def products_of(user: _AnyUser) -> QuerySet[Product]:
    """The user's businesses' products, each with what its list row shows, in a fixed
    number of queries whatever the number of rows."""
    if not user.is_authenticated:
        return Product.objects.none()
    latest = Application.objects.filter(product=OuterRef("pk")).order_by("-created_at", "-pk")
    today = timezone.localdate()
    documents = Document.objects.filter(product=OuterRef("pk")).not_superseded()
    return (
        Product.objects.filter(business__in=member_businesses(user))
        .select_related("business", "category")
        .annotate(
            application_id=Subquery(latest.values("pk")[:1]),
            application_state=Subquery(latest.values("state")[:1]),
            # The earliest expiry among the product's current documents, and whether one
            # expired without being renewed.
            next_expiry=Subquery(
                documents.filter(expires_on__gte=today)
                .order_by("expires_on")
                .values("expires_on")[:1]
            ),
            has_expired=Exists(documents.filter(expires_on__lt=today)),
        )
    )


def get_product_for_user(user: _AnyUser, pk: int | str) -> Product:
    """A product for a member of its business."""
    try:
        return (
            Product.objects.filter(business__in=member_businesses(user))
            .select_related("business__region", "category")
            .get(pk=pk)
        )
    except (Product.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def documents_of(business: Business, product: Product | None = None) -> QuerySet[Document]:
    """A product's documents and its business's (NIB, NPWP, ...), newest first; or only the
    business's when no product is given."""
    where = Q(business=business, product__isnull=True)
    if product is not None:
        where |= Q(product=product)
    return Document.objects.filter(where).select_related("kind", "product")


def get_document_for_user(user: _AnyUser, pk: int | str) -> Document:
    """A document for a member of its business, or for staff who can see an application of
    the product it belongs to (any of the business's, for a business document)."""
    document = Document.objects.select_related("kind", "business").filter(pk=pk).first()
    if document is None or not user.is_authenticated:
        raise Http404
    if is_business_member(user, document.business):
        return document
    visible = applications_visible_to(user)
    if document.product_id is not None:
        visible = visible.filter(product_id=document.product_id)
    else:
        visible = visible.filter(product__business_id=document.business_id)
    if visible.exists():
        return document
    raise Http404


def expiring_documents(
    user: _AnyUser, within_days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[Document]:
    """Documents of the user's businesses that expired or expire within `within_days`,
    keeping only the newest of each kind (an expired P-IRT replaced by a current one is
    no longer a concern)."""
    today = timezone.localdate()
    return (
        Document.objects.filter(
            business__in=member_businesses(user),
            expires_on__lte=today + timedelta(days=within_days),
        )
        .not_superseded()
        .select_related("kind", "product", "business")
        .order_by("expires_on")
    )


def pending_invitations_for(user: _AnyUser) -> QuerySet[BusinessInvitation]:
    """Invitations still open for one of the user's verified e-mail addresses."""
    from allauth.account.models import EmailAddress

    if not user.is_authenticated:
        return BusinessInvitation.objects.none()
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    if not query:
        return BusinessInvitation.objects.none()
    return (
        BusinessInvitation.objects.pending()
        .filter(query)
        .exclude(business__memberships__user=user)
        .select_related("business", "invited_by")
    )
