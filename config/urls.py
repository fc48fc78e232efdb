"""The root URLconf: each app's pages under their own prefix, plus accounts, the API
schema, the admin and the health checks."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from catalogue import api as catalogue_api
from catalogue import api_statistics as statistics_api
from catalogue.sitemaps import SITEMAPS
from certificates import api as certificates_api
from curation import api, health
from products import api as products_api

urlpatterns = [
    path("", include("curation.urls")),
    path("products/", include("products.urls")),
    path("", include("certificates.urls")),
    path("catalogue/", include("catalogue.urls")),
    # An office's figures (catalogue/statistics.py says why they live in that app).
    path("statistics/", include("catalogue.statistics_urls")),
    path("coaching/", include("coaching.urls")),
    # The public catalogue's pages, for search engines (catalogue/sitemaps.py).
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("allauth.urls")),
    path("account/tokens/", include("api_tokens.urls")),
    # The API's ids are matched as text, so that a malformed one reaches the API and gets
    # its JSON 404 (the schema declares them integers).
    path("api/applications/", api.application_list, name="api_applications"),
    path("api/applications/<str:pk>/", api.application_detail, name="api_application"),
    path(
        "api/applications/<str:pk>/transitions/<str:name>/",
        api.application_transition,
        name="api_application_transition",
    ),
    path("api/products/", products_api.product_list, name="api_products"),
    path("api/products/<str:pk>/", products_api.product_detail, name="api_product"),
    path("api/certificates/", certificates_api.certificate_list, name="api_certificates"),
    path(
        "api/certificates/<str:pk>/",
        certificates_api.certificate_detail,
        name="api_certificate",
    ),
    # The public catalogue: open to anyone, read-only.
    path("api/catalogue/", catalogue_api.catalogue_list, name="api_catalogue"),
    path("api/catalogue/<str:pk>/", catalogue_api.catalogue_entry, name="api_catalogue_entry"),
    path("api/enquiries/", catalogue_api.enquiry_list, name="api_enquiries"),
    path("api/enquiries/<str:pk>/", catalogue_api.enquiry_detail, name="api_enquiry"),
    path("api/statistics/", statistics_api.statistics, name="api_statistics"),
    path("api/schema/", api.schema_view, name="api_schema"),
    path("admin/", admin.site.urls),
    # For the load balancer and monitoring: open, not rate limited (curation/health.py).
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
]
