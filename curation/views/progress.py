"""A business's progress page (*naik kelas*): its products' curation results over time
(`curation.progress`), for its members and the staff of its region's office."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from curation import progress
from products.permissions import is_business_member


@login_required
@require_safe
def business_progress(request, pk):
    business = progress.get_business_for_progress(request.user, pk)
    return render(
        request,
        "curation/business_progress.html",
        {
            "business": business,
            "products": progress.business_progress(business),
            "is_member": is_business_member(request.user, business),
        },
    )
