"""Regions, businesses (MSMEs) and their members, products, and their documents.

Reference data (categories, markets, document types) comes from the shipped copy of
shared/domain and is loaded by `manage.py load_reference_data`; an office may edit it in
the admin.

One module per noun; every name is importable from `products.models`, where the
migrations also find `document_upload_to`.
"""

from products.models.businesses import (
    Business,
    BusinessInvitation,
    ConflictOfInterest,
    LegalForm,
    Membership,
    TurnoverBand,
)
from products.models.documents import (
    EXPIRY_WARNING_DAYS,
    Document,
    DocumentQuerySet,
    document_upload_to,
)
from products.models.links import Link
from products.models.products import CURRENCY_EXPONENT, Product
from products.models.reference import BilingualLabelMixin, Category, DocumentType, Market, Region
from products.models.registry import BusinessClaim, RegistryImport

__all__ = [
    "CURRENCY_EXPONENT",
    "EXPIRY_WARNING_DAYS",
    "BilingualLabelMixin",
    "Business",
    "BusinessClaim",
    "BusinessInvitation",
    "Category",
    "ConflictOfInterest",
    "Document",
    "DocumentQuerySet",
    "DocumentType",
    "LegalForm",
    "Link",
    "Market",
    "Membership",
    "Product",
    "Region",
    "RegistryImport",
    "TurnoverBand",
    "document_upload_to",
]
