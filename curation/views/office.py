"""The office's own administration (WORKFLOW.md, "Roles": `office_admin`): its staff and
their invitations, its stage targets, its rubric and checklist versions; and the page
where someone invited joins. Who may do what is `curation.office_staff`; views load,
validate, call one service and redirect."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curation import office_settings, office_staff, two_factor
from curation.office_forms import (
    AssessmentVersionsForm,
    StaffInviteForm,
    StaffJoinForm,
    StaffRolesForm,
    StageTargetsForm,
)
from curation.two_factor import has_two_factor
from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from kernel.pagination import paginate
from kernel.roles import STAFF_ROLES, Role


@login_required
def staff(request):
    """The office's staff with their roles and last sign-in, its pending invitations, and
    (for its administrator) its settings."""
    office = office_staff.managed_office(request.user)
    page = paginate(request, office_staff.staff_members(office))
    rows = [(member, office_staff.staff_roles_of(member)) for member in page]
    return render(
        request,
        "curation/office/staff.html",
        {
            "office": office,
            "page": page,
            "rows": rows,
            "invitations": office_staff.pending_invitations(office),
            "is_admin": office_staff.may_deactivate(request.user),
            "targets": office_settings.stage_target_rows(office),
        },
    )


@login_required
def invite(request):
    office = office_staff.managed_office(request.user)
    grantable = office_staff.grantable_roles(request.user)
    form = StaffInviteForm(request.POST or None, grantable=grantable)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = office_staff.staff_invite(
                office=office,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                by=request.user,
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("curation:office_staff")
    return render(
        request,
        "curation/office/invite.html",
        {
            "office": office,
            "form": form,
            "all_roles": len(grantable) == len(STAFF_ROLES),
            "is_admin": office_staff.may_deactivate(request.user),
        },
    )


@login_required
@require_POST
def invitation_cancel(request, pk):
    office = office_staff.managed_office(request.user)
    invitation = get_object_or_404(office.invitations, pk=pk)
    try:
        office_staff.staff_invitation_cancel(invitation=invitation, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s is cancelled.") % {"email": invitation.email},
        )
    return redirect("curation:office_staff")


@login_required
def member(request, pk):
    """One member of staff: their roles (those the viewer may change), and deactivating or
    reactivating them (the administrator)."""
    person = office_staff.staff_member_for(request.user, pk)
    grantable = office_staff.grantable_roles(request.user)
    held = [role.value for role in office_staff.staff_roles_of(person)]
    form = StaffRolesForm(
        request.POST or None,
        grantable=grantable,
        initial={"roles": [name for name in held if name in {r.value for r in grantable}]},
    )
    if request.method == "POST" and form.is_valid():
        # The roles the viewer may not change stay as they are.
        kept = [name for name in held if name not in {r.value for r in grantable}]
        try:
            office_staff.staff_roles_set(
                member=person, roles=[*kept, *form.cleaned_data["roles"]], by=request.user
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request,
                _("The roles of %(person)s are saved.") % {"person": _name(person)},
            )
            return redirect("curation:office_member", pk=person.pk)
    others = [Role(name).label for name in held if name not in {r.value for r in grantable}]
    return render(
        request,
        "curation/office/member.html",
        {
            "person": person,
            "form": form,
            "other_roles": others,
            "is_admin": office_staff.may_deactivate(request.user),
            "is_self": person.pk == request.user.pk,
        },
    )


@login_required
@require_POST
def member_deactivate(request, pk):
    return _change_activity(
        request,
        pk,
        office_staff.staff_deactivate,
        _("%(person)s is deactivated: they can no longer sign in or act."),
    )


@login_required
@require_POST
def member_reactivate(request, pk):
    return _change_activity(
        request,
        pk,
        office_staff.staff_reactivate,
        _("%(person)s is active again, with the same roles."),
    )


def _change_activity(request, pk, change, done: str):
    """Deactivate or reactivate a member of the office's staff (administrators only), and
    come back to their page saying what happened or why not."""
    person = office_staff.staff_member_for(request.user, pk)
    if not office_staff.may_deactivate(request.user):
        raise PermissionDenied
    try:
        change(member=person, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(request, done % {"person": _name(person)})
    return redirect("curation:office_member", pk=person.pk)


def _office_for_settings(request):
    office = office_staff.managed_office(request.user)
    if not office_settings.may_set_office_settings(request.user):
        raise PermissionDenied
    return office


@login_required
def targets(request):
    """The office's stage targets, in working days."""
    office = _office_for_settings(request)
    rows = office_settings.stage_target_rows(office)
    form = StageTargetsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            office_settings.stage_targets_set(office=office, days=form.targets(), by=request.user)
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(request, _("The stage targets are saved."))
            return redirect("curation:office_targets")
    return render(request, "curation/office/targets.html", {"office": office, "form": form})


@login_required
def versions(request):
    """The rubric and packaging checklist versions of the office's new applications."""
    office = _office_for_settings(request)
    chosen = office_settings.assessment_versions_of(office)
    form = AssessmentVersionsForm(
        request.POST or None,
        initial={
            "rubric": chosen.rubric_id if chosen else None,
            "packaging_checklist": chosen.packaging_checklist_id if chosen else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            office_settings.assessment_versions_set(
                office=office,
                rubric=form.cleaned_data["rubric"],
                checklist=form.cleaned_data["packaging_checklist"],
                by=request.user,
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request,
                _("Saved: the office's new applications use these versions."),
            )
            return redirect("curation:office_versions")
    rubric, checklist = office_settings.versions_in_use(office)
    return render(
        request,
        "curation/office/versions.html",
        {"office": office, "form": form, "rubric": rubric, "checklist": checklist},
    )


def join(request, token):
    """The invitation link: someone without an account sets their name and password and is
    signed in; an account with the invited address, signed in, joins with one button."""
    invitation = office_staff.invitation_for_token(token)
    user = request.user
    problem = office_staff.invitation_problem(invitation, user=user)
    context = {"invitation": invitation, "problem": problem}
    if problem or invitation is None:
        return render(request, "curation/office/join.html", context)
    if user.is_authenticated:
        if request.method == "POST":
            try:
                office_staff.staff_join_existing(token=token, user=user)
            except WorkflowError as e:
                show_workflow_error(request, e)
                return redirect("curation:office_join", token=token)
            # Decided at sign-in, when the account held no staff role: ask again, so it
            # sets up its second factor before anything else (`curation.two_factor`).
            request.session[two_factor.SESSION_KEY] = True
            messages.success(
                request,
                _("You now work for %(office)s.") % {"office": invitation.office.name},
            )
            return redirect(_landing(user))
        return render(request, "curation/office/join.html", context)
    if office_staff.account_exists(invitation.email):
        context["has_account"] = True
        return render(request, "curation/office/join.html", context)
    form = StaffJoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = office_staff.staff_join_new(
                token=token,
                full_name=data["full_name"],
                password=data["password1"],
                language=data["language"],
                phone=data["phone"],
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            response = perform_login(
                request, person, email_verification="none", redirect_url=_landing(person)
            )
            # As a sign-in with the password does: setting up the second factor next then
            # does not ask for the password typed a moment ago.
            record_authentication(request, person, method="password", email=invitation.email)
            messages.success(
                request,
                _(
                    "Welcome to %(office)s. Staff accounts sign in with a second factor: set "
                    "up an authenticator app on your phone now (it takes a minute); your work "
                    "is on the dashboard afterwards."
                )
                % {"office": invitation.office.name},
            )
            return response
    context["form"] = form
    return render(request, "curation/office/join.html", context)


def _landing(user) -> str:
    """Where a new member of staff starts: the second factor's set-up until they have one
    (staff must: `curation.two_factor`), the dashboard after."""
    return reverse("curation:home") if has_two_factor(user) else reverse("mfa_activate_totp")


def _name(user) -> str:
    return user.get_full_name() or user.get_username()
