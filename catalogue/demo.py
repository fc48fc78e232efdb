"""The demo's public catalogue: the listings and the collection of
`demo_data/catalogue.json`, made through the catalogue's own services acting as the demo
people, when `seed_demo` has played the demo's applications (`catalogue.signals`).

Idempotent like the rest of the demo: a business that already has a listing (consent
given, or withdrawn since) and a collection whose address exists are left as they are.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model

from catalogue.models import Collection, Listing
from catalogue.services import collection_save, listing_consent_give
from curation.demo import SeedError, SeedReport
from kernel.errors import WorkflowError
from products.models import Business, Product, Region

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "catalogue.json"


@dataclass(frozen=True)
class DemoListing:
    business: str  # NIB
    owner: str  # username
    website: str = ""
    shop_url: str = ""
    social_url: str = ""
    show_email: bool = False
    show_phone: bool = False


@dataclass(frozen=True)
class DemoCollection:
    slug: str
    name: str
    region: str  # Region.code
    by: str  # username of a coordinator of the region
    starts_on: str
    ends_on: str = ""
    description_id: str = ""
    description_en: str = ""
    products: tuple[dict, ...] = field(default_factory=tuple)


def read_catalogue() -> tuple[list[DemoListing], list[DemoCollection]]:
    """The file's listings and collections; a missing or unknown key is a SeedError
    naming the file."""
    shown = DATA_FILE.relative_to(DATA_FILE.parent.parent.parent)
    try:
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        listings = [DemoListing(**item) for item in data["listings"]]
        collections = [DemoCollection(**item) for item in data["collections"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SeedError(f"{shown}: cannot be read: {e}") from e
    return listings, collections


def seed_catalogue(report: SeedReport) -> None:
    listings, collections = read_catalogue()
    try:
        _seed(listings, collections, report)
    except WorkflowError as e:
        # The data asks for something the catalogue refuses (a product not certified).
        raise SeedError(f"{DATA_FILE.name}: {e}") from e


def _seed(listings, collections, report: SeedReport) -> None:
    User = get_user_model()
    for spec in listings:
        business = _get(Business, nib=spec.business)
        if Listing.objects.filter(business=business).exists():
            report.count("catalogue listings", False)
            continue
        choices = {k: v for k, v in vars(spec).items() if k not in ("business", "owner")}
        listing_consent_give(business=business, by=_get(User, username=spec.owner), **choices)
        report.count("catalogue listings", True)
    for spec in collections:
        if Collection.objects.filter(slug=spec.slug).exists():
            report.count("collections", False)
            continue
        products = [
            _get(Product, business__nib=p["business"], name=p["name"]) for p in spec.products
        ]
        collection_save(
            by=_get(User, username=spec.by),
            slug=spec.slug,
            name=spec.name,
            region=_get(Region, code=spec.region),
            starts_on=date.fromisoformat(spec.starts_on),
            ends_on=date.fromisoformat(spec.ends_on) if spec.ends_on else None,
            description_id=spec.description_id,
            description_en=spec.description_en,
            products=products,
            published=True,
        )
        report.count("collections", True)


def _get(model, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist:
        raise SeedError(
            f"{DATA_FILE.name}: no {model._meta.verbose_name} with {lookup} in the demo"
        ) from None
