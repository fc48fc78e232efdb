"""`seed_demo`: the reference data, then whatever of the demo's people, businesses,
products, documents and applications is missing."""

from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal
from django.test.utils import override_settings
from django.utils import timezone

from curation.demo.documents import ensure_document
from curation.demo.loader import read_businesses, read_offices, read_people
from curation.demo.play import Cast, play
from curation.demo.report import SeedError, SeedReport
from curation.demo.specs import (
    EMAIL_DOMAIN,
    DemoBusiness,
    DemoOffice,
    DemoProduct,
    Doc,
    Person,
)
from curation.office_settings import stage_targets_seed
from curation.reference import load_reference_data
from curation.two_factor import has_two_factor, requires_two_factor
from offices.models import Office, ServedRegion
from products.links import link_kind
from products.models import (
    Business,
    Category,
    ConflictOfInterest,
    Link,
    Market,
    Membership,
    Product,
    Region,
    RegistryImport,
)
from products.registry_services import registry_import_confirm, registry_import_upload
from products.validators import normalize_phone

DEMO_PASSWORD = "siap-ekspor-demo"
# Staff must sign in with a second factor. The demo's staff logins share this TOTP secret
# (README: add it to an authenticator app, or `make demo-code`); a demo only, since
# seed_demo refuses to run with DEBUG off.
DEMO_TOTP_SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"

# The spreadsheet an office already keeps of its region's businesses, imported by its
# administrator (README, "Registry import").
REGISTRY_FILE = Path(__file__).resolve().parent / "data" / "registry-kediri.csv"
REGISTRY_IMPORTED_BY = "adminkantor"

# Sent by `seed_demo` with its `report`, in its transaction, once the demo's applications
# are played: the apps above the workflow (the catalogue) add their part of the demo, and
# count it in the report. A receiver's error rolls the whole seed back.
demo_seeded = Signal()


def seed_demo() -> SeedReport:
    """Create whatever of the demo data is missing; see the package's docstring."""
    if not settings.DEBUG:
        raise SeedError(
            "seed_demo creates logins that share a published password, so it runs only "
            "with DEBUG on. Never run it against a production database."
        )
    # Read (and check) the files before writing anything.
    office_specs, people_specs, business_specs = read_offices(), read_people(), read_businesses()
    report = SeedReport()
    # The workflow notifies people as the applications move; the demo people are invented,
    # so their notices stay in the app and their e-mails go nowhere. One transaction: a
    # refused step leaves no half-built demo behind.
    dummy_mail = "django.core.mail.backends.dummy.EmailBackend"
    with override_settings(EMAIL_BACKEND=dummy_mail), transaction.atomic():
        load_reference_data()
        for office_spec in office_specs:
            _ensure_office(office_spec, report)
        # Every office's stage targets: the default service standard, which the office's
        # administrator changes on its targets page.
        for office in Office.objects.order_by("pk"):
            report.count("offices' stage targets", stage_targets_seed(office) > 0)
        people = {person.username: _ensure_person(person, report) for person in people_specs}
        cast = Cast.of(people_specs, people)
        products = [
            (product, product_spec, people[spec.owner])
            for spec in business_specs
            for product, product_spec in _ensure_business(spec, people, report)
        ]
        # Declared before any assignment, so the coordinator cannot choose these curators.
        for spec in business_specs:
            for conflict in spec.conflicts_of_interest:
                _, created = ConflictOfInterest.objects.get_or_create(
                    curator=people[conflict.curator],
                    business=Business.objects.get(nib=spec.nib),
                    defaults={"reason": conflict.reason},
                )
                report.count("conflicts of interest", created)
        _import_registry(people[REGISTRY_IMPORTED_BY], report)
        for product, spec, owner in products:
            if product.applications.exists():
                for _application in product.applications.all():
                    report.count("applications", False)
            else:
                play(product, spec, cast, owner, report)
            report.applications += list(product.applications.order_by("created_at"))
        demo_seeded.send(sender=seed_demo, report=report)
    return report


def _import_registry(by, report: SeedReport) -> None:
    """The Kediri office's registry of businesses not yet on Siap Ekspor, imported from a
    spreadsheet as its administrator would through the registry page: one row (an NIB
    of 12 digits) is skipped and stays in the import's report."""
    if RegistryImport.objects.filter(file_name=REGISTRY_FILE.name).exists():
        report.count("registry imports", False)
        return
    registry_import = registry_import_upload(
        name=REGISTRY_FILE.name, content=REGISTRY_FILE.read_bytes(), by=by
    )
    registry_import_confirm(registry_import=registry_import, by=by)
    report.count("registry imports", True)


def _ensure_office(spec: DemoOffice, report: SeedReport) -> Office:
    """The office and those of its regions no office serves yet (found again by code)."""
    office, created = Office.objects.get_or_create(
        code=spec.code,
        defaults={
            "name": spec.name,
            "home_region": Region.objects.get(code=spec.home_region),
            "letterhead": spec.letterhead,
            "email": spec.email,
            "signatory_name": spec.signatory_name,
            "signatory_title": spec.signatory_title,
        },
    )
    report.count("offices", created)
    served = set(ServedRegion.objects.values_list("region__code", flat=True))
    for region in Region.objects.filter(code__in=set(spec.regions) - served):
        ServedRegion.objects.create(office=office, region=region)
    return office


def _ensure_person(person: Person, report: SeedReport):
    user, created = get_user_model().objects.get_or_create(
        username=person.username,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "is_staff": person.is_staff,
            "is_superuser": person.is_superuser,
        },
    )
    report.count("logins", created)
    if created:
        # Only a new login gets the demo password: one changed since is left as it is.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.profile.language = person.language
        user.profile.save(update_fields=["language"])
    user.groups.add(*(Group.objects.get(name=role.value) for role in person.roles))
    if person.office and user.profile.office_id is None:
        user.profile.office = Office.objects.get(code=person.office)
        user.profile.save(update_fields=["office"])
    # Signing in asks for a verified address; the demo addresses count as verified.
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if requires_two_factor(user) and not has_two_factor(user):
        TOTP.activate(user, DEMO_TOTP_SECRET)
    report.logins.append((person, user))
    return user


def _ensure_business(spec: DemoBusiness, people: dict, report: SeedReport):
    """The business, its owner's membership, its documents and products; returns each
    product with its spec."""
    business, created = Business.objects.get_or_create(
        nib=spec.nib,
        defaults={
            "name": spec.name,
            "npwp": spec.npwp,
            "address": spec.address,
            "region": Region.objects.get(code=spec.region),
            "size": spec.size,
            "phone": spec.phone,
            "email": f"{spec.owner}@{EMAIL_DOMAIN}",
        },
    )
    report.count("businesses", created)
    if created:
        _give_contact(business, spec)
    for position, url in enumerate(spec.links):
        _, created = Link.objects.get_or_create(
            business=business,
            product=None,
            url=url,
            defaults={"kind": link_kind(url), "position": position},
        )
        report.count("web links", created)
    owner = people[spec.owner]
    Membership.objects.get_or_create(
        business=business, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    today = timezone.localdate()
    registered_days_ago = (today - spec.registered_on).days
    registration = (
        Doc("nib", spec.nib, issued_days_ago=registered_days_ago),
        Doc("npwp", spec.npwp, issued_days_ago=registered_days_ago),
        *spec.documents,
    )
    for doc in registration:
        report.count("documents", ensure_document(business, None, doc, owner, spec=None))
    products = []
    for product_spec in spec.products:
        product = _ensure_product(business, product_spec, report)
        for position, url in enumerate(product_spec.links):
            _, created = Link.objects.get_or_create(
                business=business,
                product=product,
                url=url,
                defaults={"kind": link_kind(url), "position": position},
            )
            report.count("web links", created)
        for doc in (*(Doc(kind) for kind in product_spec.photos), *product_spec.documents):
            created = ensure_document(business, product, doc, owner, spec=product_spec)
            report.count("documents", created)
        products.append((product, product_spec))
    return products


def _give_contact(business: Business, spec: DemoBusiness) -> None:
    contact = spec.export_contact
    if contact is None:
        return
    business.export_contact_name = contact.name
    business.export_contact_email = contact.email
    business.export_contact_phone = normalize_phone(contact.phone) if contact.phone else ""
    business.export_contact_whatsapp = contact.whatsapp
    business.show_contact_email = contact.show_email
    business.show_contact_phone = contact.show_phone
    business.full_clean()
    business.save()


def _ensure_product(business: Business, spec: DemoProduct, report: SeedReport) -> Product:
    product, created = Product.objects.get_or_create(
        business=business,
        name=spec.name,
        defaults={
            "category": Category.objects.get(key=spec.category),
            "hs_code": spec.hs_code,
            "description": spec.description,
            "materials": spec.materials,
            "monthly_capacity": Decimal(spec.monthly_capacity),
            "capacity_unit": spec.capacity_unit,
            "shelf_life_days": spec.shelf_life_days,
            "fob_price": Decimal(spec.fob_price),
            "fob_currency": Product.Currency.USD,
        },
    )
    if created:
        product.target_markets.set(Market.objects.filter(key__in=spec.markets))
    report.count("products", created)
    return product
