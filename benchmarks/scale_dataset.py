"""The dataset of `make bench-scale` (benchmarks/scale.py): N applications spread as a busy
installation's would be, written with bulk_create into a freshly migrated database that
holds the reference data (`load_reference_data`) and nothing else.

For N applications (figures for N = 100,000):

- nine offices serve the twelve regions of the reference data (Kota and Kabupaten Blitar
  together, Surabaya alone, ...; the planted office Kota Kediri alone), each with coordinators, curators, packaging reviewers,
  certifying officers and a regional head in proportion to its share of the applications
  (about 250 curators and a few dozen of each other role at 100k; at least three curators
  and one of each other role per office at any size). Every staff member has a profile
  with their office (serving its regions), their role's group, a verified e-mail address and a TOTP
  authenticator; one superuser (`admin-bench`) is there for the admin;
- about N/4.5 businesses (22,000), most with one to three products, a few with dozens;
  each with an MSME owner (some owners hold two businesses) and sometimes a staff member,
  their NIB and NPWP documents, and for each product its photos and, for food, P-IRT and
  halal certificates (some expired, some renewed);
- the applications: exact shares per state (`STATE_SHARES`: mostly draft, certified and
  rejected; 1-3 % in each active state, so hundreds to thousands in each queue), chained
  per product (a rejected application followed by a new one, a certificate renewed, at
  most one open application per product, as the constraint wants). Each one is walked
  along a path through the state machine that ends in its state (revision rounds and
  packaging changes along the way for some), leaving what the services leave: one
  TransitionLog row per step with the actor and role, curator assignments and their
  history, scoring rounds with scoresheets and scores (consistent with the final score
  and grade), revision requests, packaging reviews with a result per checklist item, a
  certificate with its number for the certified, and the in-app notifications of every
  step to the people `curation/recipients.py` names (read, mostly, when old);
- one planted MSME, `umkm-bench`, owner of two businesses in Kota Kediri with 36 products
  and 50 applications, identical at every size: the MSME whose pages are timed; and one
  planted curator, `kurator-bench`, of the office serving Kota Kediri, who leads the
  curation of the 40 applications of a third planted business (24 in curation, 6 waiting
  for a revision, 10 certified) and of nothing else: the curator whose pages are timed;
  and a fourth planted business, of the same owner as the third, with 30 applications
  waiting in each of submitted, packaging review and awaiting certification. No generated
  business is in Kota Kediri, so the planted office's queues hold the same rows at every
  size.
- the public catalogue: most businesses (`LISTED_SHARE`) consented to be listed, the
  planted ones included, so their products with a live certificate are in it; a renewal
  supersedes the product's earlier certificate.

Everything is drawn from a random generator seeded with the size, so a size always gives
the same data. Primary keys are given explicitly (the database is empty) and the
sequences are reset at the end. Timestamps are set explicitly too (auto_now is switched
off while seeding), relative to the moment of seeding.

Bump SEED_VERSION whenever what is generated changes: `make bench-scale` then rebuilds
the databases it finds seeded with an older version.

Here the Seeder (reference data, the run, the applications); beside it the names and
shares drawn from (scale_vocabulary.py), the plans (scale_plans.py), the people and
businesses (scale_businesses.py), each application's walk (scale_walk.py) and the
writer (scale_writer.py).
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone

from benchmarks.scale_businesses import (
    BusinessContext,
    ProductContext,
    make_offices,
    write_business,
)
from benchmarks.scale_plans import AppPlan, plan_businesses
from benchmarks.scale_vocabulary import (
    FIRST_NAMES,
    LAST_NAMES,
    OFFICES,
    PASSWORD,
    SEED_VERSION,
    TOTP_SECRET,
)
from benchmarks.scale_walk import Walk
from benchmarks.scale_writer import Writer
from kernel.states import State


class Seeder:
    """Seeds N applications and everything around them; see the module's docstring."""

    def __init__(self, size: int, *, log: Callable[[str], None] | None = None):
        self.size = size
        self.rng = random.Random(f"siap-bench-scale:{SEED_VERSION}:{size}")
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.now = timezone.now().replace(microsecond=0)
        self.m = {
            name: apps.get_model(label)
            for name, label in {
                "Group": "auth.Group",
                "Profile": "curation.Profile",
                "Office": "offices.Office",
                "ServedRegion": "offices.ServedRegion",
                "EmailAddress": "account.EmailAddress",
                "Authenticator": "mfa.Authenticator",
                "Region": "products.Region",
                "Category": "products.Category",
                "Market": "products.Market",
                "DocumentType": "products.DocumentType",
                "Business": "products.Business",
                "Membership": "products.Membership",
                "Product": "products.Product",
                "Document": "products.Document",
                "ConflictOfInterest": "products.ConflictOfInterest",
                "Rubric": "assessments.Rubric",
                "PackagingChecklist": "assessments.PackagingChecklist",
                "ScoringRound": "assessments.ScoringRound",
                "Scoresheet": "assessments.Scoresheet",
                "Score": "assessments.Score",
                "PackagingReview": "assessments.PackagingReview",
                "PackagingItemResult": "assessments.PackagingItemResult",
                "Application": "curation.Application",
                "CuratorAssignment": "curation.CuratorAssignment",
                "CuratorAssignmentChange": "curation.CuratorAssignmentChange",
                "RevisionRequest": "curation.RevisionRequest",
                "TransitionLog": "curation.TransitionLog",
                "Notification": "curation.Notification",
                "StageTarget": "offices.StageTarget",
                "Listing": "catalogue.Listing",
                "Certificate": "certificates.Certificate",
                "CertificateCounter": "certificates.CertificateCounter",
                "CertificateEvent": "certificates.CertificateEvent",
            }.items()
        }
        m = self.m
        self.User = get_user_model()
        self.UserGroup = self.User.groups.through
        self.ProductMarket = m["Product"].target_markets.through
        self.ApplicationMarket = m["Application"].target_markets.through
        self.writer = Writer(
            [
                self.User,
                m["Profile"],
                self.UserGroup,
                m["EmailAddress"],
                m["Authenticator"],
                m["Business"],
                m["Membership"],
                m["Listing"],
                m["ConflictOfInterest"],
                m["Product"],
                self.ProductMarket,
                m["Document"],
                m["Application"],
                self.ApplicationMarket,
                m["CuratorAssignment"],
                m["CuratorAssignmentChange"],
                m["ScoringRound"],
                m["Scoresheet"],
                m["Score"],
                m["RevisionRequest"],
                m["PackagingReview"],
                m["PackagingItemResult"],
                m["TransitionLog"],
                m["Notification"],
                m["Certificate"],
                m["CertificateEvent"],
                m["CertificateCounter"],
                m["StageTarget"],
            ]
        )
        self.ids: dict[type[Model], int] = {}
        self.certificate_serials: Counter[tuple[int, int]] = Counter()
        self.owners: list[int] = []
        self.applications_done = 0
        self.started = time.monotonic()

    # Helpers.

    def next_id(self, model: type[Model]) -> int:
        if model not in self.ids:
            self.ids[model] = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        self.ids[model] += 1
        return self.ids[model]

    def days(self, low: float, high: float) -> timedelta:
        return timedelta(days=self.rng.uniform(low, high))

    def hexdigest(self, size: int = 64) -> str:
        return f"{self.rng.getrandbits(size * 4):0{size}x}"

    def name(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # Reference data.

    def load_reference(self) -> None:
        m = self.m
        self.regions = {r.code: r for r in m["Region"].objects.all()}
        self.categories = {c.key: c for c in m["Category"].objects.all()}
        self.markets = {k.key: k for k in m["Market"].objects.all()}
        self.doc_types = {d.key: d for d in m["DocumentType"].objects.all()}
        self.groups = {g.name: g.pk for g in m["Group"].objects.all()}
        self.rubric = m["Rubric"].objects.filter(is_active=True).order_by("-version").first()
        self.checklist = (
            m["PackagingChecklist"].objects.filter(is_active=True).order_by("-version").first()
        )
        if self.rubric is None or self.checklist is None or not self.regions:
            raise RuntimeError("No reference data: run load_reference_data first.")
        self.criteria = list(self.rubric.criteria.order_by("position"))
        self.items = list(self.checklist.items.order_by("position"))
        missing = {code for office in OFFICES for code in office.regions} - set(self.regions)
        if missing:
            raise RuntimeError(f"The reference data has no region {sorted(missing)}.")
        self.password = make_password(PASSWORD)
        from allauth.mfa.utils import encrypt

        self.totp_data = {"secret": encrypt(TOTP_SECRET)}

    def run(self) -> dict[str, Any]:
        with self.writer.explicit_timestamps():
            self.load_reference()
            make_offices(self)
            plans = plan_businesses(self.size, self.now, self.rng)
            self.log(
                f"  [{self.size:,}] {len(plans):,} businesses planned "
                f"({time.monotonic() - self.started:.0f} s)"
            )
            planted_owners: dict[str, int] = {}  # username: pk
            for plan in plans:
                if plan.owner:
                    planted_owners[plan.owner] = write_business(
                        self, plan, owner_name=plan.owner, owner=planted_owners.get(plan.owner)
                    )
                else:
                    write_business(self, plan)
                self.writer.flush_if_full()
            self.write_counters()
            self.writer.flush()
        self.supersede_renewed()
        self.reset_sequences()
        return {
            "applications": self.applications_done,
            "rows": dict(self.writer.written),
        }

    def write_application(
        self,
        business: BusinessContext,
        product: ProductContext,
        plan: AppPlan,
        created: datetime,
        previous: tuple[int, str] | None,
    ) -> tuple[int, str]:
        m = self.m
        pk = self.next_id(m["Application"])
        creator = business.owner if self.rng.random() < 0.7 else self.rng.choice(business.members)
        application = m["Application"](
            pk=pk,
            product_id=product.pk,
            region_id=business.region.pk,
            state=State.DRAFT,
            rubric_id=self.rubric.pk,
            packaging_checklist_id=self.checklist.pk,
            previous_id=previous[0]
            if previous and previous[1] in (State.REJECTED, State.CERTIFIED)
            else None,
            created_by_id=creator,
            created_at=created,
            state_changed_at=created,
        )
        self.writer.add(application)
        for key in product.markets:
            self.writer.add(
                self.ApplicationMarket(application_id=pk, market_id=self.markets[key].pk)
            )
        walk = Walk(self, business, product, application)
        at = created
        for step, days in zip(plan.steps, plan.days, strict=False):
            at += timedelta(days=days)
            walk.take(step, at)
        walk.finish()
        # Submitted ones went to their region's office (a draft has none yet).
        application.office_id = business.office.pk if application.state != State.DRAFT else None
        if application.state != plan.state:
            raise AssertionError(f"{plan.steps} ended in {application.state}, not {plan.state}")
        self.applications_done += 1
        if self.applications_done % 10_000 == 0:
            self.log(
                f"  [{self.size:,}] {self.applications_done:,} applications "
                f"({time.monotonic() - self.started:.0f} s)"
            )
        return pk, plan.state

    def write_counters(self) -> None:
        for (office_id, year), last in self.certificate_serials.items():
            self.writer.add(
                self.m["CertificateCounter"](office_id=office_id, year=year, last_serial=last)
            )

    def supersede_renewed(self) -> None:
        """A renewal supersedes the product's earlier certificate, as `certificate_issue`
        does: every certificate that a later one of its product follows, unless revoked."""
        table = self.m["Certificate"]._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {table} SET status = 'superseded',
                    superseded_by_id = (
                        SELECT later.id FROM {table} later
                        WHERE later.product_id = {table}.product_id
                          AND later.issued_at > {table}.issued_at
                        ORDER BY later.issued_at LIMIT 1),
                    superseded_at = (
                        SELECT MIN(later.issued_at) FROM {table} later
                        WHERE later.product_id = {table}.product_id
                          AND later.issued_at > {table}.issued_at)
                WHERE status = 'valid' AND EXISTS (
                    SELECT 1 FROM {table} later
                    WHERE later.product_id = {table}.product_id
                      AND later.issued_at > {table}.issued_at)
                """  # noqa: S608 (the table's own name, no input)
            )

    def reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.writer.buffers)):
                cursor.execute(sql)
