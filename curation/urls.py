from django.contrib import admin
from django.urls import include, path

from curation import api, health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/do/<str:name>/",
        views.application_transition,
        name="application_transition",
    ),
    path(
        "applications/<int:pk>/curators/",
        views.application_curators,
        name="application_curators",
    ),
    path("applications/<int:pk>/", include("assessments.urls")),
    path("overview/", views.overview, name="overview"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("language/", views.language_set, name="set_language"),
    path("products/", include("products.urls")),
    path("", include("certificates.urls")),
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
