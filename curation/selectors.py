"""Reading applications: who sees which, in one place, so no view can forget.

Every page and API endpoint that shows an application gets it through
`get_application_for_user` (404 for anyone who may not see it) or lists them through
`applications_visible_to`. The MSME's product list (each product with its latest
application) and the document download (staff see the documents of the applications
visible to them) read through here too: `products_of`, `get_document_for_user`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.rules import curation_result
from assessments.selectors import current_round_in_one_read
from curation.models import Application, CuratorAssignment
from curation.permissions import is_assigned_curator
from kernel import (
    lookups,  # noqa: F401 (registers the any_of lookup)
    request_cache,
)
from kernel.roles import Role, user_roles
from kernel.states import State
from products.models import Document, Product, Region
from products.permissions import (
    is_business_member,
    member_business_roles,
    member_businesses,
    staff_region_ids,
)

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User

    from assessments.scoring import Aggregate

# What a list row shows (product, business, region); a page about one application reads
# it with everything else (`get_application_for_user`).
LISTED = ("product__business__region",)

REGIONAL_ROLES = (
    Role.COORDINATOR,
    Role.PACKAGING_REVIEWER,
    Role.CERTIFYING_OFFICER,
    Role.REGIONAL_ADMIN,
)


@dataclass(frozen=True)
class _Scope:
    """Why `user` sees an application, read before the applications are (small lists,
    once per request): the businesses they are a member of, the regions they work for
    as regional staff, and whether they curate."""

    user: _AnyUser
    businesses: list[int]
    regions: list[int]
    curates: bool

    def conditions(self, *, listing: bool) -> list[Q]:
        """One condition per way of seeing an application, each over the application's
        own row or its product (a many-to-one join, so no row twice) and each one an
        index serves: the region is the application's copy of its business's
        (`Application.region`). For a list (`listing`) a curator's applications are
        their ids, read first (`curated_application_ids`): the planner then fetches
        those few rows rather than walking every application in the list's order to
        find them; one application is checked against the assignments directly."""
        conditions = []
        if self.businesses:
            conditions.append(Q(product__business_id__in=self.businesses))
        if self.regions:
            conditions.append(Q(region_id__in=self.regions))
        if self.curates:
            if listing:
                conditions.append(Q(pk__any_of=curated_application_ids(self.user)))
            else:
                assigned = CuratorAssignment.objects.filter(curator_id=self.user.pk)
                conditions.append(Q(pk__in=assigned.values("application_id")))
        return conditions


def _scope(user: _AnyUser) -> _Scope:
    """Read once per request (`member_business_roles`, `user_roles`, `staff_region_ids`)."""
    roles = user_roles(user)
    return _Scope(
        user=user,
        businesses=sorted(member_business_roles(user)),
        regions=sorted(staff_region_ids(user)) if roles & set(REGIONAL_ROLES) else [],
        curates=Role.CURATOR in roles,
    )


def curated_application_ids(user: _AnyUser) -> list[int]:
    """The applications `user` is assigned to curate (now), read once per request."""
    return request_cache.memoized(
        ("curated_applications", user.pk),
        lambda: list(
            CuratorAssignment.objects.filter(curator_id=user.pk)
            .order_by("application_id")
            .values_list("application_id", flat=True)
        ),
    )


def applications_visible_to(user: _AnyUser) -> QuerySet[Application]:
    """The applications of the user's businesses, those of their regions if they hold a
    regional role, and those they curate.

    Who the user is is read first (`_Scope`), so the query filters applications by
    values an index serves; the planner never joins every application to the
    memberships, businesses and assignments to find the user's. With one way of seeing
    (most users), that one condition; with more, the union of one such query per way,
    so that each stays indexed (an OR across tables would not be)."""
    if not user.is_authenticated:
        return Application.objects.none()
    conditions = _scope(user).conditions(listing=True)
    if not conditions:
        return Application.objects.none()
    if len(conditions) == 1:
        visible = Application.objects.filter(conditions[0])
    else:
        first, *others = (
            Application.objects.filter(condition).order_by().values("pk")
            for condition in conditions
        )
        visible = Application.objects.filter(pk__in=first.union(*others, all=True))
    return visible.select_related(*LISTED)


def get_application_for_user(user: _AnyUser, pk: int | str) -> Application:
    """One application, for whoever may see it; 404 for anyone else. The conditions of
    `applications_visible_to` in one OR: the primary key finds the row, and they only
    check it."""
    conditions = _scope(user).conditions(listing=False) if user.is_authenticated else []
    if not conditions:
        raise Http404
    visible = Application.objects.filter(reduce(operator.or_, conditions))
    try:
        # With its certificate (a join, no query more), so that every page about it, a
        # workspace's header too, says "revoked" or "expired" where "Certified" no longer
        # holds (`next_steps.certificate_badge`).
        return visible.with_related().select_related("certificate").get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def with_certificates(applications: Iterable[Application]) -> list[Application]:
    """A page of listed applications, the certified ones with their certificate, so that
    each row's badge says what the certificate says today (revoked, expired: not
    "Certified"; `next_steps.certificate_badge`). One query for the page's certified
    rows, none when it has none: the list's own query, tuned for 100,000 rows, is left as
    it is."""
    rows = list(applications)
    prefetch_related_objects([a for a in rows if a.state == State.CERTIFIED], "certificate")
    return rows


def visible_among(user: _AnyUser, ids: Iterable[int]) -> set[int]:
    """Which of these applications (a page's few) `user` may see: the conditions of
    `get_application_for_user`, checked on those rows only."""
    ids = set(ids)
    conditions = _scope(user).conditions(listing=False) if user.is_authenticated and ids else []
    if not conditions:
        return set()
    visible = Application.objects.filter(pk__in=ids).filter(reduce(operator.or_, conditions))
    return set(visible.order_by().values_list("pk", flat=True))


def region_choices(user: _AnyUser) -> QuerySet[Region]:
    """The regions the applications visible to `user` come from, by code: the choices of
    the lists' region filter. Found from who the user is rather than from every
    application they see (a regional office sees thousands): those of their staff
    regions that have an application, and the regions of the applications of their
    businesses and of those they curate."""
    if not user.is_authenticated:
        return Region.objects.none()
    scope = _scope(user)
    found: list[Q] = []
    if scope.regions:
        found.append(
            Q(pk__in=scope.regions) & Q(Exists(Application.objects.filter(region=OuterRef("pk"))))
        )
    if scope.businesses:
        of_businesses = Application.objects.filter(product__business_id__in=scope.businesses)
        found.append(Q(pk__in=of_businesses.values("region")))
    if scope.curates:
        # The region of each assigned application, looked up one by one (a few hundred
        # index probes), which the planner cannot turn into a scan of every region's.
        region = Application.objects.filter(pk=OuterRef("application_id")).values("region")
        curated = CuratorAssignment.objects.filter(curator_id=user.pk).annotate(
            region=Subquery(region.order_by()[:1])
        )
        found.append(Q(pk__in=curated.values("region")))
    if not found:
        return Region.objects.none()
    return Region.objects.filter(reduce(operator.or_, found)).order_by("code")


def curators_offered(application: Application) -> QuerySet[_User]:
    """The people who may be chosen as curators of `application`: the active curators
    of the office serving its business's region, and those already assigned to it (a
    curator who moved to another office keeps the applications they curate). Conflicts of interest
    and membership of the business are not filtered out here: the pages show those
    curators with the reason they cannot be chosen, and `curator_problems` refuses them."""
    assigned = application.assignments.values("curator_id")
    return get_user_model().objects.filter(
        pk__in=get_user_model()
        .objects.filter(groups__name=Role.CURATOR, is_active=True)
        .filter(
            Q(profile__office__served__region=application.product.business.region_id)
            | Q(pk__in=assigned)
        )
        # A filter over a to-many join repeats rows: select the ids first.
        .values("pk")
    )


def work_queues(user: _User) -> list[tuple[Role, QuerySet[Application]]]:
    """The lists waiting for this user's action, by role: (role, queryset)."""
    roles = user_roles(user)
    mine = applications_visible_to(user)
    queues: list[tuple[Role, QuerySet[Application]]] = []
    if Role.COORDINATOR in roles:
        queues.append((Role.COORDINATOR, mine.filter(state=State.SUBMITTED)))
    if Role.CURATOR in roles:
        # Those they curate, all among the applications they see (`mine`): the same
        # ids once, not a second time beside them, which the planner would misjudge.
        curating = Application.objects.filter(
            pk__any_of=curated_application_ids(user), state=State.IN_CURATION
        )
        queues.append((Role.CURATOR, curating.select_related(*LISTED)))
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
    to curate the application, which is the workflow's data. It reads the rounds a page
    loaded with the application (`curation.prefetches.SCORING`);
    `visible_curation_result_in_one_read` is the same for a page that loaded none.
    """
    current = application.current_round
    if current is None:
        return None
    return _visible(
        user,
        application,
        closed=current.closed_at is not None,
        submitted_by=lambda: {sheet.curator_id for sheet in current.sheets() if sheet.is_submitted},
        result=lambda: curation_result(application),
    )


def visible_curation_result_in_one_read(
    user: _AnyUser, application: Application
) -> Aggregate | None:
    """`visible_curation_result` for a page that shows the result and none of the
    scoresheets (the application page): the current round in one query
    (`assessments.selectors.current_round_in_one_read`)."""
    current = current_round_in_one_read(application)
    return _visible(
        user,
        application,
        closed=current.closed,
        submitted_by=lambda: current.submitted_by,
        result=lambda: current.result,
    )


def _visible(
    user: _AnyUser,
    application: Application,
    *,
    closed: bool,
    submitted_by: Callable[[], Collection[int]],
    result: Callable[[], Aggregate | None],
) -> Aggregate | None:
    """The blind review of both: `result()` if `user` may see it now, else None."""
    if is_business_member(user, application):
        return result() if closed else None
    if is_assigned_curator(user, application) and user.pk not in submitted_by():
        return None
    return result()


# The MSME's products and documents, as far as they depend on applications.


def products_of(user: _AnyUser) -> QuerySet[Product]:
    """The user's businesses' products, each with what its list row shows (its latest
    application, its documents' next expiry), in a fixed number of queries whatever the
    number of rows."""
    if not user.is_authenticated:
        return Product.objects.none()
    latest = Application.objects.filter(product=OuterRef("pk")).order_by("-created_at", "-pk")
    today = timezone.localdate()
    # Only the types that expire have an expiry that counts (not a halal certificate's).
    documents = Document.objects.filter(product=OuterRef("pk")).expiring_kinds().not_superseded()
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


def business_reads(application: Application) -> str:
    """Which language the business's members read, as a sentence for the staff writing
    to it (a revision request, a rejection, a comment): notes reach her as written, not
    translated. Their profiles' languages, most members first; one query."""
    languages = list(
        get_user_model()
        .objects.filter(memberships__business=application.product.business_id, is_active=True)
        .values_list("profile__language", flat=True)
    )
    if not languages:
        return ""
    names = dict(settings.LANGUAGES)
    ordered = sorted(set(languages), key=lambda code: (-languages.count(code), code))
    read = [str(names.get(code, code)) for code in ordered]
    if len(read) == 1:
        return _("The business reads %(language)s.") % {"language": read[0]}
    return _("The business's members read %(languages)s.") % {"languages": ", ".join(read)}
