from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    # Printed on every certificate (SITE_URL + this path): never change it.
    path("verify/<str:code>/", views.verify, name="verify"),
    path("certificates/<int:pk>/download/", views.certificate_download, name="download"),
]
