"""Buyers' enquiries: sent from a listed product's public page to its business, read and
marked answered or closed by the business's members in their inbox, counted per product
for the office.

Sending one tells every member of the business, in the app and by e-mail in their own
language, through the notices of the workflow (`curation.notifications.tell`): the
e-mail's reply-to is the buyer's address, so the business answers from its own mailbox,
and the buyer never sees any of the business's addresses. The office sees how many
enquiries a product had, never what they say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import Enquiry
from catalogue.permissions import can_view_enquiry
from catalogue.selectors import product_in_catalogue
from curation.models import Notification
from curation.notices import in_each_language
from curation.notifications import tell
from kernel.errors import WorkflowError
from products.models import Product
from products.permissions import member_business_roles, staff_region_ids

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User

# The longest message kept (the form says so before anyone types more).
MESSAGE_MAX_LENGTH = 2000
# What the notice shows for a quantity the buyer left empty.
NO_QUANTITY = "–"


def enquiry_send(
    *,
    product: Product,
    buyer_type: str,
    name: str,
    company: str,
    country: str,
    email: str,
    message: str,
    quantity: str = "",
    language: str = "id",
) -> Enquiry:
    """Keep a buyer's enquiry about `product` and tell the business's members. Refused
    when the product is not in the catalogue any more (its page was open while the
    certificate was revoked or the consent withdrawn)."""
    if not product_in_catalogue(product):
        raise WorkflowError(_("This product is no longer in the catalogue."))
    if len(message) > MESSAGE_MAX_LENGTH:
        raise WorkflowError(fields={"message": _("The message is too long.")})
    if buyer_type not in Enquiry.BuyerType.values:
        raise WorkflowError(fields={"buyer_type": _("Choose who is asking.")})
    with transaction.atomic():
        enquiry = Enquiry.objects.create(
            product=product,
            business_id=product.business_id,
            buyer_type=buyer_type,
            name=name,
            company=company,
            country=country,
            email=email,
            quantity=quantity,
            message=message,
            language=language,
        )
        members = get_user_model().objects.filter(
            memberships__business=product.business_id, is_active=True
        )
        tell(
            members,
            "enquiry_received",
            path=enquiry_path(enquiry),
            params={
                "product": product.name,
                "business": product.business.name,
                "name": name,
                "company": company,
                "country": country,
                "email": email,
                "quantity": quantity or NO_QUANTITY,
                "buyer": in_each_language(enquiry.get_buyer_type_display),
            },
            comment=message,
            reply_to=email,
        )
    return enquiry


def enquiry_set_status(*, enquiry: Enquiry, status: str, by: _User) -> Enquiry:
    """A member says the enquiry is answered, closed, or new again."""
    if not can_view_enquiry.test(by, enquiry):
        raise WorkflowError(_("Only a member of the business can change its enquiries."))
    if status not in Enquiry.Status.values:
        raise WorkflowError(fields={"status": _("Choose a status.")})
    if status != enquiry.status:
        enquiry.status = status
        enquiry.status_changed_at = timezone.now()
        enquiry.status_changed_by = by
        enquiry.read_at = enquiry.read_at or enquiry.status_changed_at
        enquiry.save(update_fields=["status", "status_changed_at", "status_changed_by", "read_at"])
    return enquiry


def enquiry_mark_read(*, enquiry: Enquiry, by: _User) -> None:
    """A member opened it: it is read (from the first opening on), and so is their notice
    of it."""
    if not can_view_enquiry.test(by, enquiry):
        return
    now = timezone.now()
    if enquiry.read_at is None:
        enquiry.read_at = now
        Enquiry.objects.filter(pk=enquiry.pk, read_at__isnull=True).update(read_at=now)
    Notification.objects.filter(
        recipient=by, path=enquiry_path(enquiry), read_at__isnull=True
    ).update(read_at=now)


def enquiry_path(enquiry: Enquiry) -> str:
    """The enquiry's page, as its notices link to it."""
    return reverse("catalogue:enquiry", args=[enquiry.pk])


# Reading them.


def enquiries_for(user: _AnyUser) -> QuerySet[Enquiry]:
    """The enquiries of the businesses `user` is a member of, the newest first, with what
    the inbox shows joined in."""
    return Enquiry.objects.filter(business__in=list(member_business_roles(user))).select_related(
        "product", "business"
    )


def get_enquiry_for_user(user: _AnyUser, pk: int | str) -> Enquiry:
    """An enquiry for a member of its business; 404 for anyone else."""
    try:
        return enquiries_for(user).select_related("status_changed_by").get(pk=pk)
    except (Enquiry.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enquiry_counts(user: _AnyUser) -> QuerySet:
    """For the office: per product of its regions that had enquiries, how many, and how
    many of them are new, answered and closed (rows of dicts, the most asked first)."""
    by_status = {status: Count("pk", filter=Q(status=status)) for status in Enquiry.Status.values}
    return (
        Enquiry.objects.filter(business__region__in=staff_region_ids(user))
        .values("product", "product__name", "business__name", "business__region__name")
        .annotate(total=Count("pk"), latest=Max("created_at"), **by_status)
        .order_by("-total", "product__name", "product")
    )


def enquiry_count_of(product: Product) -> int:
    return Enquiry.objects.filter(product=product).count()
