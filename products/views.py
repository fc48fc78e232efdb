"""Pages of the MSME portal: adding and editing products, uploading documents (one by
one, or every required one on a product's documents page, a step of the guided path in
`products.guide`). The business, its members and invitations have their pages in
products/views_business.py. The pages that show or start applications (the product list
and page, applying, the review that submits, the document download) are curation's, in
curation/views/products.py.

Thin views: load through products.selectors (404 for outsiders), check the page's own
predicate from products.permissions (403), validate a form, call one service from
products.services or products.document_services (its WorkflowError shown on the form or
as messages), redirect. State changes only on POST.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kernel.errors import WorkflowError, workflow_error_to_form
from products import document_services, rules, selectors, services
from products.document_forms import DocumentForm, SlotForm
from products.forms import ProductForm, form_initial_from
from products.guide import DOCUMENTS, PRODUCT, guided_steps, on_guided_path
from products.models import DocumentType
from products.numbers import UnconfirmedNumber
from products.slots import document_slots


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return default


def _show_warnings(request, warnings):
    for warning in warnings:
        messages.warning(request, warning)


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
        return render(
            request,
            template,
            {"form": form, "product": product, "guide": _guide(PRODUCT, product, businesses)},
        )
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
                    _(
                        "%(product)s is saved. Next, upload its documents: all of them at once "
                        "on this page."
                    )
                    % {"product": product.name},
                )
                return redirect(
                    safe_next(request, reverse("products:documents", args=[product.pk]))
                )
            else:
                services.product_update(product=product, by=request.user, **form.service_kwargs())
                messages.success(request, _("%(product)s is saved.") % {"product": product.name})
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            return redirect(safe_next(request, reverse("curation:product", args=[product.pk])))
    return render(
        request,
        "products/product_form.html",
        {"form": form, "product": product, "guide": _guide(PRODUCT, product, businesses)},
    )


def _guide(step, product, businesses=()):
    """The step indicator for a product not yet submitted (none once it left the path)."""
    if not on_guided_path(product):
        return None
    # A product names its own business; a new one goes to the first (or only) one.
    business = None if product is not None or not businesses else businesses[0]
    return guided_steps(step, business=business, product=product)


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
            document = document_services.document_upload(
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
            return redirect(safe_next(request, default_next))
    return render(
        request,
        "products/document_form.html",
        {
            **template_context,
            "form": form,
            "doubts": doubts,
            "next": safe_next(request, ""),
            "cancel": safe_next(request, default_next),
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


# The documents page of the guided path: every required document as a slot, several
# files in one POST.


def _upload_into_slot(request, form, product) -> list:
    """Store each file of a slot as its own document; a bad file is named on the form and
    the others are kept (on a phone, sending six files again for one bad photo costs
    more than choosing that one again). Returns the documents stored."""
    data = form.cleaned_data
    kind = data["kind"]
    stored = []
    for file in data["files"]:
        name = file.name  # the check renames an accepted file
        try:
            document = document_services.document_upload(
                business=product.business,
                product=product,
                kind=kind,
                number=form.number_for(kind),
                issued_on=data.get("issued_on"),
                expires_on=data.get("expires_on"),
                file=file,
                by=request.user,
                number_confirmed=form.confirms_entry(),
            )
        except UnconfirmedNumber as e:
            form.doubts = e.doubts
            workflow_error_to_form(form, WorkflowError(fields=_per_file(e.fields, name)))
            break
        except WorkflowError as e:
            named = WorkflowError(e.non_field_messages, fields=_per_file(e.fields, name))
            workflow_error_to_form(form, named)
            if set(e.fields) - {"file"}:
                break  # the number or a date is wrong for every file of the slot
        else:
            stored.append(document)
            _show_warnings(request, document.warnings)
    return stored


def _per_file(fields: dict, name: str) -> dict:
    """A service's field errors on the slot's form: the file's under "files", named."""
    fields = dict(fields)
    if "file" in fields:
        fields["files"] = [
            _("%(file)s: %(problem)s") % {"file": name, "problem": problem}
            for problem in fields.pop("file")
        ]
    return fields


@login_required
def product_documents(request, pk):
    product = selectors.get_product_for_user(request.user, pk)
    max_mb = settings.UPLOAD_MAX_BYTES // 1_048_576
    post = request.method == "POST"
    slot_forms = [
        SlotForm(
            request.POST if post else None,
            request.FILES if post else None,
            slot=slot,
            max_mb=max_mb,
        )
        for slot in document_slots(product)
    ]
    stored, refused = [], False
    if post:
        chosen = [form for form in slot_forms if form.has_files]
        if not chosen:
            messages.error(request, _("Choose the files to upload first."))
            refused = True
        for form in chosen:
            if form.is_valid():
                stored += _upload_into_slot(request, form, product)
            refused = refused or bool(form.errors)
        if stored:
            messages.success(
                request,
                ngettext(
                    "%(count)s file is uploaded: %(documents)s.",
                    "%(count)s files are uploaded: %(documents)s.",
                    len(stored),
                )
                % {
                    "count": len(stored),
                    "documents": ", ".join(dict.fromkeys(str(d.kind.label) for d in stored)),
                },
            )
        if not refused:
            complete = not rules.document_problems(product)
            default = "curation:product_review" if complete else "products:documents"
            return redirect(safe_next(request, reverse(default, args=[product.pk])))
        # Drawn again with what was refused and why; what was stored shows in its slot.
        slots = {slot.key: slot for slot in document_slots(product)}
        for form in slot_forms:
            form.slot = slots[form.slot.key]
    return render(
        request,
        "products/product_documents.html",
        {
            "product": product,
            "forms": slot_forms,
            "complete": not rules.document_problems(product),
            "next": safe_next(request, ""),
            "guide": _guide(DOCUMENTS, product),
        },
    )
