"""Buyers' enquiries: the form on a product's public page posts here (`enquire`, then the
confirmation); the business's members read them in their inbox and mark them answered or
closed; the office sees how many each product of its regions had (`catalogue.enquiries`).

The form is public, so it is guarded: a limit of enquiries per client address per hour
(`certificates.ratelimit`), a honeypot field (a post that fills it is dropped without a
word and looks sent), and the form's length limits. The confirmation names the business,
never an address of it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalogue import enquiries, selectors
from catalogue.forms import EnquiryForm
from catalogue.language import in_page_language
from catalogue.models import Enquiry
from catalogue.permissions import can_see_enquiry_counts
from catalogue.views.public import render_product_page
from certificates import ratelimit
from kernel.errors import WorkflowError, show_workflow_error, workflow_error_to_form
from kernel.pagination import paginate

# Where the confirmation finds which product this browser just asked about.
SENT_KEY = "catalogue_enquiry_sent"
RATE_WINDOW = 3600  # seconds: ENQUIRY_RATE_LIMIT is per hour


@require_POST
@in_page_language
def enquire(request, pk):
    entry = selectors.get_entry(pk)  # 404 once the product is out of the catalogue
    form = EnquiryForm(request.POST)
    counted = ratelimit.count(
        request, scope="enquiry", limit=settings.ENQUIRY_RATE_LIMIT, window=RATE_WINDOW
    )
    if counted.over_limit:
        form.is_valid()  # what was typed is shown back, to send later
        form.add_error(
            None,
            _(
                "Too many enquiries from your address in the last hour. Your message was not "
                "sent: keep it and try again in an hour."
            ),
        )
        response = render_product_page(request, entry, form=form, status=429)
        response["Retry-After"] = str(RATE_WINDOW)
        return response
    if form.is_spam:
        return _sent(request, entry)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in EnquiryForm.Meta.fields}
        try:
            enquiries.enquiry_send(product=entry.product, language=request.page_language, **data)
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            return _sent(request, entry)
    return render_product_page(request, entry, form=form)


def _sent(request, entry):
    request.session[SENT_KEY] = entry.product_id
    target = reverse("catalogue:enquiry_sent", args=[entry.product_id])
    return redirect(f"{target}?lang={request.page_language}")


@require_safe
@in_page_language
def enquiry_sent(request, pk):
    """The confirmation, for the browser that just sent an enquiry about this product;
    anyone else is sent to the product's page."""
    entry = selectors.get_entry(pk)
    if request.session.get(SENT_KEY) != entry.product_id:
        target = reverse("catalogue:product", args=[entry.product_id])
        return redirect(f"{target}?lang={request.page_language}")
    return render(
        request,
        "catalogue/enquiry_sent.html",
        {"product": entry.product, "business": entry.product.business},
    )


# The business's inbox.


@login_required
@require_safe
def enquiry_list(request):
    mine = enquiries.enquiries_for(request.user)
    status = request.GET.get("status", "")
    if status not in Enquiry.Status.values:
        status = ""
    counts = mine.aggregate(
        unread=Count("pk", filter=Q(read_at__isnull=True)),
        **{value: Count("pk", filter=Q(status=value)) for value in Enquiry.Status.values},
    )
    page = paginate(request, mine.filter(status=status) if status else mine)
    return render(
        request,
        "catalogue/enquiry_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in Enquiry.Status.choices],
            "unread": counts["unread"],
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_detail(request, pk):
    enquiry = enquiries.get_enquiry_for_user(request.user, pk)
    if request.method == "POST":
        try:
            enquiries.enquiry_set_status(
                enquiry=enquiry, status=request.POST.get("status", ""), by=request.user
            )
        except WorkflowError as e:
            show_workflow_error(request, e)
        else:
            messages.success(
                request,
                _("The enquiry is now “%(status)s”.") % {"status": enquiry.get_status_display()},
            )
        return redirect("catalogue:enquiry", pk=enquiry.pk)
    was_unread = enquiry.read_at is None
    enquiries.enquiry_mark_read(enquiry=enquiry, by=request.user)
    return render(
        request,
        "catalogue/enquiry_detail.html",
        {
            "enquiry": enquiry,
            "was_unread": was_unread,
            "statuses": Enquiry.Status.choices,
        },
    )


# The office.


@login_required
@require_safe
def enquiry_counts(request):
    if not can_see_enquiry_counts.test(request.user):
        raise PermissionDenied
    return render(
        request,
        "catalogue/enquiry_counts.html",
        {"page": paginate(request, enquiries.enquiry_counts(request.user))},
    )
