"""The MSME portal's pages under /products/: the business and its members, adding and
editing products, uploading documents. The product list and page, applying and the
document download are curation's (curation/urls.py), at paths under /products/ too."""

from django.urls import path

from products import views, views_business, views_registry

app_name = "products"

urlpatterns = [
    path("new/", views.product_create, name="new"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/documents/new/", views.product_document_upload, name="document_upload"),
    path("<int:pk>/documents/", views.product_documents, name="documents"),
    path("business/", views_business.business_home, name="business_home"),
    path("business/new/", views_business.business_create, name="business_new"),
    path("business/<int:pk>/", views_business.business_detail, name="business"),
    path("business/<int:pk>/edit/", views_business.business_edit, name="business_edit"),
    path(
        "business/<int:pk>/documents/new/",
        views.business_document_upload,
        name="business_document_upload",
    ),
    path("business/<int:pk>/members/", views_business.business_members, name="members"),
    path(
        "business/<int:pk>/members/<int:membership_pk>/remove/",
        views_business.membership_remove,
        name="member_remove",
    ),
    path(
        "business/<int:pk>/invitations/<int:invitation_pk>/cancel/",
        views_business.invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/<str:token>/", views_business.invitation, name="invitation"),
    path("business/claim/", views_registry.business_claim, name="business_claim"),
    # The office's registry (products/views_registry.py).
    path("registry/", views_registry.registry_home, name="registry"),
    path("registry/<int:pk>/", views_registry.registry_import, name="registry_import"),
    path(
        "registry/<int:pk>/import/",
        views_registry.registry_import_confirm,
        name="registry_import_confirm",
    ),
    path("registry/<int:pk>/report.csv", views_registry.registry_report, name="registry_report"),
    path("registry/businesses/", views_registry.registry_businesses, name="registry_businesses"),
    path(
        "registry/businesses/<int:pk>/invite/",
        views_registry.registry_invite,
        name="registry_invite",
    ),
    path(
        "registry/claims/<int:pk>/",
        views_registry.registry_claim_decide,
        name="registry_claim_decide",
    ),
]
