"""The plans of `make bench-scale`'s dataset (benchmarks/scale_dataset.py): the states of
the applications, grouped into the chains of one product each, the products into
businesses, and the days between the steps, all drawn before anything is written."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from benchmarks.scale_vocabulary import (
    AGE_DAYS,
    CATEGORY_WEIGHTS,
    DESK_OWNER,
    NEXT_APPLICATION_DAYS,
    OFFICES,
    OPEN_STATES,
    PERSONA_MSME,
    PLANTED_REGION,
    PRODUCTS_PER_BUSINESS,
    PRODUCTS_PER_BUSINESS_TAIL,
    SEED_VERSION,
    STATE_SHARES,
    STEP_DAYS,
)
from kernel.states import FINAL_STATES, State


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
    # Its applications are curated by the planted curator (PERSONA_CURATOR) and one other.
    planted_desk: bool = False
    # A planted business's owner (a username): the same account for all their businesses.
    owner: str = ""


# Planning: states into chains, chains into products, products into businesses.


def chain_states(total: int, rng: random.Random, *, products: int | None = None) -> list[list[str]]:
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


def plan_chain(states: list[str], rng: random.Random) -> list[AppPlan]:
    plans = []
    for state in states:
        steps = path_to(state, rng)
        days = [rng.uniform(*STEP_DAYS[step]) for step in steps]
        if state not in FINAL_STATES:
            days.append(rng.uniform(0, AGE_DAYS[state]))
        plans.append(AppPlan(state, steps, days))
    return plans


def plan_product(
    states: list[str], category: str, rng: random.Random, now: datetime
) -> ProductPlan:
    chain = plan_chain(states, rng)
    gaps = [rng.uniform(*NEXT_APPLICATION_DAYS[app.state]) for app in chain[:-1]]
    product = ProductPlan(category, chain, gaps)
    span = sum(app.span for app in chain) + sum(gaps)
    if chain and chain[-1].state not in FINAL_STATES:
        end = now  # the open application's age is in its days
    else:
        end = now - timedelta(days=rng.uniform(1, 1000))
    if chain:
        product.first = end - timedelta(days=span)
        product.start = product.first - timedelta(days=rng.uniform(1, 45))
    else:
        product.start = now - timedelta(days=rng.uniform(10, 700))
    return product


def plan_businesses(size: int, now: datetime, rng: random.Random) -> list[BusinessPlan]:
    persona = plan_persona(now)
    total = size - sum(len(p.chain) for b in persona for p in b.products)
    chains = chain_states(max(total, 0), rng)
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
            products.append(plan_product(states, category, rng, now))
        del chains[:count]
        businesses.append(BusinessPlan(rng.choices(codes, weights)[0], products))
    return persona + businesses


# The planted curator's desk: what the applications of the third planted business
# became, each of its own product (one chain each).
DESK_STATES = {State.IN_CURATION: 24, State.REVISION_REQUESTED: 6, State.CERTIFIED: 10}
# The planted office's other queues, filled by a fourth planted business of the same owner:
# more than a page (25 rows) waiting for the coordinator, the packaging reviewer and the
# certifying officer, the same at every size.
OFFICE_DESK_STATES = {
    State.SUBMITTED: 30,
    State.PACKAGING_REVIEW: 30,
    State.AWAITING_CERTIFICATION: 30,
}


def plan_persona(now: datetime) -> list[BusinessPlan]:
    """The planted businesses, the same at every size (drawn from a generator of their
    own): `umkm-bench`'s two (36 products, 50 applications), and a third, of another
    owner, whose 40 applications are the planted curator's desk (`DESK_STATES`), so the
    timed curator's queue holds the same rows at 1,000 as at 100,000 applications."""
    rng = random.Random(f"siap-bench-scale:{SEED_VERSION}:persona")
    chains = chain_states(50, rng, products=36)
    products = [
        plan_product(states, rng.choice(["sauces_condiments", "coffee_spices"]), rng, now)
        for states in chains
    ]
    desk, office_desk = (
        [
            plan_product([state], category, rng, now)
            for state, count in states.items()
            for _ in range(count)
        ]
        for states, category in (
            (DESK_STATES, "sauces_condiments"),
            (OFFICE_DESK_STATES, "coffee_spices"),
        )
    )
    return [
        BusinessPlan(PLANTED_REGION, products[:24], name="Sambal Bu Rini", owner=PERSONA_MSME),
        BusinessPlan(PLANTED_REGION, products[24:], name="Kopi Kelud Bu Rini", owner=PERSONA_MSME),
        BusinessPlan(
            PLANTED_REGION,
            desk,
            name="Keripik Tempe Pak Joko",
            planted_desk=True,
            owner=DESK_OWNER,
        ),
        BusinessPlan(PLANTED_REGION, office_desk, name="Kopi Wilis Pak Joko", owner=DESK_OWNER),
    ]


# Writing.
