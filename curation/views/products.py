"""The MSME's product pages that show or start applications: the product list with each
product's latest application, a product's page with its applications, starting an
application, and the document download (whose access follows the applications a staff
member can see). The pages that only change the business, its products and documents
stay in products.views.

Thin views: load through the selectors (404 for outsiders), call one service, redirect.
State changes only on POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from curation import services as workflow
from curation.selectors import get_document_for_user, products_of
from kernel.errors import WorkflowError, show_workflow_error
from kernel.pagination import paginate
from kernel.states import FINAL_STATES, State
from kernel.stored_files import download
from products import rules
from products import selectors as product_selectors
from products import services as product_services
from products.models import EXPIRY_WARNING_DAYS


@login_required
def product_list(request):
    if not product_selectors.businesses_of(request.user).exists():
        return redirect("products:business_new")
    products = products_of(request.user).order_by("name", "pk")
    page = paginate(request, products)
    today = timezone.localdate()
    for product in page:
        product.application_state_label = (
            State(product.application_state).label if product.application_state else ""
        )
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
    applications = list(product.applications.order_by("-created_at"))
    open_application = next((a for a in applications if a.state not in FINAL_STATES), None)
    # What an application would need, from the same rule the submit check uses.
    needed = rules.document_problems(product)
    return render(
        request,
        "products/product_detail.html",
        {
            "product": product,
            "markets": product.target_markets.all(),
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
        _("The application is started. Complete what the list below asks, then submit it."),
    )
    return redirect("curation:application", pk=application.pk)


@login_required
def document_download(request, pk):
    """Stream the file from the storage (never a public media URL) to a member of the
    business or staff who can see one of the applications it belongs to."""
    document = get_document_for_user(request.user, pk)
    # Saved rather than opened in the site's origin; staff open them in the browser
    # through the application (`curation:evidence`).
    return download(document.file, filename=document.file_name, content_type=document.content_type)
