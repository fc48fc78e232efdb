"""The catalogue under /catalogue/: the public list, product pages and their photos and
enquiry form, collections; the business's listing page and enquiry inbox; the offices'
collection forms and enquiry counts. (sitemap.xml is at the site's root: config/urls.py.)"""

from django.urls import path

from catalogue.views import collections, enquiries, listing, public

app_name = "catalogue"

urlpatterns = [
    # Public, and shared: never change these paths.
    path("", public.catalogue_list, name="list"),
    path("products/<int:pk>/", public.product_page, name="product"),
    path("products/<int:pk>/photos/<int:photo_pk>/", public.product_photo, name="photo"),
    path("products/<int:pk>/enquiry/", enquiries.enquire, name="enquire"),
    path("products/<int:pk>/enquiry/sent/", enquiries.enquiry_sent, name="enquiry_sent"),
    path("collections/", public.collection_list, name="collections"),
    # Before the collection's own path: "new" is no collection (forms.RESERVED_SLUGS).
    path("collections/new/", collections.collection_new, name="collection_new"),
    path("collections/<slug:slug>/", public.collection_page, name="collection"),
    path("collections/<slug:slug>/edit/", collections.collection_edit, name="collection_edit"),
    # The business's consent.
    path("listing/<int:business_pk>/", listing.listing, name="listing"),
    path("listing/<int:business_pk>/withdraw/", listing.listing_withdraw, name="listing_withdraw"),
    # Buyers' enquiries: the business's inbox (the e-mails link to an enquiry: keep these
    # paths too), and the office's counts per product.
    path("enquiries/", enquiries.enquiry_list, name="enquiries"),
    path("enquiries/<int:pk>/", enquiries.enquiry_detail, name="enquiry"),
    path("enquiries/products/", enquiries.enquiry_counts, name="enquiry_counts"),
]
