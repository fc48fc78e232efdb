"""Reading businesses, products and documents: who sees which, in one place.

Lookups answer 404 to anyone who may not see the object (an outsider learns nothing,
not even that it exists), like `curation.selectors.get_application_for_user`. What depends
on applications (the product list with each one's latest application, the document
download that staff may open) is in `curation.selectors`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from products.models import (
    EXPIRY_WARNING_DAYS,
    Business,
    BusinessClaim,
    BusinessInvitation,
    Document,
    Membership,
    Product,
    RegistryImport,
)
from products.permissions import member_businesses

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


def expiring_documents(
    user: _AnyUser, within_days: int = EXPIRY_WARNING_DAYS
) -> QuerySet[Document]:
    """Documents of the user's businesses that expired or expire within `within_days`,
    keeping only the newest of each kind (an expired P-IRT replaced by a current one is
    no longer a concern). A type that does not expire (halal) is never among them."""
    today = timezone.localdate()
    return (
        Document.objects.filter(
            business__in=member_businesses(user),
            expires_on__lte=today + timedelta(days=within_days),
        )
        .expiring_kinds()
        .not_superseded()
        .select_related("kind", "product", "business")
        .order_by("expires_on")
    )


def pending_invitations_for(user: _AnyUser) -> QuerySet[BusinessInvitation]:
    """Invitations still open for one of the user's verified e-mail addresses."""
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


def product_ids_matching(text: str) -> QuerySet[Product, Any]:
    """The ids of the products whose name, or whose business's name or NIB, contains
    `text` (in any case): what the application searches look for.

    Two lookups joined by UNION, each of one table, rather than one condition over the
    join of applications, products and businesses: on PostgreSQL each is an index scan
    (the trigram indexes of products/migrations), so a search costs what it finds, not
    what the region holds."""
    businesses = Business.objects.filter(Q(name__icontains=text) | Q(nib__icontains=text))
    by_name = Product.objects.filter(name__icontains=text).order_by().values("pk")
    of_businesses = (
        Product.objects.filter(business__in=businesses.order_by().values("pk"))
        .order_by()
        .values("pk")
    )
    return by_name.union(of_businesses)


# The registry (`products.registry_services`): what a coordinator or office administrator
# sees of it. Outsiders get 404s; the views check the role first (403).


def registry_imports_of(user: _AnyUser) -> QuerySet[RegistryImport]:
    """The registry files `user` uploaded, newest first (only the uploader sees a file's
    rows: they hold personal data of the registry)."""
    if not user.is_authenticated:
        return RegistryImport.objects.none()
    return RegistryImport.objects.filter(uploaded_by=user).defer("rows")


def get_registry_import_for_user(user: _AnyUser, pk: int | str) -> RegistryImport:
    try:
        return registry_imports_of(user).defer(None).get(pk=pk)
    except (RegistryImport.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def unclaimed_businesses_of_regions(region_ids: list[int]) -> QuerySet[Business]:
    """The businesses of these regions that nobody has claimed (no members): those an
    import brought in, waiting for their owners."""
    return (
        Business.objects.filter(region__in=region_ids, memberships__isnull=True)
        .select_related("region")
        .order_by("name", "pk")
    )


def pending_claims_of_regions(region_ids: list[int]) -> QuerySet[BusinessClaim]:
    return (
        BusinessClaim.objects.filter(
            business__region__in=region_ids, status=BusinessClaim.Status.PENDING
        )
        .select_related("business__region", "requested_by")
        .order_by("created_at", "pk")
    )


def get_claim_for_staff(region_ids: list[int], pk: int | str) -> BusinessClaim:
    try:
        return BusinessClaim.objects.select_related("business__region", "requested_by").get(
            pk=pk, business__region__in=region_ids
        )
    except (BusinessClaim.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_unclaimed_business_for_staff(region_ids: list[int], pk: int | str) -> Business:
    try:
        return unclaimed_businesses_of_regions(region_ids).get(pk=pk)
    except (Business.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def claims_of(user: _AnyUser) -> QuerySet[BusinessClaim]:
    """The user's own claims still waiting for the office."""
    if not user.is_authenticated:
        return BusinessClaim.objects.none()
    return BusinessClaim.objects.filter(
        requested_by=user, status=BusinessClaim.Status.PENDING
    ).select_related("business__region")
