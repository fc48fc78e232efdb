"""A product's required documents as slots: one for each document an application needs
(`products.rules.required_document_types`, so the page asks exactly what the submit check
asks), each with its status and the current document that fills it.

The documents page (`products.views.product_documents`) draws a slot per entry and
uploads into several at once; the numbers the business already gave (its NIB and NPWP)
fill their slots' number without being typed again (`business_number`).
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from products.models import EXPIRY_WARNING_DAYS, Business, Document, DocumentType, Product
from products.rules import product_documents, required_document_types

# The document types whose number is the business's own field of the same name.
BUSINESS_NUMBER_KINDS = ("nib", "npwp")

MISSING, UPLOADED, EXPIRING, EXPIRED = "missing", "uploaded", "expiring", "expired"


def business_number(kind: DocumentType, business: Business) -> str:
    """The number the business profile already holds for a `kind` document, or ""."""
    if kind.key not in BUSINESS_NUMBER_KINDS:
        return ""
    return getattr(business, kind.key) or ""


@dataclass
class Slot:
    types: list[DocumentType]  # the types that fill it (P-IRT or BPOM MD: two)
    status: str  # MISSING, UPLOADED, EXPIRING or EXPIRED
    document: Document | None  # the current document, or the latest expired one
    # What the business already says the number is, per type key (NIB, NPWP).
    known_numbers: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The slot's name in the form and the page's anchor: its first type's key."""
        return self.types[0].key

    @property
    def label(self) -> str:
        return _(" or ").join(str(t.label) for t in self.types)

    @property
    def status_label(self) -> str:
        return {
            MISSING: _("Missing"),
            UPLOADED: _("Uploaded"),
            EXPIRING: _("Expiring soon"),
            EXPIRED: _("Expired"),
        }[self.status]

    @property
    def needs_upload(self) -> bool:
        return self.status in (MISSING, EXPIRED)


def document_slots(product: Product, today: date | None = None) -> list[Slot]:
    """The slots of `product`'s required documents, in the order the rules list them."""
    today = today or timezone.localdate()
    by_kind: dict[int, list[Document]] = {}
    for held in product_documents(product):
        by_kind.setdefault(held.kind_id, []).append(held)
    slots = []
    for types in required_document_types(product.category):
        candidates = [d for t in types for d in by_kind.get(t.pk, [])]
        current = [d for d in candidates if d.is_current(today)]
        known = {t.key: n for t in types if (n := business_number(t, product.business))}
        document: Document | None = None
        status = MISSING
        if current:
            # The one that lasts longest stands for the slot (a renewal hides the old one).
            document = max(current, key=lambda d: (d.effective_expiry or date.max, d.pk))
            days = document.days_to_expiry(today)
            status = EXPIRING if days is not None and days <= EXPIRY_WARNING_DAYS else UPLOADED
        elif candidates:
            document = max(candidates, key=lambda d: (d.expires_on or date.min, d.pk))
            status = EXPIRED
        slots.append(Slot(types=list(types), status=status, document=document, known_numbers=known))
    return slots
