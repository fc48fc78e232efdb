"""A curator's conflicts of interest: the ones they declared, and declaring another
(`curation.conflicts`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from curation import conflicts as services
from curation.office_forms import ConflictForm
from kernel.errors import WorkflowError, workflow_error_to_form
from products.permissions import staff_region_ids


@login_required
def conflicts(request):
    user = request.user
    if not services.may_declare(user):
        raise PermissionDenied
    form = ConflictForm(
        request.POST or None,
        businesses=services.businesses_to_declare(user),
        region_ids=staff_region_ids(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            conflict = services.conflict_declare(
                curator=user,
                business=form.cleaned_data["business"],
                reason=form.cleaned_data["reason"],
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request,
                _(
                    "Declared: you will not be assigned to %(business)s. If you curate one of "
                    "its applications now, the coordinator is told to choose another curator."
                )
                % {"business": conflict.business.name},
            )
            return redirect("curation:conflicts")
    return render(
        request,
        "curation/conflicts.html",
        {"form": form, "conflicts": services.conflicts_of(user)},
    )
