"""The catalogue under /catalogue/: the public list, product pages and their photos,
collections; the business's listing page; the offices' collection forms. (sitemap.xml is
at the site's root: config/urls.py.)"""

from django.urls import path

from catalogue.views import collections, listing, public

app_name = "catalogue"

urlpatterns = [
    # Public, and shared: never change these paths.
    path("", public.catalogue_list, name="list"),
    path("products/<int:pk>/", public.product_page, name="product"),
    path("products/<int:pk>/photos/<int:photo_pk>/", public.product_photo, name="photo"),
    path("collections/", public.collection_list, name="collections"),
    # Before the collection's own path: "new" is no collection (forms.RESERVED_SLUGS).
    path("collections/new/", collections.collection_new, name="collection_new"),
    path("collections/<slug:slug>/", public.collection_page, name="collection"),
    path("collections/<slug:slug>/edit/", collections.collection_edit, name="collection_edit"),
    # The business's consent.
    path("listing/<int:business_pk>/", listing.listing, name="listing"),
    path("listing/<int:business_pk>/withdraw/", listing.listing_withdraw, name="listing_withdraw"),
]
