"""The people and businesses of `make bench-scale`'s dataset (benchmarks/scale_dataset.py):
the offices and their staff, the MSMEs, their businesses, products and documents; each
product's applications are the seeder's (Seeder.write_application)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from benchmarks.scale_plans import BusinessPlan, ProductPlan
from benchmarks.scale_vocabulary import (
    BUSINESS_PREFIXES,
    BUSINESS_WORDS,
    LISTED_SHARE,
    MARKET_WEIGHTS,
    OFFICES,
    PERSONA_CURATOR,
    PLANTED_REGION,
    PRODUCTS,
    STAFF_PREFIX,
    STREETS,
    SUPERUSER,
    TARGET_DAYS,
    VARIANTS,
    OfficeSpec,
    staffing,
)
from kernel.roles import Role

if TYPE_CHECKING:
    from benchmarks.scale_dataset import Seeder


@dataclass
class Office:
    spec: OfficeSpec
    region_ids: list[int]
    staff: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Its `offices.Office` row: named after its home region (the first of its regions by
    # code), whose code its certificate numbers carry, as curation 0009 names the offices
    # it makes of the staff's regions in a database seeded before offices existed.
    pk: int = 0
    code: str = ""
    name: str = ""


@dataclass
class BusinessContext:
    pk: int
    name: str
    region: Any
    office: Office
    members: list[int]
    owner: int
    conflicted: set[int]
    planted_desk: bool = False


@dataclass
class ProductContext:
    pk: int
    name: str
    food: bool
    markets: list[str]


def user(
    seeder: Seeder,
    username: str,
    *,
    roles: tuple[str, ...] = (),
    office: Office | None = None,
    joined: datetime,
    two_factor: bool = False,
    superuser: bool = False,
) -> int:
    m = seeder.m
    first, last = seeder.name()
    pk = seeder.next_id(seeder.User)
    seeder.writer.add(
        seeder.User(
            pk=pk,
            username=username,
            email=f"{username}@bench.siap-ekspor.test",
            first_name=first,
            last_name=last,
            password=seeder.password,
            is_staff=superuser,
            is_superuser=superuser,
            date_joined=joined,
        )
    )
    language = "en" if seeder.rng.random() < 0.3 else "id"
    seeder.writer.add(
        m["Profile"](pk=pk, user_id=pk, language=language, office_id=office.pk if office else None)
    )
    for role in roles:
        seeder.writer.add(seeder.UserGroup(user_id=pk, group_id=seeder.groups[role]))
    seeder.writer.add(
        m["EmailAddress"](
            user_id=pk,
            email=f"{username}@bench.siap-ekspor.test",
            verified=True,
            primary=True,
        )
    )
    if two_factor:
        seeder.writer.add(
            m["Authenticator"](
                user_id=pk,
                type="totp",
                data=seeder.totp_data,
                created_at=joined,
            )
        )
    return pk


def make_offices(seeder: Seeder) -> None:
    total = sum(o.weight for o in OFFICES)
    seeder.offices: list[Office] = []
    seeder.office_of: dict[int, Office] = {}
    joined = seeder.now - timedelta(days=5 * 365)
    for spec in OFFICES:
        office = Office(spec, [seeder.regions[code].pk for code in spec.regions])
        home = seeder.regions[min(spec.regions)]
        row = seeder.m["Office"].objects.create(
            name=f"Rumah Kurasi {home.name}", code=home.code, home_region=home
        )
        office.pk, office.code, office.name = row.pk, row.code, row.name
        seeder.m["ServedRegion"].objects.bulk_create(
            seeder.m["ServedRegion"](office=row, region_id=region_id)
            for region_id in office.region_ids
        )
        for role, count in staffing(seeder.size * spec.weight / total).items():
            for n in range(1, count + 1):
                username = f"{STAFF_PREFIX[role]}-{spec.slug}-{n:02d}"
                office.staff[role].append(
                    user(
                        seeder,
                        username,
                        roles=(role,),
                        office=office,
                        joined=joined,
                        two_factor=True,
                    )
                )
        seeder.offices.append(office)
        for region_id in office.region_ids:
            seeder.office_of[region_id] = office
    # The planted curator works in the office serving the planted businesses but is no
    # candidate for anyone else's applications: their desk is the same at every size.
    planted_office = seeder.office_of[seeder.regions[PLANTED_REGION].pk]
    seeder.planted_curator = user(
        seeder,
        PERSONA_CURATOR,
        roles=(Role.CURATOR,),
        office=planted_office,
        joined=joined,
        two_factor=True,
    )
    user(seeder, SUPERUSER, joined=joined, two_factor=True, superuser=True)
    m = seeder.m
    for office in seeder.offices:
        for state, days in TARGET_DAYS.items():
            seeder.writer.add(m["StageTarget"](office_id=office.pk, state=state, days=days))


def write_business(
    seeder: Seeder, plan: BusinessPlan, *, owner_name: str | None = None, owner: int | None = None
) -> int:
    m, rng = seeder.m, seeder.rng
    region = seeder.regions[plan.region]
    office = seeder.office_of[region.pk]
    starts = [p.start for p in plan.products if p.start is not None]
    created = min(starts or [seeder.now - seeder.days(30, 900)]) - seeder.days(1, 90)
    pk = seeder.next_id(m["Business"])
    if owner is None and owner_name is None and seeder.owners and rng.random() < 0.05:
        owner = rng.choice(seeder.owners)  # an owner of another business too
    if owner is None:
        owner = user(seeder, owner_name or f"umkm{pk:06d}", roles=(Role.MSME,), joined=created)
        if owner_name is None:  # the planted MSME keeps to its own two businesses
            seeder.owners.append(owner)
    members = [owner]
    if rng.random() < 0.25:
        members.append(user(seeder, f"staf{pk:06d}", roles=(Role.MSME,), joined=created))
    first, last = seeder.name()
    name = plan.name or (
        f"{rng.choice(BUSINESS_PREFIXES)} {rng.choice(BUSINESS_WORDS)} "
        f"{rng.choice(BUSINESS_WORDS)}" + (f" {first}" if rng.random() < 0.4 else "")
    )
    nib = f"{9120000000000 + pk:013d}"
    seeder.writer.add(
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
    if plan.owner or rng.random() < LISTED_SHARE:
        seeder.writer.add(m["Listing"](business_id=pk, consented_by_id=owner, consented_at=created))
    for n, user_id in enumerate(members):
        seeder.writer.add(
            m["Membership"](
                business_id=pk,
                user_id=user_id,
                role="owner" if n == 0 else "staff",
                joined_at=created,
            )
        )
    for kind, number in (("nib", nib), ("npwp", f"{10**14 + pk * 7:015d}")):
        document(seeder, pk, None, kind, number=number, at=created, by=owner)
    business = BusinessContext(
        pk=pk,
        name=name,
        region=region,
        office=office,
        members=members,
        owner=owner,
        conflicted=set(),
        planted_desk=plan.planted_desk,
    )
    if rng.random() < 0.01:
        curator = rng.choice(office.staff[Role.CURATOR])
        business.conflicted.add(curator)
        seeder.writer.add(
            m["ConflictOfInterest"](
                curator_id=curator,
                business_id=pk,
                reason="Keluarga pemilik usaha.",
                declared_at=created,
            )
        )
    for product in plan.products:
        write_product(seeder, business, product)
    return owner


def document(
    seeder: Seeder,
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
    seeder.writer.add(
        seeder.m["Document"](
            business_id=business_id,
            product_id=product_id,
            kind_id=seeder.doc_types[kind].pk,
            number=number,
            issued_on=at.date() if number else None,
            expires_on=expires_on,
            file=f"documents/{business_id}/{seeder.hexdigest(32)}.{'png' if photo else 'pdf'}",
            content_type="image/png" if photo else "application/pdf",
            size=seeder.rng.randint(40_000, 2_000_000),
            sha256=seeder.hexdigest(),
            uploaded_by_id=by,
            uploaded_at=at,
        )
    )


def write_product(seeder: Seeder, business: BusinessContext, plan: ProductPlan) -> None:
    m, rng = seeder.m, seeder.rng
    category = seeder.categories[plan.category]
    food = category.kind == "food"
    pk = seeder.next_id(m["Product"])
    start = plan.start or seeder.now - seeder.days(10, 700)
    heading = (category.hs_headings or ["9999"])[0]
    count = rng.choices([1, 2, 3], [40, 40, 20])[0]
    markets = sorted(MARKET_WEIGHTS, key=lambda key: rng.random() ** (1 / MARKET_WEIGHTS[key]))[
        -count:
    ]
    name = f"{rng.choice(PRODUCTS[plan.category])} {rng.choice(VARIANTS)}"
    seeder.writer.add(
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
        seeder.writer.add(seeder.ProductMarket(product_id=pk, market_id=seeder.markets[key].pk))
    owner = business.owner
    document(seeder, business.pk, pk, "product_photo", at=start, by=owner)
    document(seeder, business.pk, pk, "packaging_photo", at=start, by=owner)
    if food:
        issued = start
        expired = seeder.now - issued > timedelta(days=5 * 365)
        if rng.random() < 0.08 or expired:
            # An older registration, since renewed (or, rarely, not renewed yet).
            old = issued - seeder.days(400, 1500)
            document(
                seeder,
                business.pk,
                pk,
                "pirt",
                number=f"20{rng.randint(10**12, 10**13 - 1)}",
                at=old,
                by=owner,
                expires_on=(old + timedelta(days=5 * 365)).date(),
            )
        if rng.random() < 0.97:
            document(
                seeder,
                business.pk,
                pk,
                "pirt",
                number=f"20{rng.randint(10**12, 10**13 - 1)}",
                at=issued,
                by=owner,
                expires_on=(issued + timedelta(days=5 * 365)).date(),
            )
        document(
            seeder,
            business.pk,
            pk,
            "halal",
            number=f"ID35{rng.randint(10**14, 10**15 - 1)}",
            at=issued,
            by=owner,
            expires_on=(issued + timedelta(days=4 * 365)).date(),
        )
    elif rng.random() < 0.1:
        document(seeder, business.pk, pk, "lab_test", at=start, by=owner)
    product = ProductContext(pk=pk, name=name, food=food, markets=markets)
    at = plan.first or start
    previous: tuple[int, str] | None = None
    for n, app in enumerate(plan.chain):
        if n:
            at += timedelta(days=plan.gaps[n - 1])
        previous = seeder.write_application(business, product, app, at, previous)
        at += timedelta(days=app.span)
