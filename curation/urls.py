"""The workflow's pages: dashboard, applications and their transitions, the staff
workspaces beside an application (scoresheet, curation result, packaging checklist,
certification review), the coordinator's overview, notifications, the language switch,
and the MSME's product pages that show or start applications (under /products/)."""

from django.urls import path

from curation.views import (
    account,
    certification_review,
    conflicts,
    evidence,
    office,
    packaging,
    progress,
    scoring,
)
from curation.views import applications as views
from curation.views import products as product_views

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
    # The staff workspaces beside the application page.
    path("applications/<int:pk>/scoresheet/", scoring.scoresheet, name="scoresheet"),
    path(
        "applications/<int:pk>/scoresheet/total/",
        scoring.scoresheet_total,
        name="scoresheet_total",
    ),
    path("applications/<int:pk>/curation/", scoring.curation, name="curation"),
    path("applications/<int:pk>/packaging/", packaging.packaging, name="packaging"),
    # The evidence beside every workspace: a document opened in the browser, a photo drawn.
    path(
        "applications/<int:pk>/evidence/<int:document_pk>/",
        evidence.evidence,
        name="evidence",
    ),
    path(
        "applications/<int:pk>/evidence/<int:document_pk>/image/",
        evidence.evidence_image,
        name="evidence_image",
    ),
    # The path keeps its first name so that bookmarks and links already sent still work.
    path(
        "applications/<int:pk>/dossier/",
        certification_review.certification_review,
        name="certification_review",
    ),
    path("overview/", views.overview, name="overview"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_read"),
    path("language/", views.language_set, name="set_language"),
    path("account/", account.account_details, name="account"),
    # The MSME's product pages that show or start applications; the rest of /products/ is
    # products.urls (no path here matches one of those: "new", "business", ... are no ids).
    path("products/", product_views.product_list, name="product_list"),
    path("products/<int:pk>/", product_views.product_detail, name="product"),
    path("products/<int:pk>/apply/", product_views.product_apply, name="product_apply"),
    path("products/<int:pk>/review/", product_views.product_review, name="product_review"),
    path("products/documents/<int:pk>/", product_views.document_download, name="document"),
    # The office administers itself: its staff, their invitations, its settings.
    path("office/", office.staff, name="office_staff"),
    path("office/invite/", office.invite, name="office_invite"),
    path(
        "office/invitations/<int:pk>/cancel/",
        office.invitation_cancel,
        name="office_invitation_cancel",
    ),
    path("office/staff/<int:pk>/", office.member, name="office_member"),
    path(
        "office/staff/<int:pk>/deactivate/",
        office.member_deactivate,
        name="office_member_deactivate",
    ),
    path(
        "office/staff/<int:pk>/reactivate/",
        office.member_reactivate,
        name="office_member_reactivate",
    ),
    path("office/targets/", office.targets, name="office_targets"),
    path("office/versions/", office.versions, name="office_versions"),
    # The invitation link: open to anyone who has it.
    path("office/join/<str:token>/", office.join, name="office_join"),
    # A curator's own conflicts of interest.
    path("conflicts/", conflicts.conflicts, name="conflicts"),
    # A business's curation results over time, for its members and its region's staff.
    path("businesses/<int:pk>/progress/", progress.business_progress, name="business_progress"),
]
