"""The MSME's product pages that show or start applications: the product list with each
product's latest application, a product's page with its applications, starting an
application, the review page that submits it in one POST (the guided path's last step),
and the document download (whose access follows the applications a staff
member can see). The pages that only change the business, its products and documents
stay in products.views.

Thin views: load through the selectors (404 for outsiders), call one service, redirect.
State changes only on POST.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from curation import services as workflow
from curation.checks import region_problems
from curation.models import Application
from curation.next_steps import certificate_badge
from curation.selectors import get_document_for_user, products_of, with_certificates
from kernel.errors import WorkflowError, show_workflow_error
from kernel.pagination import paginate
from kernel.states import FINAL_STATES, State
from kernel.stored_files import download
from products import rules
from products import selectors as product_selectors
from products import services as product_services
from products.guide import REVIEW, guided_steps
from products.models import EXPIRY_WARNING_DAYS
from products.slots import document_slots


@login_required
def product_list(request):
    if not product_selectors.businesses_of(request.user).exists():
        return redirect("products:business_new")
    products = products_of(request.user).order_by("name", "pk")
    page = paginate(request, products)
    today = timezone.localdate()
    # A certified product's badge says what its certificate says today (revoked,
    # expired): the page's certified applications with their certificates, one query.
    certified = [p.application_id for p in page if p.application_state == State.CERTIFIED]
    badges = {
        application.pk: certificate_badge(application)
        for application in (
            Application.objects.filter(pk__in=certified).select_related("certificate")
            if certified
            else []
        )
    }
    for product in page:
        product.application_state_label = (
            State(product.application_state).label if product.application_state else ""
        )
        product.application_badge = badges.get(product.application_id)
        product.expiry_days = (product.next_expiry - today).days if product.next_expiry else None
    return render(
        request,
        "products/product_list.html",
        {
            "page": page,
            "several_businesses": product_selectors.businesses_of(request.user).count() > 1,
            "warning_days": EXPIRY_WARNING_DAYS,
        },
    )


@login_required
def product_detail(request, pk):
    product = product_selectors.get_product_for_user(request.user, pk)
    applications = with_certificates(product.applications.order_by("-created_at"))
    open_application = next((a for a in applications if a.state not in FINAL_STATES), None)
    # What an application would need, from the same rule the submit check uses.
    needed = rules.document_problems(product)
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "markets": product.target_markets.all(),
            "links": list(product.links.all()),
            # The current set: a renewed document hides the one it replaces.
            "documents": product.documents.select_related("kind").not_superseded(),
            "applications": applications,
            "open_application": open_application,
            "needed": needed,
            "locking": product_services.product_locking_application(product),
        },
    )


@login_required
@require_POST
def product_apply(request, pk):
    product = product_selectors.get_product_for_user(request.user, pk)
    previous = (
        product.applications.filter(state__in=[State.REJECTED, State.CERTIFIED])
        .order_by("-created_at")
        .first()
    )
    try:
        application = workflow.application_create(
            product=product, by=request.user, previous=previous
        )
    except WorkflowError as e:
        show_workflow_error(request, e)
        return redirect("curation:product", pk=product.pk)
    messages.success(
        request,
        _("The application is started: the page says what to do next."),
    )
    return redirect("curation:application", pk=application.pk)


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("A note for the office (optional)"),
        help_text=gettext_lazy("Anything the office should know before choosing your curators."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def product_review(request, pk):
    """The last step of the guided path: everything the office will read, what still
    keeps it from being submitted (each linked to its fix), and the one button that
    submits it (`curation.services.product_submit`), offered only when nothing does."""
    product = product_selectors.get_product_for_user(request.user, pk)
    in_office = product.applications.exclude(state__in=(State.DRAFT, *FINAL_STATES)).first()
    if in_office is not None:
        messages.info(
            request,
            _("%(product)s is with the office already: its application is “%(state)s”.")
            % {"product": product.name, "state": in_office.get_state_display()},
        )
        return redirect("curation:application", pk=in_office.pk)
    # Bound on every POST, even one with no comment at all.
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application = workflow.product_submit(
                product=product, by=request.user, comment=form.cleaned_data["comment"]
            )
        except WorkflowError as e:
            show_workflow_error(request, e)
            if e.stale:  # submitted a moment ago, by a second press or a colleague
                return redirect("curation:product", pk=product.pk)
        else:
            messages.success(
                request,
                _(
                    "%(product)s is submitted for curation. The office now chooses its "
                    "curators; you will get an e-mail when they start."
                )
                % {"product": product.name},
            )
            return redirect("curation:application", pk=application.pk)
    here = reverse("curation:product_review", args=[product.pk])
    return render(
        request,
        "products/product_review.html",
        {
            "product": product,
            "business": product.business,
            "markets": product.target_markets.all(),
            "slots": document_slots(product),
            "problems": region_problems(product.business.region)
            + rules.submission_problems(product, next_url=here),
            "form": form,
            "guide": guided_steps(REVIEW, product=product),
        },
    )


@login_required
def document_download(request, pk):
    """Stream the file from the storage (never a public media URL) to a member of the
    business or staff who can see one of the applications it belongs to."""
    document = get_document_for_user(request.user, pk)
    # Saved rather than opened in the site's origin; staff open them in the browser
    # through the application (`curation:evidence`).
    return download(document.file, filename=document.file_name, content_type=document.content_type)
