"""The statistics of an office and its regions, under /statistics/ (config/urls.py): the
page, each table as a file, and the filtered applications as a file. In the catalogue's
app, the layer that reads both applications and enquiries (`catalogue.statistics`)."""

from django.urls import path

from catalogue.views import statistics

app_name = "statistics"

urlpatterns = [
    path("", statistics.statistics_page, name="page"),
    # Before the tables' path: "applications" is no table.
    path(
        "applications.<slug:extension>",
        statistics.applications_export,
        name="applications",
    ),
    path("<slug:key>.<slug:extension>", statistics.statistics_export, name="export"),
]
