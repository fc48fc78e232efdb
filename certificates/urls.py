from django.urls import path

from certificates import views, views_shipments, views_verification

app_name = "certificates"

urlpatterns = [
    # Printed on every certificate (SITE_URL + this path): never change it.
    path("verify/<str:code>/", views_verification.verify, name="verify"),
    path("certificates/<int:pk>/", views.certificate_detail, name="detail"),
    path("certificates/<int:pk>/download/", views.certificate_download, name="download"),
    path("certificates/<int:pk>/dossier/<str:part>/", views.dossier_download, name="dossier"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="revoke"),
    path("certificates/<int:pk>/share/", views.share_create, name="share"),
    path("certificates/<int:pk>/share/<int:share_pk>/stop/", views.share_stop, name="share_stop"),
    path("certificates/<int:pk>/shipments/new/", views_shipments.shipment_new, name="shipment_new"),
    path("shipments/<int:pk>/", views_shipments.shipment_detail, name="shipment"),
    path(
        "shipments/<int:pk>/<str:document>/",
        views_shipments.shipment_download,
        name="shipment_document",
    ),
    path("shared/", views.shared_with_me, name="shared"),
    # E-mailed to an address a product is shared with that has no account yet.
    path("shared/invitation/<str:token>/", views.exporter_invitation, name="invitation"),
]
