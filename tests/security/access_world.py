"""The world the access matrix is checked in: the personas, the setups beyond a plain
state, what a refused request must leave as it was, the data a POST needs, and one
signed-in client per persona."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.models import PackagingItemResult, Scoresheet
from assessments.versions import packaging_review_version
from certificates.models import Certificate, ProductShare, Shipment
from certificates.sharing import product_share
from certificates.shipments import shipment_create
from curation import assignments
from curation.models import (
    Application,
    CuratorAssignment,
    Notification,
    RevisionRequest,
    TransitionLog,
)
from products.models import (
    Business,
    BusinessInvitation,
    Document,
    DocumentType,
    Market,
    Membership,
    Product,
)
from products.services import business_invite
from tests import factories as f

ANONYMOUS = "anonymous"
PERSONAS = (
    "msme",  # owner of the business whose product it is
    "msme_staff",  # staff member (not owner) of the same business
    "other_msme",  # owner of another business of the same region
    "coordinator",
    "lead",  # lead curator (once assigned)
    "curator",  # the other assigned curator
    "spare_curator",  # a curator of the region, not assigned
    "reviewer",  # packaging reviewer
    "officer",  # certifying officer
    "exporter",  # the exporter the certified product is shared with (where it is)
    "other_exporter",  # an exporter nothing is shared with
    "regional_admin",  # regional head
    "foreign_coordinator",  # every staff role, in another region
    "outsider",  # signed in, no role, no business
)
EVERYONE = frozenset(PERSONAS)
MEMBERS = frozenset({"msme", "msme_staff"})
REGION_STAFF = frozenset({"coordinator", "reviewer", "officer", "regional_admin"})
# Who sees an application: its business, its region's staff, and (once assigned) its curators.
SEES_UNASSIGNED = MEMBERS | REGION_STAFF
SEES = SEES_UNASSIGNED | {"lead", "curator"}

LOGIN = "login"  # anonymous: redirected to the sign-in page
API_REFUSED = (401, 403)
REFUSED = (403, 404)

# Every page answers within this many queries, whoever asks, whatever the application's
# state and the data size (test_access_matrix.py, test_query_budget.py;
# tests/operations/test_query_counts.py shows the counts do not grow with the rows).
QUERY_BUDGET = 15

# Secrets that no page may show to anyone who is not a member of the business.
PIRT_NUMBER = f.VALID_NUMBERS["pirt"]


@dataclass
class World:
    office: object
    application: Application | None
    extra: dict = field(default_factory=dict)

    @property
    def pk(self):
        return self.application.pk

    def user(self, persona):
        return self.office.personas[persona]


@dataclass
class Rule:
    """Who may open one route, and what a refused request must leave alone."""

    route: str  # the URL name, as the resolver knows it
    label: str  # the test id
    path: Callable[[World], str]
    setup: Callable | str | None = None  # a state for bring_to, or a function(office, bring_to)
    method: str = "GET"  # "GET", "POST" (POST only) or "GET+POST"
    allowed: dict = field(default_factory=dict)  # persona -> status of the GET (or POST)
    anonymous: object = LOGIN
    refused: tuple = REFUSED
    # POST: who may change something (default: the allowed), the data, who takes the
    # step last (it must work), and its answer.
    post_allowed: frozenset | None = None
    data: Callable[[World], dict] | None = None
    actor: str | None = None
    actor_status: int = 302
    json: bool = False
    # What else a refused POST must not change (beyond the rows and states we count).
    effect: Callable[[World], object] | None = None
    # Text that only `shows_to` may find in the page; `must_show` must find it.
    secret: Callable[[World], str] | None = None
    shows_to: frozenset = SEES
    must_show: frozenset = frozenset()


def allow(personas, status=200):
    return dict.fromkeys(personas, status)


def everyone(status=200, **overrides):
    return {**dict.fromkeys(PERSONAS, status), **overrides}


# Setups beyond a plain state.


def _scored(office, bring_to):
    application = bring_to("in_curation")
    return f.take_step(office, application, "score")


def _packaging_failed(office, bring_to):
    application = bring_to("packaging_review")
    f.review_all(application, office.reviewer, failed=["origin_marking"])
    return application


def _packaging_passed(office, bring_to):
    application = bring_to("packaging_review")
    f.review_all(application, office.reviewer)
    return application


def _new_packaging_evidence(office, bring_to):
    application = bring_to("packaging_revision")
    f.add_document(
        office.business,
        "packaging_photo",
        product=office.product,
        content=f.png_bytes(color=(10, 200, 10)),
    )
    return application


def _no_application(office, bring_to):
    return None


def _invitation(office, bring_to):
    """A pending invitation to the outsider's verified address."""
    application = bring_to("in_curation")
    email = office.outsider.email
    EmailAddress.objects.create(user=office.outsider, email=email, verified=True, primary=True)
    invitation = business_invite(business=office.business, email=email, by=office.msme)
    return application, {"invitation": invitation}


def _certified_and_shared(office, bring_to):
    """A certificate (its PDF not rendered: the commit hooks do not run here) whose
    product the business shares with the exporter."""
    application = bring_to("certified")
    certificate = Certificate.objects.get(application=application)
    share = product_share(certificate=certificate, by=office.msme, email=office.exporter.email)
    return application, {"certificate": certificate, "share": share}


SHIPMENT_TERMS = {
    "buyer_name": "Tokyo Foods KK",
    "buyer_address": "1-2-3 Shibuya, Tokyo 150-0002",
    "buyer_country": "Japan",
    "incoterm": "FOB",
    "port_of_loading": "Tanjung Perak, Surabaya",
    "port_of_discharge": "Tokyo",
    "currency": "USD",
}
SHIPMENT_LINE = {"description": "Sambal pecel 250 g jar", "quantity": "1200", "unit": "jar"}
SHIPMENT_CARTON = {"net_kg": "7.5", "gross_kg": "8.9"}


def _with_shipment(office, bring_to):
    """The above, and a shipment the business recorded."""
    application, extra = _certified_and_shared(office, bring_to)
    extra["shipment"] = shipment_create(
        certificate=extra["certificate"],
        by=office.msme,
        market=Market.objects.get(key="jp"),
        lines=[{**SHIPMENT_LINE, "unit_price": "2.40"}],
        cartons=[{**SHIPMENT_CARTON, "count": 50}],
        **SHIPMENT_TERMS,
    )
    return application, extra


# Snapshots: what a refused request must leave as it was.

COUNTED = (
    TransitionLog,
    Notification,
    CuratorAssignment,
    RevisionRequest,
    Scoresheet,
    PackagingItemResult,
    Document,
    Product,
    Business,
    Membership,
    Application,
    Certificate,
    ProductShare,
    Shipment,
)


def snapshot(world, rule) -> tuple:
    counts = tuple(model.objects.count() for model in COUNTED)
    states = tuple(Application.objects.order_by("pk").values_list("pk", "state"))
    live = (
        BusinessInvitation.objects.filter(
            accepted_at__isnull=True, cancelled_at__isnull=True
        ).count(),
        ProductShare.objects.active().count(),
        Certificate.objects.filter(revoked_at__isnull=False).count(),
    )
    extra = rule.effect(world) if rule.effect else None
    return counts, states, live, extra


# Data a POST needs (exactly what works for the allowed person).


def transition_data(name, state):
    def data(world):
        office = world.office
        body = {"state": state, "comment": f"{name}: written by the test."}
        if name == "assign_curators":
            body.update(curators=[office.lead.pk, office.curator.pk], lead=office.lead.pk)
        return body

    return data


def scoresheet_data(world):
    body = {f"score_{c.key}": "4" for c in world.application.rubric.criteria.all()} | {
        "seen": "",
        "recommendation": "pass",
        "comment": "Good.",
        "submit": "1",
    }
    return body


def packaging_data(world):
    from assessments.rules import packaging_items

    review = world.application.current_packaging_review
    body = {"seen": packaging_review_version(review)}
    for item in packaging_items(world.application):
        body[f"result_{item.key}"] = "pass"
        body[f"note_{item.key}"] = ""
    return body


def reassign_data(world):
    office = world.office
    return {
        "state": "in_curation",
        "curators": [office.lead.pk, office.spare_curator.pk],
        "lead": office.lead.pk,
        "comment": "The second curator is ill.",
        "version": assignments.assignment_version(world.application),
    }


def product_data(world):
    return {
        "name": "Keripik Tempe Baru",
        "category": world.office.product.category_id,
        "description": "Thin tempeh chips fried in coconut oil.",
        "hs_code": "2008.19.90",
        "materials": "Tempeh, rice flour, coconut oil, garlic, salt",
        "shelf_life_days": "120",
        "monthly_capacity": "500",
        "capacity_unit": "packs",
        "fob_price": "1.75",
        "fob_currency": "USD",
        "target_markets": [Market.objects.get(key="my").pk],
    }


def upload_data(kind, number=""):
    def data(world):
        return {
            "kind": DocumentType.objects.get(key=kind).pk,
            "number": number,
            "issued_on": "",
            "expires_on": "",
            "file": SimpleUploadedFile("scan.pdf", f.PDF_BYTES, content_type="application/pdf"),
        }

    return data


def slot_upload_data(kind, number=""):
    """One slot of the documents page (`products:documents`), its file and number."""

    def data(world):
        return {
            f"{kind}-kind": DocumentType.objects.get(key=kind).pk,
            f"{kind}-number": number,
            f"{kind}-files": SimpleUploadedFile(
                "scan.pdf", f.PDF_BYTES, content_type="application/pdf"
            ),
        }

    return data


def business_data(world):
    business = world.office.business
    return {
        "name": "Sambal Bu Rini Jaya",
        "nib": f.VALID_NUMBERS["nib"],
        "npwp": f.VALID_NUMBERS["npwp"],
        "address": business.address,
        "region": business.region_id,
        "size": business.size,
        "email": "rini@example.test",
        "phone": "+62 812 3456 7890",
    }


def shipment_data(world):
    data = {**SHIPMENT_TERMS, "market": Market.objects.get(key="jp").pk}
    for prefix, row in (
        ("lines", {**SHIPMENT_LINE, "unit_price": "2.40"}),
        ("cartons", {**SHIPMENT_CARTON, "count": "50"}),
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "1",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "50",
            }
        )
        data.update({f"{prefix}-0-{key}": value for key, value in row.items()})
    return data


# Effects that counts cannot see.


def assignments_of(world):
    return sorted(world.application.assignments.values_list("curator_id", "is_lead"))


def product_fields(world):
    return tuple(Product.objects.filter(pk=world.office.product.pk).values_list("name", "hs_code"))


def business_fields(world):
    return tuple(Business.objects.filter(pk=world.office.business.pk).values_list("name", "email"))


def msme_language(world):
    world.office.msme.profile.refresh_from_db()
    return world.office.msme.profile.language


def msme_unread(world):
    return Notification.objects.filter(recipient=world.office.msme, read_at__isnull=True).count()


def packaging_results(world):
    return sorted(PackagingItemResult.objects.values_list("pk", "result", "note"))


def product_name(world):
    return world.office.product.name


def document_of(kind):
    def path(world):
        document = Document.objects.get(business=world.office.business, kind__key=kind)
        return reverse("curation:document", args=[document.pk])

    return path


def app_url(name, *args):
    return lambda world: reverse(name, args=[world.pk, *args])


def product_url(name):
    return lambda world: reverse(name, args=[world.office.product.pk])


def business_url(name):
    return lambda world: reverse(name, args=[world.office.business.pk])


def _build(rule, office, bring_to) -> World:
    setup = rule.setup
    extra = {}
    if setup is None:
        application = None
    elif isinstance(setup, str):
        application = bring_to(setup)
    else:
        result = setup(office, bring_to)
        application, extra = result if isinstance(result, tuple) else (result, {})
    return World(office=office, application=application, extra=extra)


def _request(client, rule, world, method, json=False):
    url = rule.path(world)
    if method == "GET":
        return client.get(url)
    data = rule.data(world) if rule.data else {}
    if json:
        return client.post(url, data, content_type="application/json")
    return client.post(url, data)


class Browsers:
    """One signed-in test client per persona (signing in once per test, not per request)."""

    def __init__(self, world):
        self.world = world
        self.clients = {}

    def __getitem__(self, persona):
        if persona not in self.clients:
            client = Client()
            client.force_login(self.world.user(persona))
            self.clients[persona] = client
        return self.clients[persona]
