"""An office's collections: a coordinator makes one of the catalogue's products of the
office's regions, names and dates it, and publishes it (`catalogue.services`). The public
page of a collection is `public.collection_page`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalogue import selectors, services
from catalogue.forms import CollectionForm
from catalogue.models import Collection
from catalogue.permissions import can_create_collection
from kernel.errors import WorkflowError, workflow_error_to_form
from products.permissions import staff_region_ids


@login_required
@require_http_methods(["GET", "POST"])
def collection_new(request):
    if not can_create_collection.test(request.user):
        raise PermissionDenied
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def collection_edit(request, slug):
    return _edit(request, selectors.get_editable_collection(request.user, slug))


def _edit(request, collection: Collection | None):
    chosen = list(collection.products.values_list("pk", flat=True)) if collection else []
    form = CollectionForm(
        request.POST if request.method == "POST" else None,
        instance=collection or Collection(),
        regions=staff_region_ids(request.user),
        products=selectors.collectable_products(request.user, chosen),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.collection_save(by=request.user, collection=collection, **data)
        except WorkflowError as e:
            workflow_error_to_form(form, e)
        else:
            messages.success(
                request, _("Published.") if saved.is_published else _("Saved as a draft.")
            )
            return redirect("catalogue:collection", slug=saved.slug)
    return render(
        request, "catalogue/collection_form.html", {"form": form, "collection": collection}
    )
