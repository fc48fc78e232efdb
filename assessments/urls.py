"""The staff workspaces of one application; included under /applications/<pk>/."""

from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("scoresheet/", views.scoresheet, name="scoresheet"),
    path("scoresheet/total/", views.scoresheet_total, name="scoresheet_total"),
    path("curation/", views.curation, name="curation"),
    path("packaging/", views.packaging, name="packaging"),
    path("evidence/<int:document_pk>/", views.evidence, name="evidence"),
    # The path keeps its first name so that bookmarks and links already sent still work.
    path("dossier/", views.certification_review, name="certification_review"),
]
