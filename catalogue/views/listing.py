"""The business's listing page: whether its certified products are in the public
catalogue, what that shows, and its owners' consent (given, changed, withdrawn).

Its members see it (anyone else: 404, as for every page of a business); only an owner
changes it (a staff member: 403). State changes only on POST, through the services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalogue import selectors, services
from catalogue.forms import ListingForm
from catalogue.models import Listing
from catalogue.permissions import can_manage_listing
from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from products.selectors import get_business_for_user

# How much of the consent's history the page shows (the admin shows all of it).
HISTORY_ROWS = 10


@login_required
@require_http_methods(["GET", "POST"])
def listing(request, business_pk):
    business = get_business_for_user(request.user, business_pk)
    current = selectors.listing_of(business)
    is_owner = can_manage_listing.test(request.user, business)
    form = ListingForm(
        # Bound on every POST: one with nothing ticked and no link is a valid consent.
        request.POST if request.method == "POST" else None,
        instance=current or Listing(business=business),
    )
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied
        if form.is_valid():
            was_listed = current is not None and current.is_active
            try:
                services.listing_consent_give(
                    business=business, by=request.user, **form.cleaned_data
                )
            except WorkflowError as e:
                workflow_error_to_form(form, e)
            else:
                messages.success(
                    request,
                    _("Saved.")
                    if was_listed
                    else _("Your certified products are now in the public catalogue."),
                )
                return redirect("catalogue:listing", business_pk=business.pk)
    entries = selectors.live_certificates().filter(product__business=business)
    return render(
        request,
        "catalogue/listing.html",
        {
            "business": business,
            "listing": current,
            "is_owner": is_owner,
            "form": form,
            "certified": list(entries.select_related("product").order_by("product__name")),
            "links": list(business.links.of_business_itself()),
            "history": list(
                current.events.select_related("actor").order_by("-at", "-pk")[:HISTORY_ROWS]
            )
            if current
            else [],
        },
    )


@login_required
@require_POST
def listing_withdraw(request, business_pk):
    business = get_business_for_user(request.user, business_pk)
    if not can_manage_listing.test(request.user, business):
        raise PermissionDenied
    try:
        services.listing_consent_withdraw(business=business, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(request, _("Your products are no longer in the public catalogue."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect("catalogue:listing", business_pk=business.pk)
    return redirect(target)
