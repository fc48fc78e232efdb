"""The page a notice opens for the people it tells: the page of their next step, not the
home page. Each takes the application as the change left it and returns a path; the
notification list links it, the e-mail makes it absolute on SITE_URL (kernel/site.py)."""

from django.urls import reverse


def application_page(application) -> str:
    return reverse("curation:application", args=[application.pk])


def assign_curators_form(application) -> str:
    return reverse("curation:application_transition", args=[application.pk, "assign_curators"])


def scoresheet(application) -> str:
    return reverse("curation:scoresheet", args=[application.pk])


def packaging_checklist(application) -> str:
    return reverse("curation:packaging", args=[application.pk])


def dossier_review(application) -> str:
    return reverse("curation:certification_review", args=[application.pk])


def certificate_page(application) -> str:
    # An exporter sees the certificate shared with them, never the application.
    return reverse("certificates:detail", args=[application.certificate.pk])


def dashboard(application) -> str:
    # Someone who no longer works on the application (a curator removed from it).
    return reverse("curation:home")
