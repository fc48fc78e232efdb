"""The root URLconf: each app's pages under their own prefix, plus accounts, the API
schema, the admin and the health checks."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from catalogue.sitemaps import SITEMAPS
from curation import api, health

urlpatterns = [
    path("", include("curation.urls")),
    path("products/", include("products.urls")),
    path("", include("certificates.urls")),
    path("catalogue/", include("catalogue.urls")),
    # The public catalogue's pages, for search engines (catalogue/sitemaps.py).
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("accounts/", include("allauth.urls")),
    # The API's ids are matched as text, so that a malformed one reaches the API and gets
    # its JSON 404 (the schema declares them integers).
    path("api/applications/", api.application_list, name="api_applications"),
    path("api/applications/<str:pk>/", api.application_detail, name="api_application"),
    path(
        "api/applications/<str:pk>/transitions/<str:name>/",
        api.application_transition,
        name="api_application_transition",
    ),
    path("api/schema/", api.schema_view, name="api_schema"),
    path("admin/", admin.site.urls),
    # For the load balancer and monitoring: open, not rate limited (curation/health.py).
    path("healthz", health.liveness, name="healthz"),
    path("readyz", health.readiness, name="readyz"),
]
