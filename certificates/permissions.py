"""Who may do what to a certificate: `rules` predicates taking (user, certificate), built
on the application's predicates so separation of duties holds the same way, and on the
business's (`products.permissions.is_business_member` takes a certificate or a product).

Exporters are the one role that sees certificates without seeing their application: only
those of the products a business shares with them, for as long as the share lasts (read
on every request, so stopping a share ends access at once)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from curation import permissions as application_perms
from kernel.roles import Role, has_role
from products.permissions import is_business_member, is_region_certifying_officer

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser

    from certificates.models import Certificate


@rules.predicate
def is_certificate_region_officer(user: _AnyUser, certificate: Certificate) -> bool:
    # A certifying officer of the certificate's region who is not a member of its business.
    return is_region_certifying_officer.test(user, certificate.application)


@rules.predicate
def can_view_certificate_application(user: _AnyUser, certificate: Certificate) -> bool:
    return application_perms.can_view_application.test(user, certificate.application)


@rules.predicate
def has_active_share(user: _AnyUser, certificate: Certificate) -> bool:
    if not user.is_authenticated:
        return False
    return certificate.product.shares.active().filter(exporter=user).exists()


is_shared_exporter = has_role(Role.EXPORTER) & has_active_share
# (user, product): who starts and stops sharing a product.
can_manage_product_shares = has_role(Role.MSME) & is_business_member

can_revoke_certificate = is_certificate_region_officer
# Whoever may see the application may see and download its certificate and dossier; so
# may the exporters the product is shared with.
can_view_certificate = can_view_certificate_application | is_shared_exporter
# The business's MSME members share its certified products and record their shipments;
# an exporter they share with records shipments too.
can_share_certificate = has_role(Role.MSME) & is_business_member
can_record_shipment = can_share_certificate | is_shared_exporter

rules.add_perm("certificates.revoke_certificate_object", can_revoke_certificate)
rules.add_perm("certificates.view_certificate_object", can_view_certificate)
rules.add_perm("certificates.share_certificate_object", can_share_certificate)
rules.add_perm("certificates.record_shipment_object", can_record_shipment)
