"""What the coaching tests (and the access matrix's coaching rules) build: an open
programme of the office serving the business's region, an application rejected after
scoring low on packaging and market readiness, and the programme form's data."""

from datetime import timedelta

from django.utils import timezone

from coaching.models import CoachingProgramme
from curation import services
from tests import factories as f

# Scores below the export-ready level (3.50) on these two, above it on the rest.
LOW = {"packaging_labeling": 2, "market_digital": 2}


def open_programme(office, name="Pendampingan Kemasan Ekspor", **fields):
    today = timezone.localdate()
    return CoachingProgramme.objects.create(
        office=office.coordinator.profile.office,
        name=name,
        organiser="Dinas Koperasi dan UM Kota Kediri",
        starts_on=fields.pop("starts_on", today + timedelta(days=7)),
        ends_on=fields.pop("ends_on", today + timedelta(days=37)),
        place="Rumah Kemasan, Jl. Hasanudin 5, Kediri",
        criteria=fields.pop("criteria", ["packaging_labeling", "market_digital", "legality"]),
        **fields,
    )


def scored(office, application, overrides, *, lead=None, curator=None):
    """Curators assigned, both scoresheets submitted with `overrides` (4 elsewhere)."""
    services.application_submit(application=application, by=office.msme)
    services.application_assign_curators(
        application=application,
        by=office.coordinator,
        curators=[lead or office.lead, curator or office.curator],
        lead=lead or office.lead,
    )
    f.score_all(application, lead or office.lead, overrides=overrides, recommendation="reject")
    f.score_all(
        application, curator or office.curator, overrides=overrides, recommendation="reject"
    )
    return application


def rejected_low(office, product=None):
    """An application the lead rejected after scoring packaging and market readiness low."""
    application = scored(office, office.new_application(product), LOW)
    return services.application_reject(
        application=application, by=office.lead, reason="Packaging and market readiness."
    )


def programme_data(**overrides):
    today = timezone.localdate()
    return {
        "name": "Kelas Label Dwibahasa",
        "organiser": "Dinas Perdagangan Kota Kediri",
        "starts_on": (today + timedelta(days=3)).isoformat(),
        "ends_on": (today + timedelta(days=4)).isoformat(),
        "place": "https://meet.example/label",
        "description": "Two mornings.",
        "criteria": ["packaging_labeling"],
        "is_active": "on",
        **overrides,
    }
