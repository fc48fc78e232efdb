"""A known data set for the statistics: applications of the office's region (Kota
Kediri) in known states, with known days between their steps; an application of another
region that no figure of Kediri's staff may count."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.db import models
from django.utils import timezone

from curation.models import Application, TransitionLog
from kernel.roles import Role
from tests import factories as f

JAN = datetime(2026, 1, 5, 9, 0)


def at(day: datetime) -> datetime:
    return timezone.make_aware(day)


def backdate(application: Application, created: datetime, days: list[float]) -> None:
    """Rewrite the application's history: created at `created`, each audit row `days[i]`
    after the one before (the first after the creation). The audit trail refuses changes
    through the application; a test may set its clock."""
    moment = at(created)
    Application.objects.filter(pk=application.pk).update(created_at=moment)
    rows = list(TransitionLog.objects.filter(application=application).order_by("at", "pk"))
    assert len(rows) == len(days), (len(rows), days)
    # The moments the application keeps too: its first submission and certification.
    kept: dict[str, datetime] = {}
    for row, gap in zip(rows, days, strict=True):
        began, moment = moment, moment + timedelta(days=gap)
        models.QuerySet.update(
            TransitionLog.objects.filter(pk=row.pk), at=moment, source_since=began
        )
        if row.target in ("submitted", "certified"):
            kept.setdefault(f"{row.target}_at", moment)
    Application.objects.filter(pk=application.pk).update(state_changed_at=moment, **kept)


@dataclass
class Known:
    certified_jan: Application
    certified_mar: Application
    in_curation: Application
    draft: Application
    rejected: Application
    elsewhere: Application


def new_product(office, name):
    product = f.ProductFactory(business=office.business, name=name)
    f.complete_documents(product, by=office.msme)
    return product


@pytest.fixture
def known(office, bring_to):
    """Five applications of Kediri and one of Blitar:
    - certified in January 2026: 2 days a draft, 5 submitted, 10 in curation, 2 in
      packaging review, 1 awaiting certification;
    - certified in March 2026: 4, 3, 6, 4, 3 days;
    - in curation since 40 days before today (overdue against any target);
    - a draft; one rejected after 1 day a draft and 2 submitted (in February 2026);
    - in Blitar: certified in January too (not Kediri's)."""
    a = bring_to("certified")
    backdate(a, JAN, [2, 5, 10, 2, 1])
    b = bring_to("certified", office.new_application(new_product(office, "Kopi Kelud")))
    backdate(b, datetime(2026, 2, 20, 9), [4, 3, 6, 4, 3])
    c = bring_to("in_curation", office.new_application(new_product(office, "Keripik Tempe")))
    started = timezone.now() - timedelta(days=45)
    backdate(c, timezone.make_naive(started), [1, 4])
    d = office.new_application(new_product(office, "Tahu Takwa"))
    Application.objects.filter(pk=d.pk).update(created_at=at(datetime(2026, 3, 1, 9)))
    e = bring_to("rejected", office.new_application(new_product(office, "Gethuk Pisang")))
    backdate(e, datetime(2026, 2, 1, 9), [1, 2])
    blitar = f.region("35.72")
    other = f.BusinessFactory(name="Batik Blitar", region=blitar)
    owner = f.make_member(other, "blitar-owner")
    product = f.ProductFactory(business=other, name="Batik Tulis")
    f.complete_documents(product, by=owner)
    from curation import services

    g = services.application_create(product=product, by=owner)
    services.application_submit(application=g, by=owner)
    g.refresh_from_db()
    Application.objects.filter(pk=g.pk).update(created_at=at(JAN))
    return Known(a, b, c, d, e, g)


@pytest.fixture
def office_admin(office):
    return f.UserFactory(
        username="office-admin", roles=[Role.OFFICE_ADMIN], regions=[office.business.region]
    )
