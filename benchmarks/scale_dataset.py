"""The dataset of `make bench-scale` (benchmarks/scale.py): N applications spread as a busy
installation's would be, written with bulk_create into a freshly migrated database that
holds the reference data (`load_reference_data`) and nothing else.

For N applications (figures for N = 100,000):

- eight offices serve the twelve regions of the reference data (Kota and Kabupaten Kediri
  together, Surabaya alone, ...), each with coordinators, curators, packaging reviewers,
  certifying officers and a regional head in proportion to its share of the applications
  (about 250 curators and a few dozen of each other role at 100k; at least three curators
  and one of each other role per office at any size). Every staff member has a profile
  with the office's regions, their role's group, a verified e-mail address and a TOTP
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
  and 50 applications, identical at every size: the MSME whose pages are timed.

Everything is drawn from a random generator seeded with the size, so a size always gives
the same data. Primary keys are given explicitly (the database is empty) and the
sequences are reset at the end. Timestamps are set explicitly too (auto_now is switched
off while seeding), relative to the moment of seeding.

Bump SEED_VERSION whenever what is generated changes: `make bench-scale` then rebuilds
the databases it finds seeded with an older version.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from kernel.roles import Role
from kernel.states import FINAL_STATES, State

SEED_VERSION = 2

# Staff, MSMEs and the superuser can all sign in with this password; staff with a TOTP
# code for this secret too (nothing here is for production: the data is invented).
PASSWORD = "siap-bench-scale"
TOTP_SECRET = "KRSXG5CTNFQXAQLTMNQWYZLCMVXGG2DF"
PERSONA_MSME = "umkm-bench"
SUPERUSER = "admin-bench"
# A word in about 5 % of product names: what the searches look for.
SEARCH_TERM = "kopi"

# Shares of the applications in each state, in percent.
STATE_SHARES: dict[str, float] = {
    State.DRAFT: 18.0,
    State.SUBMITTED: 2.0,
    State.IN_CURATION: 3.0,
    State.REVISION_REQUESTED: 1.2,
    State.PACKAGING_REVIEW: 1.8,
    State.PACKAGING_REVISION: 0.8,
    State.AWAITING_CERTIFICATION: 1.5,
    State.CERTIFIED: 38.0,
    State.REJECTED: 23.0,
    State.WITHDRAWN: 10.7,
}
OPEN_STATES = [s for s in STATE_SHARES if s not in FINAL_STATES]

# The office's targets (StateTarget), in days; how long the open applications have been in
# their state is drawn up to about 1.5 times the target, so about a third are overdue.
TARGET_DAYS: dict[str, int] = {
    State.SUBMITTED: 3,
    State.IN_CURATION: 14,
    State.REVISION_REQUESTED: 14,
    State.PACKAGING_REVIEW: 7,
    State.PACKAGING_REVISION: 14,
    State.AWAITING_CERTIFICATION: 5,
}
AGE_DAYS: dict[str, float] = {State.DRAFT: 120.0, **{s: d * 1.5 for s, d in TARGET_DAYS.items()}}

# How long each step takes after the one before (days, uniformly between).
STEP_DAYS = {
    "submit": (1, 30),
    "assign_curators": (0.2, 6),
    "request_revision": (4, 20),
    "resubmit": (2, 20),
    "pass_curation": (5, 25),
    "request_packaging_changes": (2, 10),
    "resubmit_packaging": (3, 20),
    "approve_packaging": (1, 10),
    "certify": (1, 7),
    "reject": (1, 15),
    "withdraw": (1, 40),
}
# From a finished application to the product's next one.
NEXT_APPLICATION_DAYS: dict[str, tuple[float, float]] = {
    State.REJECTED: (3, 90),
    State.CERTIFIED: (400, 700),
    State.WITHDRAWN: (10, 200),
}


@dataclass(frozen=True)
class OfficeSpec:
    slug: str
    regions: tuple[str, ...]
    weight: float


OFFICES = (
    OfficeSpec("kediri", ("35.71", "35.06"), 14),
    OfficeSpec("blitar", ("35.72", "35.05"), 9),
    OfficeSpec("nganjuk", ("35.18", "35.17"), 9),
    OfficeSpec("tulungagung", ("35.04", "35.03"), 8),
    OfficeSpec("banyuwangi", ("35.10",), 8),
    OfficeSpec("malang", ("35.73",), 17),
    OfficeSpec("surabaya", ("35.78",), 28),
    OfficeSpec("kuburaya", ("61.12",), 7),
)
STAFF_PREFIX: dict[str, str] = {
    Role.COORDINATOR: "koordinator",
    Role.CURATOR: "kurator",
    Role.PACKAGING_REVIEWER: "reviewer",
    Role.CERTIFYING_OFFICER: "pejabat",
    Role.REGIONAL_ADMIN: "kepala",
}


def staffing(applications: float) -> dict[str, int]:
    """How many of each staff role an office with this many applications has."""
    return {
        Role.COORDINATOR: max(1, round(applications / 8_000)),
        Role.CURATOR: max(3, round(applications / 400)),
        Role.PACKAGING_REVIEWER: max(1, round(applications / 5_000)),
        Role.CERTIFYING_OFFICER: max(1, round(applications / 10_000)),
        Role.REGIONAL_ADMIN: 1,
    }


# Words for names.
# fmt: off
FIRST_NAMES = (
    "Sri", "Budi", "Wahyu", "Siti", "Agus", "Dewi", "Rini", "Darto", "Eko", "Yuni", "Heri",
    "Lestari", "Bambang", "Ratna", "Joko", "Wati", "Slamet", "Endang", "Hadi", "Nur", "Tri",
    "Dwi", "Puji", "Sugeng", "Yanti", "Anik", "Rudi", "Fitri", "Bayu", "Indah",
)
LAST_NAMES = (
    "Santoso", "Wijaya", "Rahayu", "Susanto", "Hartono", "Pratama", "Kusuma", "Setiawan",
    "Purnomo", "Hidayat", "Saputra", "Wibowo", "Nugroho", "Utami", "Handayani", "Prasetyo",
    "Suryani", "Kurniawan", "Maharani", "Firmansyah",
)
BUSINESS_PREFIXES = ("UD", "CV", "UMKM", "KUB", "Home Industry", "PT")
BUSINESS_WORDS = (
    "Sumber", "Maju", "Berkah", "Jaya", "Rejeki", "Makmur", "Sejahtera", "Lestari", "Abadi",
    "Mandiri", "Sentosa", "Barokah", "Tunas", "Mulia", "Karya", "Sari", "Mekar", "Putra",
    "Citra", "Agung",
)
STREETS = (
    "Dhoho", "Brawijaya", "Hayam Wuruk", "Diponegoro", "Sudirman", "Ahmad Yani", "Pahlawan",
    "Merdeka", "Veteran", "Kawi", "Semeru", "Mastrip", "Joyoboyo",
)
PRODUCTS = {
    "processed_food": (
        "Keripik Pisang",
        "Keripik Tempe",
        "Stik Tahu",
        "Rengginang",
        "Kerupuk Udang",
        "Dodol Nanas",
        "Abon Lele",
        "Jenang Kudus",
        "Keripik Singkong",
        "Bakpia Kacang Hijau",
    ),
    "sauces_condiments": (
        "Sambal Pecel",
        "Sambal Bawang",
        "Bumbu Rujak",
        "Kecap Manis",
        "Petis Udang",
        "Sambal Roa",
    ),
    "coffee_spices": (
        "Kopi Robusta",
        "Kopi Arabika",
        "Kopi Luwak",
        "Jahe Merah Bubuk",
        "Kunyit Bubuk",
        "Cokelat Bubuk",
    ),
    "beverages": (
        "Sari Belimbing",
        "Wedang Uwuh",
        "Jamu Kunyit Asam",
        "Sirup Markisa",
        "Teh Rosella",
    ),
    "musical_instruments": ("Djembe", "Kendang", "Angklung", "Gamelan Mini", "Ukulele Bambu"),
    "handicraft_carving": (
        "Tas Batok Kelapa",
        "Topeng Kayu",
        "Ukiran Jati",
        "Miniatur Perahu",
        "Gantungan Kunci Kayu",
    ),
    "basketry": ("Keranjang Bambu", "Tas Anyaman Pandan", "Tampah Rotan", "Kap Lampu Rotan"),
    "furniture": ("Kursi Rotan", "Meja Jati", "Rak Bambu", "Bangku Trembesi"),
    "textiles": ("Tenun Ikat", "Batik Tulis", "Batik Cap", "Songket", "Lurik"),
    "apparel": ("Kemeja Batik", "Daster Batik", "Kaos Sablon", "Hijab Tenun"),
}
CATEGORY_WEIGHTS = {
    "processed_food": 20,
    "sauces_condiments": 12,
    "coffee_spices": 12,
    "beverages": 8,
    "musical_instruments": 5,
    "handicraft_carving": 12,
    "basketry": 8,
    "furniture": 6,
    "textiles": 10,
    "apparel": 7,
}
VARIANTS = (
    "Original", "Pedas", "Premium", "Kelud", "Brantas", "Dhoho", "Joyoboyo", "Mataraman",
    "Ekspor", "Klasik", "Mini", "Super", "Asli", "Spesial", "Nusantara", "Wilis",
)
MARKET_WEIGHTS = {
    "my": 18,
    "sg": 14,
    "jp": 12,
    "us": 12,
    "eu": 10,
    "au": 8,
    "cn": 8,
    "sa": 6,
    "ae": 6,
    "kr": 6,
}
# fmt: on
# Products per business: (how many, weight).
PRODUCTS_PER_BUSINESS = ((1, 40), (2, 25), (3, 15), (4, 5), (5, 4), (6, 3), (8, 3), (12, 3))
PRODUCTS_PER_BUSINESS_TAIL = (16, 40)  # 2 % of businesses: this many, uniformly

REVISION_MESSAGES = (
    "Lengkapi hasil uji laboratorium terbaru.",
    "Foto kemasan belum menunjukkan label komposisi.",
    "Kapasitas produksi bulanan perlu bukti pendukung.",
    "Please add the lab test report and a clearer label photo.",
)
REJECT_REASONS = (
    "Produk belum memenuhi standar mutu ekspor.",
    "Dokumen legalitas tidak sesuai dengan data usaha.",
    "Skor kurasi di bawah ambang batas.",
    "Not our region's product.",
)
PACKAGING_NOTES = (
    "Tambahkan keterangan negara asal.",
    "Berat bersih harus dalam satuan metrik.",
    "Kode produksi tidak terbaca.",
    "Label bahasa tujuan belum ada.",
)


def exact_counts(total: int, shares: dict[str, float]) -> dict[str, int]:
    """`total` split by `shares`, whole numbers summing exactly to `total` (largest
    remainders)."""
    whole = sum(shares.values())
    raw = {key: total * share / whole for key, share in shares.items()}
    counts = {key: int(value) for key, value in raw.items()}
    by_remainder = sorted(raw, key=lambda key: raw[key] - counts[key], reverse=True)
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def path_to(state: str, rng: random.Random) -> list[str]:
    """The steps from draft to `state`: the shortest way, with a revision round or a
    packaging change along the way for some."""
    curation = ["assign_curators"]
    if rng.random() < 0.25:
        curation += ["request_revision", "resubmit"]
    packaging = ["pass_curation"]
    if rng.random() < 0.2:
        packaging += ["request_packaging_changes", "resubmit_packaging"]
    match state:
        case State.DRAFT:
            return []
        case State.SUBMITTED:
            return ["submit"]
        case State.IN_CURATION:
            return ["submit", *curation]
        case State.REVISION_REQUESTED:
            return ["submit", *curation, "request_revision"]
        case State.PACKAGING_REVIEW:
            return ["submit", *curation, *packaging]
        case State.PACKAGING_REVISION:
            return ["submit", *curation, *packaging, "request_packaging_changes"]
        case State.AWAITING_CERTIFICATION:
            return ["submit", *curation, *packaging, "approve_packaging"]
        case State.CERTIFIED:
            return ["submit", *curation, *packaging, "approve_packaging", "certify"]
        case State.REJECTED:
            stage = rng.choices(
                [
                    State.SUBMITTED,
                    State.IN_CURATION,
                    State.PACKAGING_REVIEW,
                    State.AWAITING_CERTIFICATION,
                ],
                [35, 40, 15, 10],
            )[0]
            return [*path_to(stage, rng), "reject"]
        case State.WITHDRAWN:
            stage = rng.choices(
                [
                    State.DRAFT,
                    State.SUBMITTED,
                    State.REVISION_REQUESTED,
                    State.PACKAGING_REVISION,
                ],
                [45, 20, 25, 10],
            )[0]
            return [*path_to(stage, rng), "withdraw"]
    raise ValueError(state)


# Plans: what is generated before it is written.


@dataclass
class AppPlan:
    state: str
    steps: list[str]
    # Days before each step (the first: how long it stayed a draft); for an open
    # application, one more: how long it has been in its state now.
    days: list[float] = field(default_factory=list)

    @property
    def span(self) -> float:
        return sum(self.days)


@dataclass
class ProductPlan:
    category: str
    chain: list[AppPlan]
    gaps: list[float] = field(default_factory=list)  # days between the chain's applications
    start: datetime | None = None  # the product's creation
    first: datetime | None = None  # its first application's creation


@dataclass
class BusinessPlan:
    region: str
    products: list[ProductPlan]
    name: str = ""


@dataclass
class Office:
    spec: OfficeSpec
    region_ids: list[int]
    staff: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


class Writer:
    """Rows waiting to be written, per model, flushed in the order of `models` (parents
    before children) in one transaction per flush."""

    def __init__(self, models: list[type[Model]], *, batch_size: int = 2_000):
        self.buffers: dict[type[Model], list[Model]] = {model: [] for model in models}
        self.batch_size = batch_size
        self.pending = 0
        self.written: Counter[str] = Counter()
        # Fields whose auto_now / auto_now_add is off while seeding: a row that leaves one
        # empty gets the seeding time.
        self.stamps: dict[type[Model], list[str]] = {}
        self.now = timezone.now()

    def add(self, row: Model) -> Model:
        self.buffers[type(row)].append(row)
        self.pending += 1
        return row

    def flush_if_full(self, limit: int = 60_000) -> None:
        if self.pending >= limit:
            self.flush()

    def flush(self) -> None:
        with transaction.atomic():
            for model, rows in self.buffers.items():
                if not rows:
                    continue
                for name in self.stamps.get(model, ()):
                    for row in rows:
                        if getattr(row, name) is None:
                            setattr(row, name, self.now)
                model._default_manager.bulk_create(rows, batch_size=self.batch_size)
                self.written[model._meta.label] += len(rows)
                rows.clear()
        self.pending = 0

    @contextmanager
    def explicit_timestamps(self) -> Iterator[None]:
        """Switch auto_now and auto_now_add off on every model written, so the rows keep
        the historical times given to them."""
        patched = []
        for model in self.buffers:
            for f in model._meta.concrete_fields:
                flags = (getattr(f, "auto_now", False), getattr(f, "auto_now_add", False))
                if any(flags):
                    patched.append((f, flags))
                    setattr(f, "auto_now", False)  # noqa: B010 (DateTimeField's, not Field's)
                    setattr(f, "auto_now_add", False)  # noqa: B010
                    self.stamps.setdefault(model, []).append(f.attname)
        try:
            yield
        finally:
            for f, (auto_now, auto_now_add) in patched:
                setattr(f, "auto_now", auto_now)  # noqa: B010
                setattr(f, "auto_now_add", auto_now_add)  # noqa: B010


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
                "StateTarget": "curation.StateTarget",
                "Certificate": "certificates.Certificate",
                "CertificateCounter": "certificates.CertificateCounter",
                "CertificateEvent": "certificates.CertificateEvent",
            }.items()
        }
        m = self.m
        self.User = get_user_model()
        self.UserGroup = self.User.groups.through
        self.ProfileRegion = m["Profile"].regions.through
        self.ProductMarket = m["Product"].target_markets.through
        self.ApplicationMarket = m["Application"].target_markets.through
        self.writer = Writer(
            [
                self.User,
                m["Profile"],
                self.UserGroup,
                self.ProfileRegion,
                m["EmailAddress"],
                m["Authenticator"],
                m["Business"],
                m["Membership"],
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
                m["StateTarget"],
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

    # Reference data and people.

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

    def user(
        self,
        username: str,
        *,
        roles: tuple[str, ...] = (),
        region_ids: list[int] | None = None,
        joined: datetime,
        two_factor: bool = False,
        superuser: bool = False,
    ) -> int:
        m = self.m
        first, last = self.name()
        pk = self.next_id(self.User)
        self.writer.add(
            self.User(
                pk=pk,
                username=username,
                email=f"{username}@bench.siap-ekspor.test",
                first_name=first,
                last_name=last,
                password=self.password,
                is_staff=superuser,
                is_superuser=superuser,
                date_joined=joined,
            )
        )
        language = "en" if self.rng.random() < 0.3 else "id"
        self.writer.add(m["Profile"](pk=pk, user_id=pk, language=language))
        for role in roles:
            self.writer.add(self.UserGroup(user_id=pk, group_id=self.groups[role]))
        for region_id in region_ids or ():
            self.writer.add(self.ProfileRegion(profile_id=pk, region_id=region_id))
        self.writer.add(
            m["EmailAddress"](
                user_id=pk,
                email=f"{username}@bench.siap-ekspor.test",
                verified=True,
                primary=True,
            )
        )
        if two_factor:
            self.writer.add(
                m["Authenticator"](
                    user_id=pk,
                    type="totp",
                    data=self.totp_data,
                    created_at=joined,
                )
            )
        return pk

    def make_offices(self) -> None:
        total = sum(o.weight for o in OFFICES)
        self.offices: list[Office] = []
        self.office_of: dict[int, Office] = {}
        joined = self.now - timedelta(days=5 * 365)
        for spec in OFFICES:
            office = Office(spec, [self.regions[code].pk for code in spec.regions])
            for role, count in staffing(self.size * spec.weight / total).items():
                for n in range(1, count + 1):
                    username = f"{STAFF_PREFIX[role]}-{spec.slug}-{n:02d}"
                    office.staff[role].append(
                        self.user(
                            username,
                            roles=(role,),
                            region_ids=office.region_ids,
                            joined=joined,
                            two_factor=True,
                        )
                    )
            self.offices.append(office)
            for region_id in office.region_ids:
                self.office_of[region_id] = office
        self.user(SUPERUSER, joined=joined, two_factor=True, superuser=True)
        m = self.m
        for state, days in TARGET_DAYS.items():
            if not m["StateTarget"].objects.filter(state=state).exists():
                self.writer.add(m["StateTarget"](state=state, days=days))
        self.writer.flush()

    # Planning: states into chains, chains into products, products into businesses.

    def chain_states(
        self, total: int, rng: random.Random, *, products: int | None = None
    ) -> list[list[str]]:
        """The applications' states, `total` of them in exact shares, grouped into the
        chains of one product each (about 1.5 applications per product, or `products`
        chains): final ones first, at most one open one, last."""
        counts = exact_counts(total, STATE_SHARES)
        open_ = [s for s in OPEN_STATES for _ in range(counts[s])]
        final = [s for s in FINAL_STATES for _ in range(counts[s])]
        rng.shuffle(open_)
        rng.shuffle(final)
        chains = [[state] for state in open_]
        # The other chains start with a finished application; the remaining finished
        # ones come before another application of a product.
        wanted = products if products is not None else round(total / 1.5)
        solo = min(len(final), max(0, wanted - len(open_)))
        finished: list[list[str]] = [[state] for state in final[:solo]]
        chains += finished
        for state in final[solo:]:
            rng.choice(chains).insert(0, state)
        rng.shuffle(chains)
        return chains

    def plan_chain(self, states: list[str], rng: random.Random) -> list[AppPlan]:
        plans = []
        for state in states:
            steps = path_to(state, rng)
            days = [rng.uniform(*STEP_DAYS[step]) for step in steps]
            if state not in FINAL_STATES:
                days.append(rng.uniform(0, AGE_DAYS[state]))
            plans.append(AppPlan(state, steps, days))
        return plans

    def plan_product(self, states: list[str], category: str, rng: random.Random) -> ProductPlan:
        chain = self.plan_chain(states, rng)
        gaps = [rng.uniform(*NEXT_APPLICATION_DAYS[app.state]) for app in chain[:-1]]
        product = ProductPlan(category, chain, gaps)
        span = sum(app.span for app in chain) + sum(gaps)
        if chain and chain[-1].state not in FINAL_STATES:
            end = self.now  # the open application's age is in its days
        else:
            end = self.now - timedelta(days=rng.uniform(1, 1000))
        if chain:
            product.first = end - timedelta(days=span)
            product.start = product.first - timedelta(days=rng.uniform(1, 45))
        else:
            product.start = self.now - timedelta(days=rng.uniform(10, 700))
        return product

    def plan_businesses(self) -> list[BusinessPlan]:
        rng = self.rng
        persona = self.plan_persona()
        total = self.size - sum(len(p.chain) for b in persona for p in b.products)
        chains = self.chain_states(max(total, 0), rng)
        # Some products never got an application.
        chains += [[] for _ in range(round(len(chains) * 0.06))]
        rng.shuffle(chains)
        region_weights = {
            code: office.weight / len(office.regions) * (1.2 if i == 0 else 0.8)
            for office in OFFICES
            for i, code in enumerate(office.regions)
        }
        codes, weights = list(region_weights), list(region_weights.values())
        sizes, size_weights = zip(*PRODUCTS_PER_BUSINESS, strict=True)
        businesses = []
        while chains:
            if rng.random() < 0.02:
                count = rng.randint(*PRODUCTS_PER_BUSINESS_TAIL)
            else:
                count = rng.choices(sizes, size_weights)[0]
            main = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
            products = []
            for states in chains[:count]:
                category = main if rng.random() < 0.8 else rng.choice(list(CATEGORY_WEIGHTS))
                products.append(self.plan_product(states, category, rng))
            del chains[:count]
            businesses.append(BusinessPlan(rng.choices(codes, weights)[0], products))
        return persona + businesses

    def plan_persona(self) -> list[BusinessPlan]:
        """`umkm-bench`'s two businesses: 36 products, 50 applications, the same at every
        size (drawn from a generator of their own)."""
        rng = random.Random(f"siap-bench-scale:{SEED_VERSION}:persona")
        chains = self.chain_states(50, rng, products=36)
        products = [
            self.plan_product(states, rng.choice(["sauces_condiments", "coffee_spices"]), rng)
            for states in chains
        ]
        return [
            BusinessPlan("35.71", products[:24], name="Sambal Bu Rini"),
            BusinessPlan("35.71", products[24:], name="Kopi Kelud Bu Rini"),
        ]

    # Writing.

    def run(self) -> dict[str, Any]:
        with self.writer.explicit_timestamps():
            self.load_reference()
            self.make_offices()
            plans = self.plan_businesses()
            self.log(
                f"  [{self.size:,}] {len(plans):,} businesses planned "
                f"({time.monotonic() - self.started:.0f} s)"
            )
            persona_owner = None
            for number, plan in enumerate(plans):
                if number < 2:
                    persona_owner = self.write_business(
                        plan, owner_name=PERSONA_MSME, owner=persona_owner
                    )
                else:
                    self.write_business(plan)
                self.writer.flush_if_full()
            self.write_counters()
            self.writer.flush()
        self.reset_sequences()
        return {
            "applications": self.applications_done,
            "rows": dict(self.writer.written),
        }

    def write_business(
        self, plan: BusinessPlan, *, owner_name: str | None = None, owner: int | None = None
    ) -> int:
        m, rng = self.m, self.rng
        region = self.regions[plan.region]
        office = self.office_of[region.pk]
        starts = [p.start for p in plan.products if p.start is not None]
        created = min(starts or [self.now - self.days(30, 900)]) - self.days(1, 90)
        pk = self.next_id(m["Business"])
        if owner is None and owner_name is None and self.owners and rng.random() < 0.05:
            owner = rng.choice(self.owners)  # an owner of another business too
        if owner is None:
            owner = self.user(owner_name or f"umkm{pk:06d}", roles=(Role.MSME,), joined=created)
            if owner_name is None:  # the planted MSME keeps to its own two businesses
                self.owners.append(owner)
        members = [owner]
        if rng.random() < 0.25:
            members.append(self.user(f"staf{pk:06d}", roles=(Role.MSME,), joined=created))
        first, last = self.name()
        name = plan.name or (
            f"{rng.choice(BUSINESS_PREFIXES)} {rng.choice(BUSINESS_WORDS)} "
            f"{rng.choice(BUSINESS_WORDS)}" + (f" {first}" if rng.random() < 0.4 else "")
        )
        nib = f"{9120000000000 + pk:013d}"
        self.writer.add(
            m["Business"](
                pk=pk,
                name=name,
                nib=nib,
                npwp=f"{10**14 + pk * 7:015d}",
                address=f"Jl. {rng.choice(STREETS)} No. {rng.randint(1, 200)}, {region.name}",
                region_id=region.pk,
                size=rng.choices(["micro", "small", "medium"], [70, 25, 5])[0],
                email=f"usaha{pk}@bench.siap-ekspor.test",
                phone=f"08{rng.randint(10**9, 10**10 - 1)}",
                created_at=created,
            )
        )
        for n, user_id in enumerate(members):
            self.writer.add(
                m["Membership"](
                    business_id=pk,
                    user_id=user_id,
                    role="owner" if n == 0 else "staff",
                    joined_at=created,
                )
            )
        for kind, number in (("nib", nib), ("npwp", f"{10**14 + pk * 7:015d}")):
            self.document(pk, None, kind, number=number, at=created, by=owner)
        business = BusinessContext(
            pk=pk,
            name=name,
            region=region,
            office=office,
            members=members,
            owner=owner,
            conflicted=set(),
        )
        if rng.random() < 0.01:
            curator = rng.choice(office.staff[Role.CURATOR])
            business.conflicted.add(curator)
            self.writer.add(
                m["ConflictOfInterest"](
                    curator_id=curator,
                    business_id=pk,
                    reason="Keluarga pemilik usaha.",
                    declared_at=created,
                )
            )
        for product in plan.products:
            self.write_product(business, product)
        return owner

    def document(
        self,
        business_id: int,
        product_id: int | None,
        kind: str,
        *,
        at: datetime,
        by: int,
        number: str = "",
        expires_on: date | None = None,
    ) -> None:
        photo = "photo" in kind
        self.writer.add(
            self.m["Document"](
                business_id=business_id,
                product_id=product_id,
                kind_id=self.doc_types[kind].pk,
                number=number,
                issued_on=at.date() if number else None,
                expires_on=expires_on,
                file=f"documents/{business_id}/{self.hexdigest(32)}.{'png' if photo else 'pdf'}",
                content_type="image/png" if photo else "application/pdf",
                size=self.rng.randint(40_000, 2_000_000),
                sha256=self.hexdigest(),
                uploaded_by_id=by,
                uploaded_at=at,
            )
        )

    def write_product(self, business: BusinessContext, plan: ProductPlan) -> None:
        m, rng = self.m, self.rng
        category = self.categories[plan.category]
        food = category.kind == "food"
        pk = self.next_id(m["Product"])
        start = plan.start or self.now - self.days(10, 700)
        heading = (category.hs_headings or ["9999"])[0]
        count = rng.choices([1, 2, 3], [40, 40, 20])[0]
        markets = sorted(MARKET_WEIGHTS, key=lambda key: rng.random() ** (1 / MARKET_WEIGHTS[key]))[
            -count:
        ]
        name = f"{rng.choice(PRODUCTS[plan.category])} {rng.choice(VARIANTS)}"
        self.writer.add(
            m["Product"](
                pk=pk,
                business_id=business.pk,
                name=name,
                category_id=category.pk,
                hs_code=(heading + "".join(str(rng.randint(0, 9)) for _ in range(8)))[:8],
                description="Produk unggulan daerah, diproduksi dengan bahan lokal pilihan.",
                materials="Bahan lokal pilihan" if food else "Kayu, bambu, serat alam",
                monthly_capacity=Decimal(rng.randint(100, 20_000)),
                capacity_unit="pcs",
                shelf_life_days=rng.randint(30, 720) if food else None,
                fob_price=Decimal(rng.randint(100, 5_000)) / 100,
                fob_currency="USD",
                created_at=start,
                updated_at=start,
            )
        )
        for key in markets:
            self.writer.add(self.ProductMarket(product_id=pk, market_id=self.markets[key].pk))
        owner = business.owner
        self.document(business.pk, pk, "product_photo", at=start, by=owner)
        self.document(business.pk, pk, "packaging_photo", at=start, by=owner)
        if food:
            issued = start
            expired = self.now - issued > timedelta(days=5 * 365)
            if rng.random() < 0.08 or expired:
                # An older registration, since renewed (or, rarely, not renewed yet).
                old = issued - self.days(400, 1500)
                self.document(
                    business.pk,
                    pk,
                    "pirt",
                    number=f"20{rng.randint(10**12, 10**13 - 1)}",
                    at=old,
                    by=owner,
                    expires_on=(old + timedelta(days=5 * 365)).date(),
                )
            if rng.random() < 0.97:
                self.document(
                    business.pk,
                    pk,
                    "pirt",
                    number=f"20{rng.randint(10**12, 10**13 - 1)}",
                    at=issued,
                    by=owner,
                    expires_on=(issued + timedelta(days=5 * 365)).date(),
                )
            self.document(
                business.pk,
                pk,
                "halal",
                number=f"ID35{rng.randint(10**14, 10**15 - 1)}",
                at=issued,
                by=owner,
                expires_on=(issued + timedelta(days=4 * 365)).date(),
            )
        elif rng.random() < 0.1:
            self.document(business.pk, pk, "lab_test", at=start, by=owner)
        product = ProductContext(pk=pk, name=name, food=food, markets=markets)
        at = plan.first or start
        previous: tuple[int, str] | None = None
        for n, app in enumerate(plan.chain):
            if n:
                at += timedelta(days=plan.gaps[n - 1])
            previous = self.write_application(business, product, app, at, previous)
            at += timedelta(days=app.span)

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
        for (region_id, year), last in self.certificate_serials.items():
            self.writer.add(
                self.m["CertificateCounter"](region_id=region_id, year=year, last_serial=last)
            )

    def reset_sequences(self) -> None:
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.writer.buffers)):
                cursor.execute(sql)


@dataclass
class BusinessContext:
    pk: int
    name: str
    region: Any
    office: Office
    members: list[int]
    owner: int
    conflicted: set[int]


@dataclass
class ProductContext:
    pk: int
    name: str
    food: bool
    markets: list[str]


class Walk:
    """One application taken along its path, writing what each step leaves behind."""

    def __init__(
        self, seeder: Seeder, business: BusinessContext, product: ProductContext, application: Any
    ):
        self.s = seeder
        self.m = seeder.m
        self.rng = seeder.rng
        self.business = business
        self.product = product
        self.app = application
        self.curators: list[int] = []
        self.lead = 0  # the lead curator, once assigned
        self.round: Any = None  # the ScoringRound open now
        self.rounds = 0
        self.review: Any = None  # the PackagingReview open now
        self.reviews = 0
        self.revision: Any = None  # the RevisionRequest waiting for an answer
        office = business.office
        self.coordinator = self.rng.choice(office.staff[Role.COORDINATOR])

    # Who.

    def staff(self, role: str) -> list[int]:
        return self.business.office.staff[role]

    def recipients(self, event: str, source: str) -> list[int]:
        """As curation/recipients.py names them."""
        members = self.business.members
        match event:
            case "submit":
                return self.staff(Role.COORDINATOR)
            case "assign_curators" | "resubmit":
                return self.curators
            case "request_revision" | "request_packaging_changes" | "reject":
                return members
            case "pass_curation":
                return [*members, *self.staff(Role.PACKAGING_REVIEWER)]
            case "resubmit_packaging":
                return self.staff(Role.PACKAGING_REVIEWER)
            case "approve_packaging":
                return [u for u in self.staff(Role.CERTIFYING_OFFICER) if u not in self.curators]
            case "certify":
                return members
            case "withdraw":
                working: dict[str, list[int]] = {
                    State.SUBMITTED: self.staff(Role.COORDINATOR),
                    State.REVISION_REQUESTED: self.curators,
                    State.PACKAGING_REVISION: self.staff(Role.PACKAGING_REVIEWER),
                }
                return working.get(source, [])
        raise ValueError(event)

    # The steps.

    def take(self, step: str, at: datetime) -> None:
        rng, app = self.rng, self.app
        source = app.state
        comment = ""
        msme = self.business.owner if rng.random() < 0.8 else rng.choice(self.business.members)
        match step:
            case "submit":
                actor, role, target = msme, Role.MSME, State.SUBMITTED
            case "assign_curators":
                actor, role, target = self.coordinator, Role.COORDINATOR, State.IN_CURATION
                self.assign(at)
            case "request_revision":
                by_lead = rng.random() < 0.85
                actor = self.lead if by_lead else self.coordinator
                role = Role.CURATOR if by_lead else Role.COORDINATOR
                target = State.REVISION_REQUESTED
                comment = rng.choice(REVISION_MESSAGES)
                self.close_round(at, "revise")
                self.revision = self.s.writer.add(
                    self.m["RevisionRequest"](
                        application_id=app.pk,
                        requested_by_id=actor,
                        message=comment,
                        requested_at=at,
                        snapshot={"product": {"name": "", "documents": []}},
                    )
                )
            case "resubmit":
                actor, role, target = msme, Role.MSME, State.IN_CURATION
                comment = "Sudah kami lengkapi sesuai permintaan."
                if self.revision is not None:
                    self.revision.answer = comment
                    self.revision.answered_at = at
                    self.revision.changes = [{"field": "documents", "change": "added"}]
                self.open_round(at)
            case "pass_curation":
                actor, role, target = self.lead, Role.CURATOR, State.PACKAGING_REVIEW
                total, grade = self.close_round(at, "pass")
                app.final_score, app.grade = total, grade
                self.open_review(at)
            case "request_packaging_changes":
                actor = rng.choice(self.staff(Role.PACKAGING_REVIEWER))
                role, target = Role.PACKAGING_REVIEWER, State.PACKAGING_REVISION
                self.close_review(at, actor, failed=rng.randint(1, 3))
            case "resubmit_packaging":
                actor, role, target = msme, Role.MSME, State.PACKAGING_REVIEW
                self.s.document(
                    self.business.pk, self.product.pk, "packaging_photo", at=at, by=actor
                )
                self.open_review(at)
            case "approve_packaging":
                actor = rng.choice(self.staff(Role.PACKAGING_REVIEWER))
                role, target = Role.PACKAGING_REVIEWER, State.AWAITING_CERTIFICATION
                self.close_review(at, actor, failed=0)
            case "certify":
                actor = rng.choice(self.staff(Role.CERTIFYING_OFFICER))
                role, target = Role.CERTIFYING_OFFICER, State.CERTIFIED
                self.certificate(at, actor)
            case "reject":
                target = State.REJECTED
                comment = rng.choice(REJECT_REASONS)
                if source == State.SUBMITTED:
                    actor, role = self.coordinator, Role.COORDINATOR
                elif source == State.IN_CURATION:
                    actor, role = self.lead, Role.CURATOR
                    self.close_round(at, "reject")
                elif source == State.PACKAGING_REVIEW:
                    actor = rng.choice(self.staff(Role.PACKAGING_REVIEWER))
                    role = Role.PACKAGING_REVIEWER
                    self.close_review(at, None, failed=rng.randint(2, 4))
                else:
                    actor = rng.choice(self.staff(Role.CERTIFYING_OFFICER))
                    role = Role.CERTIFYING_OFFICER
            case "withdraw":
                actor, role, target = msme, Role.MSME, State.WITHDRAWN
            case _:
                raise ValueError(step)
        assert actor, f"nobody to take {step}"  # e.g. no lead curator assigned
        # The state field is protected (no assignment): the row is written only later, so
        # its attribute is changed in place.
        app.__dict__["state"] = target
        app.state_changed_at = at
        self.s.writer.add(
            self.m["TransitionLog"](
                application_id=app.pk,
                transition=step,
                source=source,
                target=target,
                actor_id=actor,
                actor_role=role,
                at=at,
                comment=comment,
            )
        )
        self.notify(step, source, actor, at, comment)

    def finish(self) -> None:
        """What an open application has in hand now: part of the scores of its round, part
        of the checklist of its review."""
        if self.app.state == State.IN_CURATION and self.round is not None:
            for curator in self.curators:
                draw = self.rng.random()
                if draw < 0.45:
                    self.scoresheet(curator, "pass", self.app.state_changed_at, submitted=True)
                elif draw < 0.65:
                    self.scoresheet(curator, "", self.app.state_changed_at, submitted=False)
        if self.app.state == State.PACKAGING_REVIEW and self.rng.random() < 0.3:
            self.results(self.review, failed=0, partial=True)

    def notify(self, event: str, source: str, actor: int, at: datetime, comment: str) -> None:
        recipients = dict.fromkeys(self.recipients(event, source))
        recipients.pop(actor, None)
        age = self.s.now - at
        for user_id in recipients:
            read = self.rng.random() < (0.95 if age > timedelta(days=30) else 0.5)
            self.s.writer.add(
                self.m["Notification"](
                    recipient_id=user_id,
                    application_id=self.app.pk,
                    event=event,
                    comment=comment,
                    created_at=at,
                    read_at=min(at + self.s.days(0.05, 5), self.s.now) if read else None,
                    emailed_at=at + timedelta(minutes=1),
                )
            )

    # Curation.

    def assign(self, at: datetime) -> None:
        candidates = [c for c in self.staff(Role.CURATOR) if c not in self.business.conflicted]
        count = min(len(candidates), 3 if self.rng.random() < 0.3 else 2)
        self.curators = self.rng.sample(candidates, count)
        self.lead = self.curators[0]
        m, writer = self.m, self.s.writer
        for curator in self.curators:
            writer.add(
                m["CuratorAssignment"](
                    application_id=self.app.pk,
                    curator_id=curator,
                    is_lead=curator == self.lead,
                    assigned_by_id=self.coordinator,
                    assigned_at=at,
                )
            )
        changes = [(c, "added") for c in self.curators] + [(self.lead, "made_lead")]
        for curator, change in changes:
            writer.add(
                m["CuratorAssignmentChange"](
                    application_id=self.app.pk,
                    curator_id=curator,
                    change=change,
                    round_number=1,
                    by_id=self.coordinator,
                    at=at,
                )
            )
        self.open_round(at)

    def open_round(self, at: datetime) -> None:
        self.rounds += 1
        self.round = self.s.writer.add(
            self.m["ScoringRound"](
                pk=self.s.next_id(self.m["ScoringRound"]),
                application_id=self.app.pk,
                number=self.rounds,
                opened_at=at,
            )
        )

    def close_round(self, at: datetime, outcome: str) -> tuple[Decimal, str]:
        """The round's scoresheets, as they stood when it closed; the aggregate when it
        passed."""
        assert self.round is not None
        self.round.closed_at = at
        sheets = []
        for curator in self.curators:
            if outcome == "pass" or curator == self.lead or self.rng.random() < 0.5:
                sheets.append(self.scoresheet(curator, outcome, at, submitted=True))
        if outcome != "pass":
            return Decimal(0), ""
        return self.aggregate(sheets)

    def scoresheet(
        self, curator: int, outcome: str, at: datetime, *, submitted: bool
    ) -> dict[int, int]:
        rng, m = self.rng, self.m
        quality = {
            "pass": rng.uniform(3.9, 4.8),
            "revise": rng.uniform(2.6, 3.8),
            "reject": rng.uniform(1.8, 3.0),
            "": rng.uniform(3.0, 4.5),
        }[outcome]
        pk = self.s.next_id(m["Scoresheet"])
        stamp = at - self.s.days(0, 2) if submitted else at
        self.s.writer.add(
            m["Scoresheet"](
                pk=pk,
                round_id=self.round.pk,
                curator_id=curator,
                recommendation=outcome,
                comment="Catatan kurator." if rng.random() < 0.3 else "",
                submitted_at=stamp if submitted else None,
                updated_at=stamp,
            )
        )
        criteria = self.s.criteria if submitted else self.s.criteria[: rng.randint(1, 5)]
        scores = {}
        for criterion in criteria:
            score = min(5, max(1, round(rng.gauss(quality, 0.6))))
            if outcome == "pass" and criterion.floor and score < criterion.floor + 1:
                score = criterion.floor + 1  # a pass clears every gate
            scores[criterion.pk] = score
            self.s.writer.add(
                m["Score"](
                    scoresheet_id=pk,
                    criterion_id=criterion.pk,
                    score=score,
                    comment="Baik." if rng.random() < 0.2 else "",
                )
            )
        return scores

    def aggregate(self, sheets: list[dict[int, int]]) -> tuple[Decimal, str]:
        """assessments.scoring.aggregate's total and grade, on these scores."""
        criteria = self.s.criteria
        weight_sum = sum(c.weight for c in criteria)
        weighted = Decimal(0)
        for criterion in criteria:
            marks = [sheet[criterion.pk] for sheet in sheets]
            weighted += criterion.weight * Decimal(sum(marks)) / len(marks)
        total = (weighted * 100 / (5 * weight_sum)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        grade = self.s.rubric.grade_for(total)["grade"]
        return total, grade

    # Packaging.

    def open_review(self, at: datetime) -> None:
        self.reviews += 1
        self.review = self.s.writer.add(
            self.m["PackagingReview"](
                pk=self.s.next_id(self.m["PackagingReview"]),
                application_id=self.app.pk,
                number=self.reviews,
                checklist_id=self.s.checklist.pk,
                opened_at=at,
            )
        )

    def close_review(self, at: datetime, reviewer: int | None, *, failed: int) -> None:
        assert self.review is not None
        self.review.closed_at = at
        self.review.reviewer_id = reviewer
        self.results(self.review, failed=failed)

    def results(self, review: Any, *, failed: int, partial: bool = False) -> None:
        rng = self.rng
        markets = set(self.product.markets)
        items = [i for i in self.s.items if i.applies_to(self.product.food, markets)]
        if partial:
            items = items[: max(1, len(items) // 2)]
        failing = {i.pk for i in rng.sample(items, min(failed, len(items)))}
        for item in items:
            if item.pk in failing:
                result, note = "fail", rng.choice(PACKAGING_NOTES)
            elif not item.mandatory and rng.random() < 0.2:
                result, note = "na", ""
            else:
                result, note = "pass", ""
            self.s.writer.add(
                self.m["PackagingItemResult"](
                    review_id=review.pk, item_id=item.pk, result=result, note=note
                )
            )

    # Certification.

    def certificate(self, at: datetime, officer: int) -> None:
        s, m, app = self.s, self.m, self.app
        region = self.business.region
        year = at.year
        s.certificate_serials[(region.pk, year)] += 1
        serial = s.certificate_serials[(region.pk, year)]
        pk = s.next_id(m["Certificate"])
        grade = next(
            (g for g in s.rubric.grades if g["grade"] == app.grade),
            {"id": "", "en": ""},
        )
        s.writer.add(
            m["Certificate"](
                pk=pk,
                application_id=app.pk,
                product_id=self.product.pk,
                region_id=region.pk,
                year=year,
                serial=serial,
                number=f"SKE/{region.code}/{year}/{serial:05d}",
                verification_code=s.hexdigest(32),
                business_name=self.business.name,
                product_name=self.product.name,
                grade=app.grade,
                grade_id_label=grade["id"],
                grade_en_label=grade["en"],
                final_score=app.final_score,
                markets=[{"key": key} for key in self.product.markets],
                officer_id=officer,
                officer_name="Pejabat Penandatangan",
                issued_at=at,
                valid_until=(at + timedelta(days=730)).date(),
                pdf=f"certificates/{year}/{s.hexdigest(32)}.pdf",
                pdf_sha256=s.hexdigest(),
                pdf_size=self.rng.randint(80_000, 120_000),
                rendered_at=at + timedelta(seconds=20),
                render_attempts=1,
                dossier_rendered_at=at + timedelta(seconds=40),
            )
        )
        s.writer.add(
            m["CertificateEvent"](certificate_id=pk, kind="issued", actor_id=officer, at=at)
        )
