"""Pages of the MSME portal about the business: registering it (the "My business" menu
item), its page and profile, its members, and the invitations to join it (sending,
cancelling, the link that accepts one).

Thin views as in products.views: load through products.selectors (404 for outsiders),
check the page's own predicate from products.permissions (403), validate a form, call
one service from products.services (its WorkflowError shown on the form or as
messages), redirect. State changes only on POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from kernel.pagination import paginate
from offices.routing import coverage, is_served
from products import selectors, services
from products.forms import BusinessForm, InvitationForm
from products.guide import BUSINESS, guided_steps
from products.models import BusinessInvitation, DocumentType, Membership
from products.numbers import npwp_advice
from products.permissions import is_business_owner
from products.views import safe_next


def _show_npwp_advice(request, business):
    if advice := npwp_advice(business.npwp):
        messages.info(request, advice)


# Businesses.


def _show_unserved_warning(request, business):
    # A region no office serves: it may register, but cannot submit (`offices/_coverage`).
    if not is_served(business.region_id):
        messages.warning(
            request,
            _(
                "No curation office serves %(region)s yet: you can prepare your products, "
                "but not submit them until one does. The business's page says what to do."
            )
            % {"region": business.region.name},
        )


@login_required
def business_home(request):
    """The "My business" menu item: the one business, a choice among several, or the
    registration form."""
    businesses = list(selectors.businesses_of(request.user))
    if not businesses:
        return redirect("products:business_new")
    if len(businesses) == 1:
        return redirect("products:business", pk=businesses[0].pk)
    return render(request, "products/business_choose.html", {"businesses": businesses})


@login_required
def business_create(request):
    form = BusinessForm(request.POST or None)
    claimable = None
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(by=request.user, **form.cleaned_data)
        except services.ClaimableBusiness as e:
            # Offered a claim on the office's registry entry instead (views_registry).
            claimable = e.business
            workflow_error_to_form(form, e)
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request,
                _(
                    "%(business)s is registered and you are its owner. Next, describe the "
                    "product you want to export."
                )
                % {"business": business.name},
            )
            _show_npwp_advice(request, business)
            _show_unserved_warning(request, business)
            return redirect("products:new")
    return render(
        request,
        "products/business_form.html",
        {
            "form": form,
            "creating": True,
            "guide": guided_steps(BUSINESS),
            "invitations": selectors.pending_invitations_for(request.user),
            "has_business": selectors.businesses_of(request.user).exists(),
            "coverage": coverage(),
            "claimable": claimable,
            "claims": selectors.claims_of(request.user),
        },
    )


@login_required
def business_detail(request, pk):
    business = selectors.get_business_for_user(request.user, pk)
    membership = selectors.membership_of(request.user, business)
    documents = paginate(request, selectors.documents_of(business))
    required = DocumentType.objects.filter(
        scope=DocumentType.Scope.BUSINESS,
    ).exclude(required_for=DocumentType.RequiredFor.NONE)
    present = set(selectors.documents_of(business).current().values_list("kind_id", flat=True))
    return render(
        request,
        "products/business_detail.html",
        {
            "business": business,
            "is_owner": membership.role == Membership.Role.OWNER,
            "page": documents,
            "missing": [t for t in required if t.pk not in present],
            "links": list(business.links.of_business_itself()),
            "coverage": coverage(business.region),
        },
    )


@login_required
def business_edit(request, pk):
    business = selectors.get_business_for_user(request.user, pk)
    if not is_business_owner(request.user, business):
        raise PermissionDenied
    locked = services.business_locked_fields(business)
    form = BusinessForm(request.POST or None, instance=business, locked=locked)
    if request.method == "POST" and form.is_valid():
        try:
            services.business_update(business=business, by=request.user, **form.cleaned_data)
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(request, _("The business profile is saved."))
            _show_npwp_advice(request, business)
            _show_unserved_warning(request, business)
            return redirect(safe_next(request, reverse("products:business", args=[business.pk])))
    return render(
        request,
        "products/business_form.html",
        {"form": form, "business": business, "coverage": coverage(business.region)},
    )


@login_required
def business_members(request, pk):
    business = selectors.get_business_for_user(request.user, pk)
    owner = is_business_owner(request.user, business)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not owner:
            raise PermissionDenied
        if form.is_valid():
            try:
                invitation = services.business_invite(
                    business=business, email=form.cleaned_data["email"], by=request.user
                )
            except WorkflowError as e:
                workflow_error_to_form(form, e)
            else:
                messages.success(
                    request,
                    _("An invitation was sent to %(email)s.") % {"email": invitation.email},
                )
                return redirect("products:members", pk=business.pk)
    members = business.memberships.select_related("user").order_by("-role", "joined_at")
    invitations = business.invitations.pending().select_related("invited_by")
    return render(
        request,
        "products/members.html",
        {
            "business": business,
            "is_owner": owner,
            "page": paginate(request, members),
            "invitations": invitations if owner else None,
            "form": form,
        },
    )


@login_required
@require_POST
def membership_remove(request, pk, membership_pk):
    business = selectors.get_business_for_user(request.user, pk)
    membership = get_object_or_404(business.memberships.select_related("user"), pk=membership_pk)
    if not is_business_owner(request.user, business):
        raise PermissionDenied
    try:
        services.membership_remove(membership=membership, by=request.user)
    except WorkflowError as e:
        show_workflow_error(request, e)
    else:
        messages.success(
            request,
            _("%(person)s is no longer a member of %(business)s.")
            % {"person": membership.user.email or membership.user, "business": business.name},
        )
    return redirect("products:members", pk=business.pk)


@login_required
@require_POST
def invitation_cancel(request, pk, invitation_pk):
    business = selectors.get_business_for_user(request.user, pk)
    invitation = get_object_or_404(business.invitations, pk=invitation_pk)
    if not is_business_owner(request.user, business):
        raise PermissionDenied
    services.invitation_cancel(invitation=invitation, by=request.user)
    messages.success(
        request, _("The invitation to %(email)s is cancelled.") % {"email": invitation.email}
    )
    return redirect("products:members", pk=business.pk)


def invitation(request, token):
    """The link in the invitation e-mail: who invites, and a button to accept (after
    signing in or up with the invited address)."""
    found = (
        BusinessInvitation.objects.select_related("business", "invited_by")
        .filter(token=token)
        .first()
    )
    user = request.user if request.user.is_authenticated else None
    if request.method == "POST" and user is not None:
        try:
            membership = services.invitation_accept(token=token, user=user)
        except WorkflowError as e:
            show_workflow_error(request, e)
        else:
            messages.success(
                request,
                _("Welcome to %(business)s.") % {"business": membership.business.name},
            )
            return redirect("products:business", pk=membership.business_id)
    problem = services.invitation_problem(found, user=user)
    return render(
        request,
        "products/invitation.html",
        {"invitation": found, "problem": problem},
        status=404 if found is None else 200,
    )
