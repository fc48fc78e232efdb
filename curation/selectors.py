"""Reading applications: who sees which, in one place, so no view can forget.

Every page and API endpoint that shows an application gets it through
`get_application_for_user` (404 for anyone who may not see it) or lists them through
`applications_visible_to`. The MSME's product list (each product with its latest
application) and the document download (staff see the documents of the applications
visible to them) read through here too: `products_of`, `get_document_for_user`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from assessments.rules import curation_result
from curation.models import Application, Notification
from curation.permissions import is_assigned_curator
from kernel.roles import Role, user_roles
from kernel.states import State
from products.models import Document, Product, Region
from products.permissions import is_business_member, member_businesses

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User

    from assessments.scoring import Aggregate

REGIONAL_ROLES = (
    Role.COORDINATOR,
    Role.PACKAGING_REVIEWER,
    Role.CERTIFYING_OFFICER,
    Role.REGIONAL_ADMIN,
)

# An attribute of the user object that keeps what was read for this request (the user
# is loaded once per request), so a page asks the database once.
_REGIONS_CACHE = "_siap_regions"


def staff_region_ids(user: _User) -> list[int]:
    regions: list[int] | None = getattr(user, _REGIONS_CACHE, None)
    if regions is None:
        regions = list(Region.objects.filter(staff__user=user).values_list("pk", flat=True))
        setattr(user, _REGIONS_CACHE, regions)
    return regions


def applications_visible_to(user: _AnyUser) -> QuerySet[Application]:
    if not user.is_authenticated:
        return Application.objects.none()
    roles = user_roles(user)
    visible = Q(product__business__memberships__user=user)
    if roles & set(REGIONAL_ROLES):
        visible |= Q(product__business__region__in=staff_region_ids(user))
    if Role.CURATOR in roles:
        visible |= Q(assignments__curator=user)
    # A filter over a to-many join repeats rows: select the ids first.
    ids = Application.objects.filter(visible).values("pk")
    return Application.objects.filter(pk__in=ids).with_related()


def get_application_for_user(user: _AnyUser, pk: int | str) -> Application:
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def curators_offered(application: Application) -> QuerySet[_User]:
    """The people who may be chosen as curators of `application`: the active curators
    working in its business's region, and those already assigned to it (a curator who
    moved to another region keeps the applications they curate). Conflicts of interest
    and membership of the business are not filtered out here: the pages show those
    curators with the reason they cannot be chosen, and `curator_problems` refuses them."""
    assigned = application.assignments.values("curator_id")
    return get_user_model().objects.filter(
        pk__in=get_user_model()
        .objects.filter(groups__name=Role.CURATOR, is_active=True)
        .filter(Q(profile__regions=application.product.business.region_id) | Q(pk__in=assigned))
        # A filter over a to-many join repeats rows: select the ids first.
        .values("pk")
    )


def unread_notification_count(user: _User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def state_counts(queryset: QuerySet[Application]) -> dict[str, int]:
    return dict(queryset.order_by().values_list("state").annotate(n=Count("pk")))


def work_queues(user: _User) -> list[tuple[Role, QuerySet[Application]]]:
    """The lists waiting for this user's action, by role: (role, queryset)."""
    roles = user_roles(user)
    mine = applications_visible_to(user)
    queues: list[tuple[Role, QuerySet[Application]]] = []
    if Role.COORDINATOR in roles:
        queues.append((Role.COORDINATOR, mine.filter(state=State.SUBMITTED)))
    if Role.CURATOR in roles:
        queues.append(
            (Role.CURATOR, mine.filter(state=State.IN_CURATION, assignments__curator=user))
        )
    if Role.PACKAGING_REVIEWER in roles:
        queues.append((Role.PACKAGING_REVIEWER, mine.filter(state=State.PACKAGING_REVIEW)))
    if Role.CERTIFYING_OFFICER in roles:
        queues.append((Role.CERTIFYING_OFFICER, mine.filter(state=State.AWAITING_CERTIFICATION)))
    return queues


def visible_curation_result(user: _AnyUser, application: Application) -> Aggregate | None:
    """The aggregate this user may see now, or None (WORKFLOW.md, blind review).

    - A curator sees the others' scores only once their own scoresheet for the current
      round is submitted.
    - The MSME sees the result only after a decision closed the round, and never who
      wrote which comment (the aggregate carries no curator).
    - Other staff of the application (coordinator, reviewer, officer) see it once scored.

    It lives here rather than in `assessments.selectors` because it reads who is assigned
    to curate the application, which is the workflow's data.
    """
    current = application.current_round
    if current is None:
        return None
    if is_business_member(user, application):
        return curation_result(application) if current.closed_at is not None else None
    if is_assigned_curator(user, application):
        own_submitted = current.scoresheets.filter(
            curator=user, submitted_at__isnull=False
        ).exists()
        if not own_submitted:
            return None
    return curation_result(application)


# The MSME's products and documents, as far as they depend on applications.


def products_of(user: _AnyUser) -> QuerySet[Product]:
    """The user's businesses' products, each with what its list row shows (its latest
    application, its documents' next expiry), in a fixed number of queries whatever the
    number of rows."""
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
