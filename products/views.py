from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from products.models import Product


@login_required
def product_list(request):
    products = (
        Product.objects.filter(business__memberships__user=request.user)
        .select_related("business", "category")
        .order_by("business__name", "name")
    )
    return render(request, "products/product_list.html", {"products": products})
