"""Pages of the MSME portal: the business and its members, adding and editing products,
uploading documents. The pages that show or start applications (the product list and
page, applying, the document download) are curation's, in curation/views/products.py.

Thin views: load through products.selectors (404 for outsiders), check the page's own
predicate from products.permissions (403), validate a form, call one service from
products.services (its WorkflowError shown on the form or as messages), redirect. State
changes only on POST.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from kernel.pagination import paginate
from products import selectors, services
from products.forms import (
    BusinessForm,
    DocumentForm,
    InvitationForm,
    ProductForm,
    form_initial_from,
)
from products.models import BusinessInvitation, DocumentType, Membership
from products.numbers import UnconfirmedNumber, npwp_advice
from products.permissions import is_business_owner


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def _show_warnings(request, warnings):
    for warning in warnings:
        messages.warning(request, warning)


def _show_npwp_advice(request, business):
    if advice := npwp_advice(business.npwp):
        messages.info(request, advice)


# Businesses.


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
    if request.method == "POST" and form.is_valid():
        try:
            business = services.business_create(by=request.user, **form.cleaned_data)
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request,
                _("%(business)s is registered and you are its owner. Now add your products.")
                % {"business": business.name},
            )
            _show_npwp_advice(request, business)
            return redirect("products:business", pk=business.pk)
    return render(
        request,
        "products/business_form.html",
        {
            "form": form,
            "creating": True,
            "invitations": selectors.pending_invitations_for(request.user),
            "has_business": selectors.businesses_of(request.user).exists(),
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
            return redirect("products:business", pk=business.pk)
    return render(request, "products/business_form.html", {"form": form, "business": business})


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


# Products.


def _product_form(request, *, product=None):
    businesses = list(selectors.businesses_of(request.user))
    if not businesses:
        return redirect("products:business_new")
    kwargs = {"businesses": businesses, "refresh_url": request.path}
    if product is not None:
        kwargs["instance"] = product
        kwargs["initial"] = {"target_markets": list(product.target_markets.all())}
    refresh = request.method == "POST" and request.POST.get("refresh") == "category"
    if refresh:
        # The category changed: draw the form again for it, with what was typed and no
        # errors yet (with htmx only the category's fields, in place).
        kwargs["initial"] = form_initial_from(ProductForm, request.POST, **kwargs)
        form = ProductForm(**kwargs)
        template = (
            "products/_category_fields.html" if request.htmx else "products/product_form.html"
        )
        return render(request, template, {"form": form, "product": product})
    form = ProductForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                business = form.cleaned_data.get("business") or businesses[0]
                product = services.product_create(
                    business=business, by=request.user, **form.service_kwargs()
                )
                messages.success(
                    request,
                    _("%(product)s is saved. Upload its documents, then start an application.")
                    % {"product": product.name},
                )
            else:
                services.product_update(product=product, by=request.user, **form.service_kwargs())
                messages.success(request, _("%(product)s is saved.") % {"product": product.name})
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            return redirect(_safe_next(request, reverse("curation:product", args=[product.pk])))
    return render(request, "products/product_form.html", {"form": form, "product": product})


@login_required
def product_create(request):
    return _product_form(request)


@login_required
def product_edit(request, pk):
    product = selectors.get_product_for_user(request.user, pk)
    locking = services.product_locking_application(product)
    if locking is not None:
        messages.error(
            request,
            _(
                "%(product)s cannot be changed while the office reviews it (application "
                "“%(state)s”)."
            )
            % {"product": product.name, "state": locking.get_state_display()},
        )
        return redirect("curation:product", pk=product.pk)
    return _product_form(request, product=product)


# Documents.


def _upload(request, *, business, product, template_context):
    scope = DocumentType.Scope.PRODUCT if product else DocumentType.Scope.BUSINESS
    max_mb = settings.UPLOAD_MAX_BYTES // 1_048_576
    initial = {}
    if request.GET.get("kind"):
        initial["kind"] = DocumentType.objects.filter(key=request.GET["kind"], scope=scope).first()
    form = DocumentForm(
        request.POST or None, request.FILES or None, scope=scope, max_mb=max_mb, initial=initial
    )
    default_next = (
        reverse("curation:product", args=[product.pk])
        if product
        else reverse("products:business", args=[business.pk])
    )
    doubts: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_upload(
                business=business,
                product=product,
                kind=data["kind"],
                number=data["number"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                file=data["file"],
                by=request.user,
                number_confirmed=form.confirms_entry(),
            )
        except UnconfirmedNumber as e:
            # Shown as warnings beside the confirmation box, not as errors.
            doubts = e.doubts
            workflow_error_to_form(form, WorkflowError(fields=e.fields))
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request, _("The %(document)s is uploaded.") % {"document": document.kind.label}
            )
            _show_warnings(request, document.warnings)
            return redirect(_safe_next(request, default_next))
    return render(
        request,
        "products/document_form.html",
        {
            **template_context,
            "form": form,
            "doubts": doubts,
            "next": _safe_next(request, ""),
            "cancel": _safe_next(request, default_next),
            "document_types": form.document_types,
        },
    )


@login_required
def product_document_upload(request, pk):
    product = selectors.get_product_for_user(request.user, pk)
    return _upload(
        request, business=product.business, product=product, template_context={"product": product}
    )


@login_required
def business_document_upload(request, pk):
    business = selectors.get_business_for_user(request.user, pk)
    return _upload(
        request, business=business, product=None, template_context={"business": business}
    )
