"""Reading certificates, dossiers, shares and shipments: who may see which, in one place.

Every page that shows or serves one of them gets it through a `get_..._for_user` helper
here (404 for anyone who may not see it). Shares are read on every call, never cached,
so an exporter whose share was stopped loses access on its very next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from certificates.models import (
    Certificate,
    CertificateQuerySet,
    DossierFile,
    ProductShare,
    Shipment,
)
from curation.models import Application
from curation.selectors import applications_visible_to
from kernel.roles import Role, user_roles
from kernel.states import State
from products.models import Product
from products.permissions import member_business_roles

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser


def shared_product_ids(user: _AnyUser) -> QuerySet[ProductShare, Any]:
    """The products shared with `user` as an exporter, now (a subquery)."""
    if not user.is_authenticated or Role.EXPORTER not in user_roles(user):
        return ProductShare.objects.none().values("product_id")
    return ProductShare.objects.active().filter(exporter=user).values("product_id")


def certificates_visible_to(user: _AnyUser) -> CertificateQuerySet:
    """The certificates of the applications `user` may see, and of the products shared
    with them."""
    visible = Q(application__in=applications_visible_to(user).values("pk"))
    if user.is_authenticated and Role.EXPORTER in user_roles(user):
        visible |= Q(product__in=shared_product_ids(user))
    return Certificate.objects.filter(visible)


def certificate_of(application: Application) -> Certificate | None:
    """The certificate of `application`, for the certificate block of its page; None, and
    no query, before it is certified (only `certify` issues one, and nothing takes an
    application out of `certified`). It carries the page's own application and product,
    so the checks on it (`certificates.permissions`) find what the page's checks already
    read about them: its curators, its business."""
    if application.state != State.CERTIFIED:
        return None
    relation = Application.certificate.related
    if relation.is_cached(application):
        # Read already by the page (its next step says what the certificate's status
        # asks): not a second time. The block reads none of its relations but the ones
        # set below (a replaced certificate's successor: the next step read it).
        certificate = relation.get_cached_value(application)
    else:
        certificate = (
            Certificate.objects.select_related("region", "officer", "superseded_by")
            .filter(application=application)
            .first()
        )
    if certificate is not None:
        certificate.application = application
        if certificate.product_id == application.product_id:
            certificate.product = application.product
    return certificate


def get_certificate_for_user(user: _AnyUser, pk: int | str) -> Certificate:
    try:
        return certificates_visible_to(user).with_related().get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def dossier_parts(certificate: Certificate) -> dict[str, DossierFile]:
    """The export dossier's stored files by kind (a kind not stored yet is missing)."""
    return {f.kind: f for f in certificate.dossier_files.all()}


def shares_for_exporter(user: _AnyUser) -> QuerySet[ProductShare]:
    """The exporter's "Shared with me": active shares, each with the product's latest
    certificate."""
    if not user.is_authenticated or Role.EXPORTER not in user_roles(user):
        return ProductShare.objects.none()
    return (
        ProductShare.objects.active()
        .filter(exporter=user)
        .select_related("product__business__region", "shared_by")
        .order_by("-shared_at", "-pk")
    )


def latest_certificates(product_ids: Iterable[int]) -> dict[int, Certificate]:
    """{product id: its latest certificate} for many products in one query (a list page
    must not ask once per row)."""
    latest: dict[int, Certificate] = {}
    for certificate in (
        Certificate.objects.with_related()
        .filter(product__in=product_ids)
        .order_by("issued_at", "pk")
    ):
        latest[certificate.product_id] = certificate
    return latest


def active_shares_of(product: Product) -> QuerySet[ProductShare]:
    """The business's list of its shares of a product, pending or not: by address only (the
    accounts behind them are not the business's to know)."""
    return (
        ProductShare.objects.active()
        .filter(product=product)
        .select_related("shared_by")
        .order_by("shared_at", "pk")
    )


def shipments_visible_to(user: _AnyUser) -> QuerySet[Shipment]:
    """All shipments of their business's products for its members; for an exporter, the
    shipments it recorded itself, while the product is shared with it (a business's other
    buyers and prices are not the exporter's business). None, without a query, for
    everyone else (the office's staff)."""
    if not user.is_authenticated:
        return Shipment.objects.none()
    # The user's businesses and roles, read once per request by every check of the page.
    businesses = list(member_business_roles(user))
    exporter = Role.EXPORTER in user_roles(user)
    if not businesses and not exporter:
        return Shipment.objects.none()
    visible = Q(certificate__product__business_id__in=businesses)
    if exporter:
        visible |= Q(created_by=user, certificate__product__in=shared_product_ids(user))
    return Shipment.objects.filter(visible).select_related(
        "certificate__region", "market", "created_by"
    )


def get_shipment_for_user(user: _AnyUser, pk: int | str) -> Shipment:
    try:
        return shipments_visible_to(user).get(pk=pk)
    except (Shipment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
