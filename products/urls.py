from django.urls import path

from products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="new"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/apply/", views.product_apply, name="apply"),
    path("<int:pk>/documents/new/", views.product_document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("business/", views.business_home, name="business_home"),
    path("business/new/", views.business_create, name="business_new"),
    path("business/<int:pk>/", views.business_detail, name="business"),
    path("business/<int:pk>/edit/", views.business_edit, name="business_edit"),
    path(
        "business/<int:pk>/documents/new/",
        views.business_document_upload,
        name="business_document_upload",
    ),
    path("business/<int:pk>/members/", views.business_members, name="members"),
    path(
        "business/<int:pk>/members/<int:membership_pk>/remove/",
        views.membership_remove,
        name="member_remove",
    ),
    path(
        "business/<int:pk>/invitations/<int:invitation_pk>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
