"""The catalogue block of the business's and the product's pages (templates of the
products app, which sits below this one): whether the business is listed, whether this
product shows, and for its owners the way to give or withdraw the consent. Worked out here
so the template only shows it; two queries at most."""

from django import template

from catalogue import selectors
from catalogue.permissions import can_manage_listing, can_view_listing

register = template.Library()


@register.inclusion_tag("catalogue/_listing_panel.html", takes_context=True)
def listing_panel(context, business, product=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_view_listing.test(user, business):
        return {"show": False}
    listing = selectors.listing_of(business)
    listed = listing is not None and listing.is_active
    panel = {
        "show": True,
        "business": business,
        "product": product,
        "listing": listing,
        "listed": listed,
        "is_owner": can_manage_listing.test(user, business),
        "next": request.get_full_path(),
        # An inclusion tag's template has its own context: the withdraw form needs this.
        "csrf_token": context.get("csrf_token"),
    }
    if product is not None:
        # In the catalogue now, or why not: no live certificate, or no consent.
        panel["certified"] = selectors.has_live_certificate(product)
        panel["in_catalogue"] = listed and panel["certified"]
    return panel
