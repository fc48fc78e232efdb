"""The demo's coaching (`seed_demo`, through `curation.demo.demo_seeded`): the programmes
of `demo_data/programmes.json`, each with its referrals made through the real services
(the lead curator of the rejected application refers; the owner says it attended), so
the office's programme page shows who came back stronger."""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from coaching.models import CoachingProgramme, Referral
from coaching.services import referral_attend, referral_create
from curation.demo import SeedError, SeedReport
from curation.models import Application
from kernel.states import State
from offices.models import Office

DATA = Path(__file__).resolve().parent / "demo_data" / "programmes.json"


def seed_coaching(report: SeedReport, data: Path = DATA) -> None:
    """Whatever of the demo's programmes and referrals is missing."""
    try:
        specs = json.loads(data.read_text(encoding="utf-8"))["programmes"]
    except (OSError, ValueError, KeyError) as e:
        raise SeedError(f"{data}: {e}") from e
    today = timezone.localdate()
    for spec in specs:
        office = Office.objects.filter(served__region__code=spec["region"]).first()
        if office is None:
            # No office serves the region in this demo: nobody could refer to it.
            continue
        starts = today - timedelta(days=spec["starts_days_ago"])
        programme, created = CoachingProgramme.objects.get_or_create(
            office=office,
            name=spec["name"],
            defaults={
                "organiser": spec["organiser"],
                "starts_on": starts,
                "ends_on": starts + timedelta(days=spec["days"]),
                "place": spec["place"],
                "description": spec.get("description", ""),
                "criteria": spec["criteria"],
            },
        )
        report.count("coaching programmes", created)
        for referral_spec in spec.get("referrals", ()):
            _ensure_referral(programme, referral_spec, report)


def _ensure_referral(programme: CoachingProgramme, spec: dict, report: SeedReport) -> None:
    application = (
        Application.objects.filter(product__name=spec["product"], state=State.REJECTED)
        .select_related("product__business")
        .order_by("created_at")
        .first()
    )
    if application is None:
        raise SeedError(f"coaching: no rejected application of {spec['product']!r} to refer")
    referral = Referral.objects.filter(application=application, programme=programme).first()
    report.count("coaching referrals", referral is None)
    if referral is None:
        lead = application.assignments.get(is_lead=True).curator
        referral = referral_create(
            application=application, programme=programme, by=lead, note=spec["note"]
        )
    if spec.get("attended") and referral.attended_at is None:
        owner = application.product.business.memberships.order_by("pk").first().user
        referral_attend(referral=referral, by=owner)
