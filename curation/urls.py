from django.contrib import admin
from django.urls import include, path

from curation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/do/<str:name>/",
        views.application_transition,
        name="application_transition",
    ),
    path("overview/", views.overview, name="overview"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("language/", views.language_set, name="set_language"),
    path("products/", include("products.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
