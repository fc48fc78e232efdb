"""Coaching: an office's programmes and their outcomes, and the referrals made from an
application page (the application's pages are `curation.urls`)."""

from django.urls import path

from coaching import views

app_name = "coaching"
urlpatterns = [
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme_new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("applications/<int:pk>/refer/", views.referral_new, name="refer"),
    path("referrals/<int:pk>/attended/", views.referral_attended, name="attended"),
]
