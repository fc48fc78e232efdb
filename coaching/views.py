"""Coaching pages: an office's programmes (list, new, edit, its referrals and their
outcomes), referring a business from an application, and the business saying it
attended. Thin: load through the selectors, validate a form, call one service,
redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coaching import services
from coaching.forms import ProgrammeForm, ReferralForm
from coaching.models import Referral
from coaching.permissions import can_declare_attendance, can_refer, office_of
from coaching.selectors import (
    current_criteria,
    decided_result,
    get_programme_for_user,
    low_criteria,
    programme_outcomes,
    programmes_of,
    programmes_offered,
)
from curation.selectors import business_reads, get_application_for_user
from kernel.decorators import role_required
from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from kernel.pagination import paginate
from kernel.roles import Role

MANAGERS = (Role.COORDINATOR, Role.OFFICE_ADMIN)


@role_required(*MANAGERS)
def programme_list(request):
    office = office_of(request.user)
    page = paginate(request, programmes_of(office)) if office else None
    return render(request, "coaching/programme_list.html", {"office": office, "page": page})


@role_required(*MANAGERS)
def programme_new(request):
    if office_of(request.user) is None:
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, criteria=current_criteria())
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(by=request.user, **form.changes())
        messages.success(request, _("The programme is saved."))
        return redirect("coaching:programme", pk=programme.pk)
    return render(request, "coaching/programme_form.html", {"form": form, "programme": None})


@login_required
def programme_edit(request, pk):
    programme = get_programme_for_user(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme, criteria=current_criteria())
    if request.method == "POST" and form.is_valid():
        services.programme_update(programme=programme, by=request.user, **form.changes())
        messages.success(request, _("The programme is saved."))
        return redirect("coaching:programme", pk=programme.pk)
    return render(request, "coaching/programme_form.html", {"form": form, "programme": programme})


@login_required
def programme_detail(request, pk):
    """Who was referred, who attended, and whether their next application scored higher
    on the criteria named (`selectors.programme_outcomes`)."""
    programme = get_programme_for_user(request.user, pk)
    return render(
        request,
        "coaching/programme_detail.html",
        {"programme": programme, "outcomes": programme_outcomes(programme)},
    )


@login_required
def referral_new(request, pk):
    """The lead curator or the region's coordinator refers the business to a programme,
    from the application page."""
    application = get_application_for_user(request.user, pk)
    if not can_refer.test(request.user, application):
        return render(
            request,
            "curation/transition_refused.html",
            {
                "application": application,
                "problems": [
                    _(
                        "Only the lead curator or the coordinator of the application's region "
                        "refers a business to coaching, after a revision request, a rejection "
                        "or a grade C or D."
                    )
                ],
            },
            status=403,
        )
    programmes = programmes_offered(application).select_related("office")
    result = decided_result(application)
    form = ReferralForm(
        request.POST or None,
        programmes=programmes,
        criteria=current_criteria(),
        low=low_criteria(result),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                application=application,
                programme=form.cleaned_data["programme"],
                by=request.user,
                note=form.cleaned_data["note"],
                criteria=form.cleaned_data["criteria"],
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request,
                _("%(business)s is referred to the programme and has been told by e-mail.")
                % {"business": application.product.business.name},
            )
            return redirect(services.referral_link(application))
    return render(
        request,
        "coaching/referral_form.html",
        {
            "application": application,
            "form": form,
            "has_programmes": programmes.exists(),
            "business_reads": business_reads(application),
        },
    )


@login_required
@require_POST
def referral_attended(request, pk):
    """A member of the business says it attended the programme."""
    referral = get_object_or_404(Referral.objects.select_related("programme"), pk=pk)
    # Who may not see the application learns nothing of the referral.
    application = get_application_for_user(request.user, referral.application_id)
    referral.application = application
    if not can_declare_attendance.test(request.user, referral):
        raise PermissionDenied
    try:
        services.referral_attend(referral=referral, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _("Thank you: the office can now see that you attended %(programme)s.")
            % {"programme": referral.programme.name},
        )
    return redirect(services.referral_link(application))
