"""The functions that change businesses, their members and products (documents are
stored by products.document_services).

Each takes keyword arguments and the acting user (`by`), checks that the user may do it,
and raises `WorkflowError` with messages for the person at the keyboard when the input is
not acceptable (with `fields`, so a form can show each by its input) or the user may not
do it (a page answers 403 or 404 before calling a service for a user who may not see it
at all). A refusal changes nothing and stores no file. E-mails go out only after the
commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kernel.errors import WorkflowError
from kernel.roles import Role
from kernel.states import State
from products.links import MAX_LINKS, link_kind
from products.models import Business, BusinessInvitation, Link, Market, Membership, Product
from products.permissions import is_business_member, is_business_owner
from products.tasks import send_invitation_email
from products.validators import strip_punctuation

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

# While the office works on an application, the product it describes stays as submitted:
# the MSME changes it in draft or when asked to (revision, packaging revision).
LOCKED_STATES = (
    State.SUBMITTED,
    State.IN_CURATION,
    State.PACKAGING_REVIEW,
    State.AWAITING_CERTIFICATION,
)
# The states in which an application's target markets follow the product's.
MARKETS_FOLLOW_PRODUCT = (State.DRAFT, State.REVISION_REQUESTED)
# The states of an application that has left the draft.
STARTED_STATES = tuple(state for state in State if state != State.DRAFT)


class LockingApplication(Protocol):
    """What products reads of the application that locks a product (an application is
    curation's: here it is reached through the reverse relation `product.applications`)."""

    def get_state_display(self) -> str: ...


def require_member(user: _User, business: Business) -> None:
    if not is_business_member(user, business):
        raise WorkflowError(_("Only members of %(business)s can do this.") % {"business": business})


def _require_owner(user: _User, business: Business) -> None:
    if not is_business_owner(user, business):
        raise WorkflowError(
            _("Only the owner of %(business)s can do this.") % {"business": business}
        )


def _invalid(error: ValidationError) -> WorkflowError:
    """A model's `full_clean` refusal, field by field."""
    fields = dict(error.message_dict)
    return WorkflowError(fields.pop(NON_FIELD_ERRORS, []), fields=fields)


def join_msme_group(user: _User) -> None:
    user.groups.add(Group.objects.get_or_create(name=Role.MSME)[0])


# Businesses.

BUSINESS_FIELDS = (
    "name", "nib", "npwp", "address", "region", "size", "email", "phone",
    "export_contact_name", "export_contact_email", "export_contact_phone",
    "export_contact_whatsapp", "show_contact_email", "show_contact_phone",
    "legal_form", "kbli", "founded_year", "workforce", "turnover_band", "women_led",
)  # fmt: skip


class ClaimableBusiness(WorkflowError):
    """A registration refused because the NIB is that of a business of the office's
    registry nobody has claimed yet: the page offers to claim it
    (`registry_services.business_claim_request`)."""

    def __init__(self, business: Business):
        self.business = business
        super().__init__(
            fields={
                "nib": _(
                    "%(business)s, NIB %(nib)s, is in the registry of the office of %(region)s "
                    "and has no owner on Siap Ekspor yet. If it is yours, ask to claim it: "
                    "once the office confirms, you are its owner."
                )
                % {"business": business.name, "nib": business.nib, "region": business.region}
            }
        )


def _nib_taken_message(nib: str) -> str:
    return _(
        "A business with NIB %(nib)s is already registered. Ask its owner to invite you "
        "from its members page."
    ) % {"nib": nib}


def _save_business(business: Business) -> None:
    business.nib = strip_punctuation(business.nib)
    business.npwp = strip_punctuation(business.npwp)
    try:
        business.full_clean(validate_unique=False)
    except ValidationError as e:
        raise _invalid(e) from None
    taken = Business.objects.filter(nib=business.nib).exclude(pk=business.pk).first()
    if taken is not None and business.pk is None and not taken.memberships.exists():
        raise ClaimableBusiness(taken)
    if taken is not None:
        raise WorkflowError(fields={"nib": _nib_taken_message(business.nib)})
    try:
        with transaction.atomic():
            business.save()
    except IntegrityError:
        # Another registration with the same NIB won the race between check and insert.
        raise WorkflowError(fields={"nib": _nib_taken_message(business.nib)}) from None


def business_create(*, by: _User, links: Sequence[str] | None = None, **fields: Any) -> Business:
    """Register a business; `by` becomes its owner (and an MSME member if not yet)."""
    business = Business(
        **{name: value for name, value in fields.items() if name in BUSINESS_FIELDS}
    )
    with transaction.atomic():
        _save_business(business)
        Membership.objects.create(business=business, user=by, role=Membership.Role.OWNER)
        join_msme_group(by)
        if links is not None:
            _set_links(business=business, product=None, urls=links)
    return business


def business_locked_fields(business: Business) -> set[str]:
    """Fields the owner may no longer change: the region decides which office handles
    the applications, and the NIB identifies the business to it; once an application has
    left the draft they are changed by the office (in the admin)."""
    started = Product.objects.filter(business=business, applications__state__in=STARTED_STATES)
    return {"nib", "region"} if started.exists() else set()


def business_update(
    *, business: Business, by: _User, links: Sequence[str] | None = None, **fields: Any
) -> Business:
    _require_owner(by, business)
    locked = business_locked_fields(business)
    for name, value in fields.items():
        if name in BUSINESS_FIELDS and name not in locked:
            setattr(business, name, value)
    with transaction.atomic():
        _save_business(business)
        if links is not None:
            _set_links(business=business, product=None, urls=links)
    return business


def _set_links(*, business: Business, product: Product | None, urls: Sequence[str]) -> None:
    """Replace the web addresses of the business (or of its `product`) by `urls`, in
    their order, each checked (`products.links`) and its kind told from its host."""
    urls = list(dict.fromkeys(url.strip() for url in urls if url.strip()))
    field = "links"
    if len(urls) > MAX_LINKS:
        raise WorkflowError(
            fields={field: _("Give at most %(count)s addresses.") % {"count": MAX_LINKS}}
        )
    links = [
        Link(business=business, product=product, kind=link_kind(url), url=url, position=i)
        for i, url in enumerate(urls)
    ]
    problems = []
    for link in links:
        try:
            link.full_clean(exclude=["business", "product"], validate_unique=False)
        except ValidationError as e:
            problems += e.message_dict.get("url", [])
    if problems:
        raise WorkflowError(fields={field: problems})
    Link.objects.filter(business=business, product=product).delete()
    Link.objects.bulk_create(links)


# Members and invitations.


def business_invite(*, business: Business, email: str, by: _User) -> BusinessInvitation:
    """Invite `email` to join as staff; the link is e-mailed after the commit. A new
    invitation to the same address replaces a pending one (only the newest link works)."""
    _require_owner(by, business)
    email = email.strip().lower()
    if business.memberships.filter(user__email__iexact=email).exists():
        raise WorkflowError(
            fields={
                "email": _("%(email)s is already a member of %(business)s.")
                % {"email": email, "business": business}
            }
        )
    with transaction.atomic():
        now = timezone.now()
        business.invitations.pending(now).filter(email__iexact=email).update(cancelled_at=now)
        invitation = BusinessInvitation.objects.create(
            business=business, email=email, invited_by=by, created_at=now
        )
        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


def invitation_problem(
    invitation: BusinessInvitation | None,
    *,
    user: _User | None = None,
    now: datetime | None = None,
) -> str | None:
    """Why this invitation cannot be accepted (by `user`), or None."""
    now = now or timezone.now()
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.cancelled_at is not None:
        return _("This invitation was cancelled. Ask the owner of %(business)s for a new one.") % {
            "business": invitation.business
        }
    if invitation.expires_at <= now:
        return _(
            "This invitation expired on %(date)s. Ask the owner of %(business)s for a new one."
        ) % {
            "date": formats.date_format(timezone.localtime(invitation.expires_at)),
            "business": invitation.business,
        }
    if (
        invitation.role == Membership.Role.OWNER
        and invitation.business.memberships.exclude(user=user).exists()
    ):
        return _("%(business)s has been claimed by its owner already.") % {
            "business": invitation.business
        }
    if user is not None:
        if not _has_verified_email(user, invitation.email):
            return _(
                "This invitation was sent to %(email)s. Sign in with that address, or add it "
                "to your account's e-mail addresses and verify it, then open the link again."
            ) % {"email": invitation.email}
        if is_business_member(user, invitation.business):
            return _("You are already a member of %(business)s.") % {
                "business": invitation.business
            }
    return None


def _has_verified_email(user: _User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def invitation_accept(*, token: str, user: _User) -> Membership:
    """`user` joins the invitation's business as staff (as its owner when the office
    invited them to claim a business of its registry). The link works once: the row lock
    makes a double click (or two people with a forwarded link) succeed once."""
    with transaction.atomic():
        invitation = (
            BusinessInvitation.objects.select_for_update(of=("self",))
            .select_related("business")
            .filter(token=token)
            .first()
        )
        if invitation is not None and invitation.role == Membership.Role.OWNER:
            # An office's invitation to claim a business: the lock on the business keeps
            # two invitations (or an invitation and a claim) from giving it two owners.
            Business.objects.select_for_update().filter(pk=invitation.business_id).first()
        problem = invitation_problem(invitation, user=user)
        if problem:
            raise WorkflowError(problem)
        assert invitation is not None  # invitation_problem refuses a missing one
        membership = Membership.objects.create(
            business=invitation.business, user=user, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        join_msme_group(user)
    return membership


def invitation_cancel(*, invitation: BusinessInvitation, by: _User) -> BusinessInvitation:
    _require_owner(by, invitation.business)
    if invitation.is_pending():
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
    return invitation


def membership_remove(*, membership: Membership, by: _User) -> None:
    """The owner removes a staff member. Owners are not removed here (nobody would be
    left to manage the members); the office does that in the admin."""
    _require_owner(by, membership.business)
    if membership.role == Membership.Role.OWNER:
        raise WorkflowError(_("An owner cannot be removed from the members page."))
    membership.delete()


# Products.

PRODUCT_FIELDS = (
    "name",
    "category",
    "hs_code",
    "description",
    "materials",
    "monthly_capacity",
    "capacity_unit",
    "shelf_life_days",
    "fob_price",
    "fob_currency",
)


def product_locking_application(product: Product) -> LockingApplication | None:
    """The application that keeps the product from being changed now, or None."""
    return product.applications.filter(state__in=LOCKED_STATES).first()


def _save_product(
    product: Product, fields: dict[str, Any], target_markets: Iterable[Market]
) -> None:
    for name in PRODUCT_FIELDS:
        if name in fields:
            setattr(product, name, fields[name])
    if not product.category.is_food:
        # Shelf life is asked of food only; a product moved out of food keeps none.
        product.shelf_life_days = None
    product.hs_code = strip_punctuation(product.hs_code)
    try:
        product.full_clean()
    except ValidationError as e:
        raise _invalid(e) from None
    product.save()
    product.target_markets.set(target_markets)
    # A draft (or an application being revised) is for the markets the product names now.
    for application in product.applications.filter(state__in=MARKETS_FOLLOW_PRODUCT):
        application.target_markets.set(target_markets)


def product_create(
    *,
    business: Business,
    by: _User,
    target_markets: Iterable[Market] = (),
    links: Sequence[str] | None = None,
    **fields: Any,
) -> Product:
    require_member(by, business)
    product = Product(business=business)
    with transaction.atomic():
        _save_product(product, fields, target_markets)
        if links is not None:
            _set_links(business=business, product=product, urls=links)
    return product


def product_update(
    *,
    product: Product,
    by: _User,
    target_markets: Iterable[Market] = (),
    links: Sequence[str] | None = None,
    **fields: Any,
) -> Product:
    require_member(by, product.business)
    with transaction.atomic():
        # The lock keeps a submit from slipping in between the check and the change.
        list(product.applications.select_for_update().values("pk"))
        locking = product_locking_application(product)
        if locking is not None:
            raise WorkflowError(
                _(
                    "%(product)s cannot be changed while the office reviews it (application "
                    "“%(state)s”). Wait for a revision request, or withdraw the application."
                )
                % {"product": product.name, "state": locking.get_state_display()}
            )
        _save_product(product, fields, target_markets)
        if links is not None:
            _set_links(business=product.business, product=product, urls=links)
    return product
