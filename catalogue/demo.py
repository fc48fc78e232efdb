"""The demo's public catalogue: the listings, the collection and the buyers' enquiries of
`demo_data/catalogue.json`, made through the catalogue's own services acting as the demo
people, when `seed_demo` has played the demo's applications (`catalogue.signals`).

Idempotent like the rest of the demo: a business that already has a listing (consent
given, or withdrawn since), a collection whose address exists and an enquiry already
sent are left as they are.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model

from catalogue.enquiries import enquiry_send, enquiry_set_status
from catalogue.models import Collection, Enquiry, Listing
from catalogue.services import collection_save, listing_consent_give
from curation.demo import SeedError, SeedReport
from kernel.errors import WorkflowError
from products.models import Business, Product, Region

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "catalogue.json"


@dataclass(frozen=True)
class DemoListing:
    business: str  # NIB
    owner: str  # username


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


@dataclass(frozen=True)
class DemoEnquiry:
    business: str  # NIB
    product: str  # its name
    buyer_type: str
    name: str
    company: str
    country: str
    email: str
    message: str
    quantity: str = ""
    language: str = "id"
    status: str = Enquiry.Status.NEW
    by: str = ""  # username of the member who changed the status


def read_catalogue() -> tuple[list[DemoListing], list[DemoCollection], list[DemoEnquiry]]:
    """The file's listings, collections and enquiries; a missing or unknown key is a
    SeedError naming the file."""
    shown = DATA_FILE.relative_to(DATA_FILE.parent.parent.parent)
    try:
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        listings = [DemoListing(**item) for item in data["listings"]]
        collections = [DemoCollection(**item) for item in data["collections"]]
        enquiries = [DemoEnquiry(**item) for item in data["enquiries"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SeedError(f"{shown}: cannot be read: {e}") from e
    return listings, collections, enquiries


def seed_catalogue(report: SeedReport) -> None:
    listings, collections, enquiries = read_catalogue()
    try:
        _seed(listings, collections, report)
        _seed_enquiries(enquiries, report)
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
        listing_consent_give(business=business, by=_get(User, username=spec.owner))
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


def _seed_enquiries(enquiries, report: SeedReport) -> None:
    """Sent as a buyer sends them (the members are told), then answered or closed by
    the member named; one already there (same product and address) is left alone."""
    User = get_user_model()
    for spec in enquiries:
        product = _get(Product, business__nib=spec.business, name=spec.product)
        if Enquiry.objects.filter(product=product, email=spec.email).exists():
            report.count("enquiries", False)
            continue
        fields = {
            k: v for k, v in vars(spec).items() if k not in ("business", "product", "status", "by")
        }
        enquiry = enquiry_send(product=product, **fields)
        if spec.status != Enquiry.Status.NEW:
            enquiry_set_status(enquiry=enquiry, status=spec.status, by=_get(User, username=spec.by))
        report.count("enquiries", True)


def _get(model, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist:
        raise SeedError(
            f"{DATA_FILE.name}: no {model._meta.verbose_name} with {lookup} in the demo"
        ) from None
