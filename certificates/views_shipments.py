"""Pages of the shipments made under a certificate: recording one (the buyer and terms,
the lines sold, the cartons), its page, and the downloads of its stored pro-forma
invoice and packing list.

Each page loads its object through `certificates.selectors` (404 for whoever may not
see it), serves stored files only (nothing is rendered on a request), and changes
state only on POST, through one service.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from certificates.forms import CartonFormSet, LineFormSet, ShipmentForm, filled_rows
from certificates.permissions import can_record_shipment
from certificates.selectors import get_certificate_for_user, get_shipment_for_user
from certificates.sharing import certificate_usable_problems
from certificates.shipments import shipment_create
from kernel.errors import WorkflowError
from kernel.stored_files import download


@login_required
def shipment_new(request, pk):
    """Record a shipment: the buyer and terms, the lines sold, the cartons. Works without
    JavaScript: "add a row" buttons post the form back with one more empty row."""
    certificate = get_certificate_for_user(request.user, pk)
    problems = []
    if not can_record_shipment.test(request.user, certificate):
        problems.append(_("You may not record shipments of this product."))
    problems += certificate_usable_problems(certificate)
    if problems:
        return render(
            request,
            "certificates/refused.html",
            {"certificate": certificate, "problems": problems},
            status=403,
        )
    data = request.POST if request.method == "POST" else None
    if data is not None and ("add_line" in data or "add_carton" in data):
        data = _with_extra_row(data, "lines" if "add_line" in data else "cartons")
    form = ShipmentForm(data, certificate=certificate)
    lines = LineFormSet(data, prefix="lines")
    cartons = CartonFormSet(data, prefix="cartons")
    adding_row = request.method == "POST" and (
        "add_line" in request.POST or "add_carton" in request.POST
    )
    if request.method == "POST" and not adding_row:
        if form.is_valid() and lines.is_valid() and cartons.is_valid():
            try:
                shipment = shipment_create(
                    certificate=certificate,
                    by=request.user,
                    lines=filled_rows(lines),
                    cartons=filled_rows(cartons),
                    **form.cleaned_data,
                )
            except WorkflowError as e:
                problems = e.messages
            else:
                shipment.refresh_from_db()
                if shipment.is_ready:
                    message = _("Shipment %(number)s recorded.")
                else:
                    message = _(
                        "Shipment %(number)s recorded: its pro-forma invoice and packing list "
                        "are being prepared."
                    )
                messages.success(request, message % {"number": shipment.number})
                return redirect("certificates:shipment", pk=shipment.pk)
        else:
            problems = [_("Please correct what is marked below.")]
    return render(
        request,
        "certificates/shipment_form.html",
        {
            "certificate": certificate,
            "form": form,
            "lines": lines,
            "cartons": cartons,
            "problems": problems,
            "units": UNIT_SUGGESTIONS,
        },
    )


UNIT_SUGGESTIONS = ["pcs", "set", "pair", "kg", "g", "l", "jar", "bottle", "pack", "box", "bag"]


def _with_extra_row(data, prefix: str):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, 50))
    return data


@login_required
@require_GET
def shipment_detail(request, pk):
    shipment = get_shipment_for_user(request.user, pk)
    return render(
        request,
        "certificates/shipment_detail.html",
        {
            "shipment": shipment,
            "certificate": shipment.certificate,
            "lines": shipment.lines.all(),
            "cartons": shipment.cartons.all(),
        },
    )


SHIPMENT_DOCUMENTS = {"invoice": "invoice_pdf", "packing-list": "packing_list_pdf"}


@login_required
@require_GET
def shipment_download(request, pk, document):
    if document not in SHIPMENT_DOCUMENTS:
        raise Http404
    shipment = get_shipment_for_user(request.user, pk)
    stored = getattr(shipment, SHIPMENT_DOCUMENTS[document])
    if not stored:
        response = render(
            request, "certificates/shipment_preparing.html", {"shipment": shipment}, status=503
        )
        response["Retry-After"] = "30"
        return response
    return download(
        stored, filename=shipment.download_name(document), content_type="application/pdf"
    )
