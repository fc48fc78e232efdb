"""The office's staff, administered by the office itself (WORKFLOW.md, "Roles"): who may
invite, which roles each may grant, the invitation from the e-mail to a signed-in,
verified member of staff, changing roles, deactivating and reactivating.

The rules, in one place:
- an office administrator (`office_admin`) grants and removes every staff role; a
  coordinator invites and changes roles too, but only the roles they hold themselves
  ("a coordinator cannot grant a role they do not have");
- only an office administrator deactivates or reactivates a member of staff;
- everyone acts only on their own office's staff (another office's answer 404);
- the office always keeps an active administrator: the last one cannot lose the role or
  be deactivated, and nobody deactivates themselves.

Deactivating sets the account inactive (`is_active`): the person can no longer sign in,
their open sessions end at their next request (Django's authentication backends refuse an
inactive user), their API tokens stop working, no role of theirs counts
(`kernel.roles.user_roles`), and nobody can assign them. Their roles and office are kept,
so reactivating gives back exactly what they had.

An invitation to an address that already has an account is accepted by that account,
signed in with that address (verified): it keeps its password and gets the roles and the
office. A person works for one office; an invitation from another is refused until the
first office removes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from curation.accounts import email_in_use
from curation.models import Profile
from kernel import site
from kernel.errors import WorkflowError
from kernel.roles import STAFF_ROLES, Role, user_roles
from offices.models import Office, StaffInvitation

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User

STAFF_ROLE_NAMES = [role.value for role in STAFF_ROLES]


# Who may do what.


def office_of(user: _AnyUser) -> Office | None:
    """The office `user` works for (None for anyone who is not staff of one)."""
    if not user.is_authenticated:
        return None
    profile = Profile.objects.filter(user=user).select_related("office").first()
    return profile.office if profile is not None else None


def grantable_roles(user: _AnyUser) -> list[Role]:
    """The staff roles `user` may grant or remove: every one for an office administrator,
    those they hold for a coordinator, none for anyone else."""
    roles = user_roles(user)
    if Role.OFFICE_ADMIN in roles:
        return list(STAFF_ROLES)
    if Role.COORDINATOR in roles:
        return [role for role in STAFF_ROLES if role in roles]
    return []


def may_manage_staff(user: _AnyUser) -> bool:
    return bool(grantable_roles(user))


def may_deactivate(user: _AnyUser) -> bool:
    return Role.OFFICE_ADMIN in user_roles(user)


def managed_office(user: _AnyUser) -> Office:
    """The office whose staff `user` manages: 403 for whoever may not, 404 for a manager
    without an office (nothing to show)."""
    if not may_manage_staff(user):
        raise PermissionDenied
    office = office_of(user)
    if office is None:
        raise Http404
    return office


def staff_member_for(user: _AnyUser, pk: int) -> _User:
    """A member of the staff of `user`'s office, for someone who manages it; 404 for
    anyone else's staff (another office's, or nobody's)."""
    office = managed_office(user)
    member = (
        get_user_model()
        .objects.filter(pk=pk, profile__office=office)
        .select_related("profile")
        .first()
    )
    if member is None:
        raise Http404
    return member


# Reading.


def staff_members(office: Office) -> QuerySet[_User]:
    """The office's staff, active first, by name, each with their groups (one query for
    the rows, one for everyone's groups)."""
    return (
        get_user_model()
        .objects.filter(profile__office=office)
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.filter(name__in=STAFF_ROLE_NAMES))
        )
        .order_by("-is_active", "first_name", "username")
    )


def staff_roles_of(member: _User) -> list[Role]:
    """The member's staff roles in the workflow's order (from prefetched groups)."""
    names = {group.name for group in member.groups.all()}
    return [role for role in STAFF_ROLES if role.value in names]


def pending_invitations(office: Office) -> QuerySet[StaffInvitation]:
    return office.invitations.pending().select_related("invited_by")


def _active_admins(office: Office) -> QuerySet[_User]:
    return get_user_model().objects.filter(
        profile__office=office, is_active=True, groups__name=Role.OFFICE_ADMIN
    )


def _group(role: str) -> Group:
    return Group.objects.get_or_create(name=role)[0]


def _check_grant(by: _User, roles: Iterable[str]) -> None:
    allowed = {role.value for role in grantable_roles(by)}
    refused = [Role(name).label for name in roles if name not in allowed]
    if refused:
        raise WorkflowError(
            [
                _("You cannot grant or remove the role “%(role)s”: you do not hold it.")
                % {"role": label}
                for label in refused
            ]
        )


def _clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = set(roles)
    unknown = chosen - set(STAFF_ROLE_NAMES)
    if unknown:
        raise WorkflowError(_("Choose staff roles only."))
    return [name for name in STAFF_ROLE_NAMES if name in chosen]


# Invitations.


def staff_invite(*, office: Office, email: str, roles: Iterable[str], by: _User) -> StaffInvitation:
    """Invite `email` to work for `office` in `roles`, by e-mail (sent after commit). A new
    invitation to the same address replaces a pending one (only the newest link works)."""
    email = email.strip().lower()
    roles = _clean_roles(roles)
    if office_of(by) != office:
        raise WorkflowError(_("You can only invite staff to your own office."))
    if not roles:
        raise WorkflowError(_("Choose at least one role."))
    _check_grant(by, roles)
    if (
        get_user_model()
        .objects.filter(profile__office=office, emailaddress__email__iexact=email)
        .exists()
    ):
        raise WorkflowError(
            _("%(email)s already works for %(office)s: change their roles instead.")
            % {"email": email, "office": office}
        )
    with transaction.atomic():
        now = timezone.now()
        office.invitations.pending(now).filter(email__iexact=email).update(cancelled_at=now)
        invitation = StaffInvitation.objects.create(
            office=office, email=email, roles=roles, invited_by=by
        )
        transaction.on_commit(lambda: send_staff_invitation_email.enqueue(invitation.pk))
    return invitation


def staff_invitation_cancel(*, invitation: StaffInvitation, by: _User) -> StaffInvitation:
    if office_of(by) != invitation.office or not may_manage_staff(by):
        raise WorkflowError(_("You can only cancel your own office's invitations."))
    if invitation.is_pending():
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
    return invitation


def invitation_problem(
    invitation: StaffInvitation | None, *, user: _AnyUser | None = None
) -> str | None:
    """Why this invitation cannot be accepted (by `user`, when signed in), or None."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None:
        return _("This invitation has already been used.")
    if invitation.cancelled_at is not None:
        return _("This invitation was cancelled. Ask %(office)s for a new one.") % {
            "office": invitation.office
        }
    if invitation.expires_at <= timezone.now():
        return _("This invitation expired on %(date)s. Ask %(office)s for a new one.") % {
            "date": formats.date_format(timezone.localtime(invitation.expires_at)),
            "office": invitation.office,
        }
    if user is not None and user.is_authenticated:
        if not EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists():
            return _(
                "This invitation was sent to %(email)s. Sign out, then sign in with that "
                "address to accept it."
            ) % {"email": invitation.email}
        office = office_of(user)
        if office is not None and office != invitation.office:
            return _(
                "You work for %(office)s. Ask its administrator to remove you before you "
                "join another office."
            ) % {"office": office}
    return None


def account_exists(email: str) -> bool:
    """Whether an account has `email` already (it accepts signed in, keeping its password)."""
    return email_in_use(email, other_than=get_user_model()())


def invitation_for_token(token: str) -> StaffInvitation | None:
    return (
        StaffInvitation.objects.select_related("office", "invited_by").filter(token=token).first()
    )


def _locked_invitation(token: str, user: _AnyUser | None = None) -> StaffInvitation:
    # The row lock makes the link work once: a second acceptance at the same moment waits,
    # then finds it used.
    invitation = (
        StaffInvitation.objects.select_for_update(of=("self",))
        .select_related("office")
        .filter(token=token)
        .first()
    )
    problem = invitation_problem(invitation, user=user)
    if problem:
        raise WorkflowError(problem)
    assert invitation is not None  # invitation_problem refuses a missing one
    return invitation


def _join(user: _User, invitation: StaffInvitation) -> None:
    """`user` works for the invitation's office in its roles, staff as the office's staff
    are, with the invited address verified and primary (the link proved it theirs)."""
    user.groups.add(*(_group(name) for name in invitation.roles))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    Profile.objects.filter(user=user).update(office=invitation.office)
    address = EmailAddress.objects.filter(user=user, email__iexact=invitation.email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=invitation.email)
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    address.verified = address.primary = True
    address.save(update_fields=["verified", "primary"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])


def staff_join_new(
    *, token: str, full_name: str, password: str, language: str, phone: str = ""
) -> _User:
    """Make the account of someone invited who has none: their name, language and password
    (checked by the form), then `_join`. Refused if an account has the address already
    (that account accepts instead, signed in)."""
    with transaction.atomic():
        invitation = _locked_invitation(token)
        if account_exists(invitation.email):
            raise WorkflowError(
                _(
                    "An account with %(email)s exists already: sign in with it, then open "
                    "the invitation link again."
                )
                % {"email": invitation.email}
            )
        user = get_user_model()(email=invitation.email, first_name=full_name)
        user.username = get_adapter().generate_unique_username(
            [full_name, invitation.email, "staff"]
        )
        user.set_password(password)
        user.save()
        Profile.objects.filter(user=user).update(language=language, phone=phone)
        _join(user, invitation)
    return user


def staff_join_existing(*, token: str, user: _User) -> _User:
    """The signed-in account of the invited address takes the invitation's roles and
    office."""
    with transaction.atomic():
        invitation = _locked_invitation(token, user)
        _join(user, invitation)
    return user


@task()
def send_staff_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link, in the inviter's language (the invitee may have no
    account yet). A cancelled, used or expired invitation is not sent."""
    invitation = (
        StaffInvitation.objects.select_related("office", "invited_by__profile")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending():
        return False
    profile = getattr(invitation.invited_by, "profile", None)
    with translation.override(getattr(profile, "language", None) or settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "office": invitation.office.name,
            "roles": ", ".join(str(label) for label in invitation.role_labels()),
            "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.email,
            "link": site.absolute_url(reverse("curation:office_join", args=[invitation.token])),
            "expires": timezone.localtime(invitation.expires_at),
        }
        subject = render_to_string("curation/email/staff_invitation_subject.txt", context)
        body = render_to_string("curation/email/staff_invitation_body.txt", context)
    send_mail(site.email_subject(subject.strip()), body, None, [invitation.email])
    return True


# Changing roles, deactivating, reactivating.


def staff_roles_set(*, member: _User, roles: Iterable[str], by: _User) -> list[str]:
    """Give `member` exactly these staff roles. Only the roles that change are checked
    against what `by` may grant, so a coordinator can add the roles they hold to someone
    who also holds others. The last active office administrator keeps the role."""
    chosen = set(_clean_roles(roles))
    with transaction.atomic():
        office = _lock_office_of(member, by)
        current = set(
            member.groups.filter(name__in=STAFF_ROLE_NAMES).values_list("name", flat=True)
        )
        if not chosen:
            raise WorkflowError(_("Keep at least one role, or deactivate the account instead."))
        changed = chosen ^ current
        if not changed:
            return sorted(current)
        _check_grant(by, sorted(changed))
        if (
            Role.OFFICE_ADMIN in current - chosen
            and member.is_active
            and not _active_admins(office).exclude(pk=member.pk).exists()
        ):
            raise WorkflowError(
                _("%(person)s is the office's last administrator: make someone else one first.")
                % {"person": _name(member)}
            )
        member.groups.remove(*Group.objects.filter(name__in=current - chosen))
        member.groups.add(*(_group(name) for name in sorted(chosen - current)))
    return sorted(chosen)


def staff_deactivate(*, member: _User, by: _User) -> _User:
    with transaction.atomic():
        office = _lock_office_of(member, by)
        if not may_deactivate(by):
            raise WorkflowError(_("Only an office administrator can deactivate staff."))
        if member.pk == by.pk:
            raise WorkflowError(_("You cannot deactivate your own account."))
        if (
            member.is_active
            and member.groups.filter(name=Role.OFFICE_ADMIN).exists()
            and not _active_admins(office).exclude(pk=member.pk).exists()
        ):
            raise WorkflowError(
                _("%(person)s is the office's last administrator: make someone else one first.")
                % {"person": _name(member)}
            )
        if member.is_active:
            member.is_active = False
            member.save(update_fields=["is_active"])
    return member


def staff_reactivate(*, member: _User, by: _User) -> _User:
    with transaction.atomic():
        _lock_office_of(member, by)
        if not may_deactivate(by):
            raise WorkflowError(_("Only an office administrator can reactivate staff."))
        if not member.is_active:
            member.is_active = True
            member.save(update_fields=["is_active"])
    return member


def _lock_office_of(member: _User, by: _User) -> Office:
    """`by`'s office, its row locked until the transaction ends, after checking `member`
    works there. The lock queues two administrators changing the office's staff at the same
    moment, so they cannot each remove one of its last two administrators."""
    office = office_of(by)
    if office is None or not may_manage_staff(by):
        raise WorkflowError(_("You do not manage an office's staff."))
    locked = Office.objects.select_for_update().get(pk=office.pk)
    if not Profile.objects.filter(user=member, office=locked).exists():
        raise WorkflowError(
            _("%(person)s does not work for your office.") % {"person": _name(member)}
        )
    return locked


def _name(user: _User) -> str:
    return user.get_full_name() or user.get_username()
