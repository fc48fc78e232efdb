"""The registry pages under /products/registry/: an office's coordinators and office
administrators import their regions' registry file (upload, preview of every row with
its errors, import, a report to download) and hand its businesses to their owners
(invite by e-mail, confirm or refuse a claim); and the MSME's request to claim a
business of the registry, offered when its NIB is already there.

Thin views as in products.views: the role and regions are checked here (403), objects
are loaded through products.selectors (404 for outsiders), one service changes state.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from kernel.pagination import paginate
from products import registry, registry_services, selectors
from products.forms import OwnerInvitationForm, RegistryUploadForm
from products.models import Business, BusinessClaim, Membership, RegistryImport
from products.permissions import may_import_registry, staff_region_ids
from products.validators import strip_punctuation

# Rows of a preview shown per page: a regency's file has thousands.
PREVIEW_PAGE_SIZE = 100


def _registry_staff(request) -> list[int]:
    """The regions the user imports for; 403 for anyone else."""
    if not may_import_registry(request.user):
        raise PermissionDenied
    return staff_region_ids(request.user)


def _upload_form(request):
    return RegistryUploadForm(
        request.POST or None,
        request.FILES or None,
        max_mb=registry.MAX_BYTES // 1_048_576,
        max_rows=registry.MAX_ROWS,
    )


@login_required
def registry_home(request):
    """The imports the user made, and the form to upload a new file."""
    _registry_staff(request)
    form = _upload_form(request)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            registry_import = registry_services.registry_import_upload(
                name=file.name, content=file.read(), by=request.user
            )
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            return redirect("products:registry_import", pk=registry_import.pk)
    return render(
        request,
        "products/registry/home.html",
        {
            "form": form,
            "page": paginate(request, selectors.registry_imports_of(request.user)),
            "columns": registry.COLUMNS,
        },
    )


def _preview_rows(registry_import: RegistryImport, rows: list[dict]) -> list[dict]:
    """The rows of one page, each with what an import would do to it now (read in one
    query for the page)."""
    if registry_import.status == RegistryImport.Status.IMPORTED:
        return rows
    nibs = [strip_punctuation(row["values"].get("nib", "")) for row in rows]
    claimed = dict(
        Business.objects.filter(nib__in=nibs)
        .annotate(claimed=Exists(Membership.objects.filter(business=OuterRef("pk"))))
        .values_list("nib", "claimed")
    )
    shown = []
    for row, nib in zip(rows, nibs, strict=True):
        if row["errors"]:
            plan = "skipped"
        elif nib in claimed:
            plan = "updated"
        else:
            plan = "created"
        shown.append({**row, "outcome": plan, "claimed": claimed.get(nib)})
    return shown


@login_required
def registry_import(request, pk):
    """The preview of an uploaded file (every row with its errors, and what the import
    will do), or, once imported, what it did."""
    _registry_staff(request)
    registry_import = selectors.get_registry_import_for_user(request.user, pk)
    rows = registry_import.rows
    only_errors = request.GET.get("show") == "errors"
    if only_errors:
        rows = [row for row in rows if row["errors"]]
    page = paginate(request, rows, PREVIEW_PAGE_SIZE)
    page.object_list = _preview_rows(registry_import, list(page.object_list))
    labels = {column.key: column.label for column in registry.COLUMNS}
    return render(
        request,
        "products/registry/import.html",
        {
            "registry_import": registry_import,
            "page": page,
            "only_errors": only_errors,
            "labels": labels,
            "imported": registry_import.status == RegistryImport.Status.IMPORTED,
        },
    )


@login_required
@require_POST
def registry_import_confirm(request, pk):
    _registry_staff(request)
    registry_import = selectors.get_registry_import_for_user(request.user, pk)
    try:
        done = registry_services.registry_import_confirm(
            registry_import=registry_import, by=request.user
        )
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _(
                "Imported. Businesses added: %(created)s; updated: %(updated)s; rows skipped "
                "for their errors: %(skipped)s."
            )
            % {
                "created": done.outcome_count("created"),
                "updated": done.outcome_count("updated"),
                "skipped": done.outcome_count("skipped"),
            },
        )
    return redirect("products:registry_import", pk=registry_import.pk)


OUTCOME_LABELS = {
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "skipped": gettext_lazy("skipped"),
}


@login_required
def registry_report(request, pk):
    """The import's report as CSV: each row of the file, its NIB, what the import did
    with it (or would do, before the import) and its errors."""
    _registry_staff(request)
    registry_import = selectors.get_registry_import_for_user(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registry-import-{pk}-report.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("NIB"), _("Name"), _("Outcome"), _("Errors")])
    rows = _preview_rows(registry_import, registry_import.rows)
    for row in rows:
        writer.writerow(
            [
                row["row"],
                _cell(row["values"].get("nib", "")),
                _cell(row["values"].get("name", "")),
                OUTCOME_LABELS.get(row.get("outcome", ""), ""),
                _cell(" | ".join(row["errors"])),
            ]
        )
    return response


def _cell(value: str) -> str:
    """A value from the uploaded file, written so that a spreadsheet opening the report
    does not run it as a formula (=HYPERLINK(...) typed into a name)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# Claiming.


@login_required
def registry_businesses(request):
    """The region's businesses that wait for their owners, with a form to invite each
    one's owner, and the claims waiting for a decision."""
    region_ids = _registry_staff(request)
    return render(
        request,
        "products/registry/businesses.html",
        {
            "page": paginate(request, selectors.unclaimed_businesses_of_regions(region_ids)),
            "claims": selectors.pending_claims_of_regions(region_ids)[:50],
        },
    )


@login_required
@require_POST
def registry_invite(request, pk):
    region_ids = _registry_staff(request)
    business = selectors.get_unclaimed_business_for_staff(region_ids, pk)
    form = OwnerInvitationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("products:registry_businesses")
    try:
        invitation = registry_services.registry_invite_owner(
            business=business, email=form.cleaned_data["email"], by=request.user
        )
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _("%(email)s is invited to claim %(business)s as its owner.")
            % {"email": invitation.email, "business": business.name},
        )
    return redirect("products:registry_businesses")


@login_required
@require_POST
def registry_claim_decide(request, pk):
    region_ids = _registry_staff(request)
    claim = selectors.get_claim_for_staff(region_ids, pk)
    confirm = request.POST.get("decision") == "confirm"
    try:
        claim = registry_services.business_claim_decide(
            claim=claim, by=request.user, confirm=confirm
        )
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        person = claim.requested_by.email or claim.requested_by.get_username()
        if claim.status == BusinessClaim.Status.CONFIRMED:
            message = _("%(person)s is now the owner of %(business)s.")
        else:
            message = _("The claim of %(person)s on %(business)s is refused.")
        messages.success(request, message % {"person": person, "business": claim.business.name})
    return redirect("products:registry_businesses")


@login_required
@require_POST
def business_claim(request):
    """An MSME asks to claim the registry's business with the NIB they tried to register."""
    nib = strip_punctuation(request.POST.get("nib", ""))
    try:
        claim = registry_services.business_claim_request(nib=nib, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
        return redirect("products:business_new")
    messages.success(
        request,
        _(
            "Your claim on %(business)s is sent to the office of %(region)s. Once it confirms, "
            "you are the business's owner here."
        )
        % {"business": claim.business.name, "region": claim.business.region},
    )
    return redirect("curation:home")
