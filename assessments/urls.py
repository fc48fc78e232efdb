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
    path("dossier/", views.dossier, name="dossier"),
]
