"""The workflow's pages: dashboard, applications and their transitions, the coordinator's
overview, notifications, and the language switch."""

from django.urls import path

from curation.views import applications as views

app_name = "curation"
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
    path("overview/", views.overview, name="overview"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("language/", views.language_set, name="set_language"),
]
