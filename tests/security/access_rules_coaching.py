"""The access rules of the coaching pages (an office's programmes, referring a business
from its application, the business saying it attended); see access_rules.py."""

from __future__ import annotations

from django.urls import reverse

from coaching.models import CoachingProgramme, Referral
from coaching.services import referral_create
from curation import services
from tests.coaching.helpers import open_programme, programme_data
from tests.security.access_world import MEMBERS, Rule, allow

# The coordinators of both offices (the world's own and Blitar's) keep programmes.
KEEPERS = {"coordinator", "foreign_coordinator"}


def _programme(office, bring_to):
    """An open programme of the office, and an application its lead rejected in curation."""
    application = bring_to("in_curation")
    services.application_reject(application=application, by=office.lead, reason="Not yet.")
    return application, {"programme": open_programme(office)}


def _referred(office, bring_to):
    application, extra = _programme(office, bring_to)
    extra["referral"] = referral_create(
        application=application, programme=extra["programme"], by=office.lead, note="Go."
    )
    return application, extra


def _programme_url(name):
    return lambda w: reverse(name, args=[w.extra["programme"].pk])


def _programme_name(world):
    return "Pendampingan Kemasan Ekspor"


COACHING_RULES = [
    Rule(
        "coaching:programmes",
        "coaching-programmes",
        lambda w: reverse("coaching:programmes"),
        setup=_programme,
        allowed=allow(KEEPERS),
        # Each office lists its own programmes only.
        secret=_programme_name,
        shows_to=frozenset({"coordinator"}),
        must_show=frozenset({"coordinator"}),
    ),
    Rule(
        "coaching:programme_new",
        "coaching-programme-new",
        lambda w: reverse("coaching:programme_new"),
        setup=_programme,
        method="GET+POST",
        allowed=allow(KEEPERS),
        data=lambda w: programme_data(),
        actor="coordinator",
        effect=lambda w: CoachingProgramme.objects.count(),
    ),
    Rule(
        "coaching:programme",
        "coaching-programme",
        _programme_url("coaching:programme"),
        setup=_referred,
        allowed=allow({"coordinator"}),
        # Who was referred: the office's staff who keep programmes only.
        secret=lambda w: w.office.business.name,
        shows_to=frozenset({"coordinator"}),
        must_show=frozenset({"coordinator"}),
    ),
    Rule(
        "coaching:programme_edit",
        "coaching-programme-edit",
        _programme_url("coaching:programme_edit"),
        setup=_programme,
        method="GET+POST",
        allowed=allow({"coordinator"}),
        data=lambda w: programme_data(name="Renamed"),
        actor="coordinator",
        effect=lambda w: tuple(CoachingProgramme.objects.values_list("name", "is_active")),
    ),
    Rule(
        "coaching:refer",
        "coaching-refer",
        lambda w: reverse("coaching:refer", args=[w.pk]),
        setup=_programme,
        method="GET+POST",
        allowed=allow({"lead", "coordinator"}),
        data=lambda w: {"programme": w.extra["programme"].pk, "note": "Take the sessions."},
        actor="lead",
        effect=lambda w: Referral.objects.count(),
    ),
    Rule(
        "coaching:attended",
        "coaching-attended",
        lambda w: reverse("coaching:attended", args=[w.extra["referral"].pk]),
        setup=_referred,
        method="POST",
        allowed=allow(MEMBERS),
        actor="msme",
        effect=lambda w: tuple(Referral.objects.values_list("attended_at", flat=True)),
    ),
]
