"""Who may open and change what: every route of the app against every persona.

`RULES` holds one access rule per route (a route that takes an action name, such as a
transition, has one rule per action). `test_every_route_has_an_access_rule` walks the URL
resolver, so a new page without a rule here fails the suite until someone decides who
may open it.

For each rule, every persona (and an anonymous visitor) requests the page:
- the allowed ones get the page (or the redirect the rule names);
- everyone else gets 403 or 404 (anonymous: the sign-in page; the API: 401/403), or, on
  the few pages that act only on one's own data (language, notices, an invitation link),
  the answer the rule names;
- on a list or dashboard, an application's product is named only to those who may see it;
- a refused POST, sent with exactly the data that works for the allowed person, changes
  nothing: not the application's state, not the audit trail, not any row;
- then the allowed person's POST does change something, so the refusals above were about
  access and not about a wrong form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import PackagingItemResult, Scoresheet
from assessments.services import packaging_review_version
from certificates.models import Certificate, ProductShare, Shipment
from certificates.services import product_share
from certificates.shipments import shipment_create
from curation import services
from curation.models import (
    Application,
    CuratorAssignment,
    Notification,
    RevisionRequest,
    State,
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
    from curation.checks import packaging_items

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
        "version": services.assignment_version(world.application),
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
        return reverse("products:document", args=[document.pk])

    return path


def app_url(name, *args):
    return lambda world: reverse(name, args=[world.pk, *args])


def product_url(name):
    return lambda world: reverse(name, args=[world.office.product.pk])


def business_url(name):
    return lambda world: reverse(name, args=[world.office.business.pk])


# The transitions: (name, setup, the persona whose step it is, who may open its page).
TRANSITIONS = [
    ("submit", "draft", "msme", MEMBERS),
    ("withdraw", "submitted", "msme", MEMBERS),
    ("assign_curators", "submitted", "coordinator", {"coordinator"}),
    ("request_revision", "in_curation", "lead", {"lead", "coordinator"}),
    ("resubmit", "revision_requested", "msme", MEMBERS),
    ("pass_curation", _scored, "lead", {"lead"}),
    ("request_packaging_changes", _packaging_failed, "reviewer", {"reviewer"}),
    ("resubmit_packaging", _new_packaging_evidence, "msme", MEMBERS),
    ("approve_packaging", _packaging_passed, "reviewer", {"reviewer"}),
    ("certify", "awaiting_certification", "officer", {"officer"}),
    ("reject", "submitted", "coordinator", {"coordinator"}),
    ("reject", "in_curation", "lead", {"lead"}),
    ("reject", "packaging_review", "reviewer", {"reviewer"}),
    ("reject", "awaiting_certification", "officer", {"officer"}),
]

FROM_STATE = {
    _scored: "in_curation",
    _packaging_failed: "packaging_review",
    _packaging_passed: "packaging_review",
    _new_packaging_evidence: "packaging_revision",
}


def _transition_rules():
    rules = []
    for name, setup, actor, allowed in TRANSITIONS:
        state = FROM_STATE.get(setup, setup)
        label = name if name != "reject" else f"reject-from-{state}"
        rules.append(
            Rule(
                route="application_transition",
                label=f"page:{label}",
                path=app_url("application_transition", name),
                setup=setup,
                method="GET+POST",
                allowed=allow(allowed),
                data=transition_data(name, state),
                actor=actor,
            )
        )
        rules.append(
            Rule(
                route="api_application_transition",
                label=f"api:{label}",
                path=app_url("api_application_transition", name),
                setup=setup,
                method="POST",
                allowed=allow(allowed),
                anonymous=API_REFUSED,
                data=transition_data(name, state),
                actor=actor,
                actor_status=200,
                json=True,
            )
        )
    return rules


RULES = [
    # The dashboard: the landing page for visitors; new accounts register their business.
    Rule(
        "home",
        "home",
        lambda w: "/",
        setup="in_curation",
        allowed=everyone(outsider=302),
        anonymous=200,
        secret=product_name,
        must_show=frozenset({"msme", "msme_staff", "lead", "curator"}),
    ),
    Rule(
        "applications",
        "applications",
        lambda w: reverse("applications"),
        setup="in_curation",
        allowed=everyone(),
        secret=product_name,
        must_show=SEES,
    ),
    Rule(
        "application",
        "application",
        app_url("application"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "application",
        "application-draft",
        app_url("application"),
        setup="draft",
        allowed=allow(SEES_UNASSIGNED),
    ),
    *_transition_rules(),
    Rule(
        "application_curators",
        "change-curators",
        app_url("application_curators"),
        setup="in_curation",
        method="GET+POST",
        allowed=allow({"coordinator"}),
        data=reassign_data,
        actor="coordinator",
        effect=assignments_of,
    ),
    Rule(
        "assessments:scoresheet",
        "scoresheet",
        app_url("assessments:scoresheet"),
        setup="in_curation",
        method="GET+POST",
        allowed=allow({"lead", "curator"}),
        data=scoresheet_data,
        actor="lead",
    ),
    Rule(
        "assessments:scoresheet_total",
        "scoresheet-total",
        app_url("assessments:scoresheet_total"),
        setup="in_curation",
        method="POST",
        allowed=allow({"lead", "curator"}),
        data=scoresheet_data,
        actor="curator",
        actor_status=200,
    ),
    Rule(
        "assessments:curation",
        "curation-result",
        app_url("assessments:curation"),
        setup=_scored,
        allowed=allow({"lead", "curator", "coordinator"}),
    ),
    Rule(
        "assessments:packaging",
        "packaging-checklist",
        app_url("assessments:packaging"),
        setup="packaging_review",
        method="GET+POST",
        allowed=allow({"reviewer", "coordinator"}),
        # The coordinator reads the checklist; only the reviewer fills it in (the
        # coordinator's POST is sent back to the page with the reason).
        post_allowed=frozenset({"reviewer"}),
        refused=(302, 403, 404),
        data=packaging_data,
        actor="reviewer",
        effect=packaging_results,
    ),
    Rule(
        "assessments:evidence",
        "evidence",
        lambda w: reverse(
            "assessments:evidence",
            args=[
                w.pk,
                Document.objects.get(product=w.office.product, kind__key="packaging_photo").pk,
            ],
        ),
        setup="packaging_review",
        allowed=allow(SEES),
    ),
    Rule(
        "assessments:dossier",
        "dossier",
        app_url("assessments:dossier"),
        setup="awaiting_certification",
        allowed=allow({"coordinator", "officer", "regional_admin"}),
    ),
    Rule(
        "overview",
        "overview",
        lambda w: reverse("overview"),
        setup="in_curation",
        allowed=allow({"coordinator", "foreign_coordinator"}),
        secret=product_name,
        shows_to=frozenset({"coordinator"}),
        must_show=frozenset({"coordinator"}),
    ),
    Rule(
        "notifications",
        "notifications",
        lambda w: reverse("notifications"),
        setup="in_curation",
        allowed=everyone(),
        secret=product_name,
        # Told of the submission (coordinator) and of the assignment (curators).
        shows_to=frozenset({"coordinator", "lead", "curator"}),
        must_show=frozenset({"coordinator", "lead", "curator"}),
    ),
    Rule(
        "notifications_read",
        "notifications-read",
        lambda w: reverse("notifications_read"),
        setup="revision_requested",  # the members have unread notices
        method="POST",
        # Everyone may mark their own notices read: nobody else's.
        allowed={},
        refused=(302,),
        data=lambda w: {},
        actor="msme",
        effect=msme_unread,
    ),
    Rule(
        "set_language",
        "language",
        lambda w: reverse("set_language"),
        method="POST",
        allowed={},
        anonymous=(302,),
        refused=(302,),
        # Each person's choice is their own: nobody else's profile changes.
        data=lambda w: {"language": "id" if msme_language(w) == "en" else "en", "next": "/"},
        actor="msme",
        effect=msme_language,
    ),
    # The MSME portal.
    Rule(
        "products:list",
        "products",
        lambda w: reverse("products:list"),
        setup="in_curation",
        # Without a business of one's own: sent to register one.
        allowed=everyone(302, msme=200, msme_staff=200, other_msme=200),
        secret=product_name,
        shows_to=MEMBERS,
        must_show=MEMBERS,
    ),
    Rule(
        "products:new",
        "product-new",
        lambda w: reverse("products:new"),
        setup=_no_application,
        method="GET+POST",
        # Each member adds products to their own business only; the rest register one.
        allowed=everyone(302, msme=200, msme_staff=200, other_msme=200),
        post_allowed=MEMBERS | {"other_msme"},
        refused=(302,),
        data=product_data,
        actor="msme",
        effect=lambda w: w.office.business.products.count(),
    ),
    Rule(
        "products:detail",
        "product",
        product_url("products:detail"),
        setup="in_curation",
        allowed=allow(MEMBERS),
    ),
    Rule(
        "products:edit",
        "product-edit",
        product_url("products:edit"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=product_data,
        actor="msme",
        effect=product_fields,
    ),
    Rule(
        "products:apply",
        "product-apply",
        product_url("products:apply"),
        setup=_no_application,
        method="POST",
        allowed=allow(MEMBERS),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "products:document_upload",
        "product-document-upload",
        product_url("products:document_upload"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=upload_data("lab_test"),
        actor="msme",
    ),
    Rule(
        "products:document",
        "product-document",
        document_of("pirt"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "products:document",
        "business-document",
        document_of("nib"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "products:business_home",
        "business-home",
        lambda w: reverse("products:business_home"),
        setup=_no_application,
        allowed=everyone(302),  # to one's business, or to register one
    ),
    Rule(
        "products:business_new",
        "business-new",
        lambda w: reverse("products:business_new"),
        setup=_no_application,
        allowed=everyone(),  # anyone signed in may register their own business
    ),
    Rule(
        "products:business",
        "business",
        business_url("products:business"),
        setup=_no_application,
        allowed=allow(MEMBERS),
    ),
    Rule(
        "products:business_edit",
        "business-edit",
        business_url("products:business_edit"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow({"msme"}),  # the owner
        data=business_data,
        actor="msme",
        effect=business_fields,
    ),
    Rule(
        "products:business_document_upload",
        "business-document-upload",
        business_url("products:business_document_upload"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=upload_data("nib", f.VALID_NUMBERS["nib"]),
        actor="msme",
    ),
    Rule(
        "products:members",
        "members",
        business_url("products:members"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),  # the staff member sees the list, only the owner invites
        post_allowed=frozenset({"msme"}),
        data=lambda w: {"email": "new-staff@example.test"},
        actor="msme",
    ),
    Rule(
        "products:member_remove",
        "member-remove",
        lambda w: reverse(
            "products:member_remove",
            args=[
                w.office.business.pk,
                Membership.objects.get(user=w.user("msme_staff")).pk,
            ],
        ),
        setup=_no_application,
        method="POST",
        allowed=allow({"msme"}),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "products:invitation_cancel",
        "invitation-cancel",
        lambda w: reverse(
            "products:invitation_cancel",
            args=[w.office.business.pk, w.extra["invitation"].pk],
        ),
        setup=_invitation,
        method="POST",
        allowed=allow({"msme"}),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "products:invitation",
        "invitation",
        lambda w: reverse("products:invitation", args=[w.extra["invitation"].token]),
        setup=_invitation,
        method="GET+POST",
        # The link is the secret: whoever holds it reads who invites; only the invited
        # address joins.
        allowed=everyone(),
        anonymous=200,
        post_allowed=frozenset({"outsider"}),
        refused=(200,),  # the page again, saying why
        data=lambda w: {},
        actor="outsider",
    ),
    # Certificates.
    Rule(
        "certificates:verify",
        "verify",
        lambda w: reverse(
            "certificates:verify", args=[w.application.certificate.verification_code]
        ),
        setup="certified",
        allowed=everyone(),
        anonymous=200,
        # Public: never the MSME's documents or their numbers.
        secret=lambda w: PIRT_NUMBER,
        shows_to=frozenset(),
    ),
    Rule(
        "certificates:detail",
        "certificate",
        lambda w: reverse("certificates:detail", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        allowed=allow(SEES | {"exporter"}),
    ),
    Rule(
        "certificates:download",
        "certificate-download",
        lambda w: reverse("certificates:download", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        # The PDF is rendered after the commit, which these tests do not run: whoever may
        # download it is told it is being prepared (503), after the same access check.
        allowed=allow(SEES | {"exporter"}, 503),
    ),
    Rule(
        "certificates:dossier",
        "dossier-download",
        lambda w: reverse("certificates:dossier", args=[w.extra["certificate"].pk, "zip"]),
        setup=_certified_and_shared,
        allowed=allow(SEES | {"exporter"}, 503),  # not rendered yet, as above
    ),
    Rule(
        "certificates:revoke",
        "certificate-revoke",
        lambda w: reverse("certificates:revoke", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        method="GET+POST",
        allowed=allow({"officer"}),
        data=lambda w: {"reason": "The P-IRT was withdrawn by the health office."},
        actor="officer",
    ),
    Rule(
        "certificates:share",
        "certificate-share",
        lambda w: reverse("certificates:share", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        method="POST",
        allowed=allow(MEMBERS),
        # Who sees the certificate is sent back to it with the reason; the rest get 404.
        refused=(302, 403, 404),
        data=lambda w: {"email": w.user("other_exporter").email},
        actor="msme",
    ),
    Rule(
        "certificates:share_stop",
        "certificate-share-stop",
        lambda w: reverse(
            "certificates:share_stop", args=[w.extra["certificate"].pk, w.extra["share"].pk]
        ),
        setup=_certified_and_shared,
        method="POST",
        allowed=allow(MEMBERS),
        refused=(302, 403, 404),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "certificates:shipment_new",
        "shipment-new",
        lambda w: reverse("certificates:shipment_new", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        method="GET+POST",
        # The business and the exporter it shares with record shipments; staff do not.
        allowed=allow(MEMBERS | {"exporter"}),
        data=shipment_data,
        actor="msme",
    ),
    Rule(
        "certificates:shipment",
        "shipment",
        lambda w: reverse("certificates:shipment", args=[w.extra["shipment"].pk]),
        setup=_with_shipment,
        # Prices and buyers are the business's: an exporter sees only its own shipments.
        allowed=allow(MEMBERS),
    ),
    Rule(
        "certificates:shipment_document",
        "shipment-invoice",
        lambda w: reverse(
            "certificates:shipment_document", args=[w.extra["shipment"].pk, "invoice"]
        ),
        setup=_with_shipment,
        allowed=allow(MEMBERS, 503),  # rendered after the commit, as above
    ),
    Rule(
        "certificates:shared",
        "shared-with-me",
        lambda w: reverse("certificates:shared"),
        setup=_certified_and_shared,
        allowed=allow({"exporter", "other_exporter"}),
        secret=product_name,
        shows_to=frozenset({"exporter"}),
        must_show=frozenset({"exporter"}),
    ),
    # The API.
    Rule(
        "api_applications",
        "api-list",
        lambda w: reverse("api_applications"),
        setup="in_curation",
        allowed=everyone(),
        anonymous=API_REFUSED,
        secret=product_name,
        must_show=SEES,
    ),
    Rule(
        "api_application",
        "api-detail",
        app_url("api_application"),
        setup="in_curation",
        allowed=allow(SEES),
        anonymous=API_REFUSED,
    ),
    Rule(
        "api_schema",
        "api-schema",
        lambda w: reverse("api_schema"),
        allowed=everyone(),
        anonymous=200,  # the schema describes the API; it holds no data
    ),
    # The load balancer's probes (curation/health.py): open, they hold no data.
    Rule("healthz", "healthz", lambda w: reverse("healthz"), allowed=everyone(), anonymous=200),
    Rule("readyz", "readyz", lambda w: reverse("readyz"), allowed=everyone(), anonymous=200),
    # Third-party pages we mount: the sign-in pages are public, the account pages are
    # one's own, the admin is for superusers only (none of the personas).
    Rule(
        "account_login",
        "login",
        lambda w: reverse("account_login"),
        allowed=everyone(302),  # signed in already: to the dashboard
        anonymous=200,
    ),
    Rule(
        "account_signup",
        "signup",
        lambda w: reverse("account_signup"),
        allowed=everyone(302),
        anonymous=200,
    ),
    Rule("account_email", "account", lambda w: reverse("account_email"), allowed=everyone()),
    # The admin is for superusers (none of the personas): its sign-in page is allauth's,
    # and someone signed in without the right is refused there.
    Rule(
        "admin:login",
        "admin-login",
        lambda w: reverse("admin:login"),
        allowed={},
        refused=(403,),
    ),
    Rule(
        "admin:index",
        "admin",
        lambda w: reverse("admin:index"),
        allowed=everyone(302),
        anonymous=(302,),
    ),
    Rule(
        "admin:curation_application_change",
        "admin-application",
        lambda w: reverse("admin:curation_application_change", args=[w.pk]),
        setup="in_curation",
        allowed=everyone(302),
        anonymous=(302,),
    ),
    Rule(
        "admin:curation_application_transition",
        "admin-transition",
        lambda w: reverse("admin:curation_application_transition", args=[w.pk, "assign_curators"]),
        setup="submitted",
        method="GET+POST",
        allowed=everyone(302),
        anonymous=(302,),
        refused=(302,),
        data=transition_data("assign_curators", "submitted"),
    ),
    Rule(
        "admin:curation_application_changelist",
        "admin-applications",
        lambda w: reverse("admin:curation_application_changelist"),
        setup="in_curation",
        allowed=everyone(302),
        anonymous=(302,),
        secret=product_name,
        shows_to=frozenset(),
    ),
]

# Every route of our apps needs a rule, in the admin too (our own admin views); allauth's
# and the admin's own pages are checked by a few rules below, not one by one.
OUR_APPS = ("curation.", "products.", "assessments.", "certificates.")


def needs_rule(name: str, module: str) -> bool:
    if name.startswith("admin:"):
        return module.startswith(OUR_APPS)
    return not module.startswith("allauth.")


def routes():
    """(name, callback module) of every named route."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                callback = pattern.callback
                module = getattr(callback, "__module__", "")
                view_class = getattr(callback, "view_class", None)
                if view_class is not None:
                    module = view_class.__module__
                yield f"{namespace}{pattern.name or '?'}", module

    return list(walk(get_resolver().url_patterns))


def test_every_route_has_an_access_rule():
    ours = {name for name, module in routes() if needs_rule(name, module)}
    unnamed = {name for name in ours if name.endswith("?")}
    assert not unnamed, f"routes without a name cannot be checked: {unnamed}"
    missing = ours - {rule.route for rule in RULES}
    assert not missing, (
        f"no access rule for {sorted(missing)}: add one to RULES in {__name__} "
        "saying who may open each page"
    )
    resolvable = {name for name, _module in routes()}
    unknown = {rule.route for rule in RULES} - resolvable
    assert not unknown, f"rules for routes that no longer exist: {sorted(unknown)}"


def test_the_world_has_every_persona(world_office):
    assert set(world_office.personas) == EVERYONE


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


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def _check_anonymous(client, rule, world, method, problems):
    client.logout()
    response = _request(client, rule, world, method, json=rule.json)
    if rule.anonymous == LOGIN:
        if not _is_login_redirect(response):
            problems.append(f"{method} anonymous: {response.status_code}, not the sign-in page")
    else:
        expected = rule.anonymous if isinstance(rule.anonymous, tuple) else (rule.anonymous,)
        if response.status_code not in expected:
            problems.append(f"{method} anonymous: {response.status_code}, expected {expected}")
    _check_secret(rule, world, ANONYMOUS, response, problems)


def _check_secret(rule, world, persona, response, problems):
    if rule.secret is None or response.status_code != 200:
        return
    if response.get("Content-Type", "").startswith(("application/pdf", "image/")):
        return
    text = response.content.decode()
    secret = rule.secret(world)
    if secret in text and persona not in rule.shows_to:
        problems.append(f"{persona} reads {secret!r}")
    if secret not in text and persona in rule.must_show:
        problems.append(f"{persona} does not find {secret!r}")


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


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.label)
def test_access(rule, world_office, bring_to, client):
    world = _build(rule, world_office, bring_to)
    signed_in = Browsers(world)
    problems = []
    methods = ["GET", "POST"] if rule.method == "GET+POST" else [rule.method]
    actor = rule.actor
    may_post = rule.allowed.keys() if rule.post_allowed is None else rule.post_allowed

    for method in methods:
        posting = method == "POST"
        before = snapshot(world, rule) if posting else None
        _check_anonymous(client, rule, world, method, problems)
        for persona in PERSONAS:
            allowed = persona in rule.allowed
            if posting and (persona == actor or persona in may_post):
                continue  # allowed people's POSTs change things: only the actor's, last
            response = _request(signed_in[persona], rule, world, method, json=rule.json)
            status = response.status_code
            if not posting and allowed:
                if status != rule.allowed[persona]:
                    problems.append(f"GET {persona}: {status}, expected {rule.allowed[persona]}")
                _check_secret(rule, world, persona, response, problems)
            elif status not in rule.refused:
                problems.append(f"{method} {persona}: {status}, expected one of {rule.refused}")
            if posting:
                after = snapshot(world, rule)
                if after != before:
                    problems.append(f"POST {persona} changed something: {before} -> {after}")
                    before = after
        if posting and actor:
            response = _request(signed_in[actor], rule, world, method, json=rule.json)
            if response.status_code != rule.actor_status:
                problems.append(
                    f"POST {actor} (allowed): {response.status_code}, expected {rule.actor_status}"
                )
            changed = snapshot(world, rule) != before
            if rule.route != "assessments:scoresheet_total" and not changed:
                problems.append(f"POST {actor} (allowed) changed nothing: is the data right?")

    assert not problems, "\n".join([f"{rule.label} ({rule.path(world)}):", *problems])


def test_a_refused_transition_leaves_the_audit_trail_as_it_was(world_office, bring_to, client):
    """The audit trail itself, row by row, across every refused attempt at every step of
    one application (the matrix above counts the rows; this compares them)."""
    application = bring_to("submitted")
    before = list(TransitionLog.objects.filter(application=application).values())
    for persona in PERSONAS:
        if persona == "coordinator":
            continue
        client.force_login(world_office.personas[persona])
        for name in services.SERVICES:
            client.post(
                reverse("application_transition", args=[application.pk, name]),
                {"state": "submitted", "comment": "x"},
            )
    application.refresh_from_db()
    assert application.state in (State.SUBMITTED, State.WITHDRAWN)
    after = list(TransitionLog.objects.filter(application=application).values())
    # Only the members may withdraw a submitted application.
    assert after[: len(before)] == before
    assert [row["transition"] for row in after[len(before) :]] in ([], ["withdraw"])


def test_staff_of_another_region_never_see_the_region_s_applications(world_office, bring_to):
    """The visibility the matrix relies on, in every state up to certification."""
    from curation.selectors import applications_visible_to

    office = world_office
    states = ("draft", "submitted", "in_curation", "packaging_review", "awaiting_certification")
    for n, state in enumerate(states):
        product = f.ProductFactory(business=office.business, name=f"Produk {n}")
        f.complete_documents(product, by=office.msme)
        bring_to(state, services.application_create(product=product, by=office.msme))
    for persona in ("foreign_coordinator", "exporter", "outsider", "other_msme", "spare_curator"):
        assert not applications_visible_to(office.personas[persona]).exists(), persona
    for persona in ("msme", "msme_staff", *REGION_STAFF):
        assert applications_visible_to(office.personas[persona]).count() == len(states), persona


def test_the_admin_flag_does_not_bypass_the_workflow(world_office, bring_to, client):
    """Staff of the admin (is_staff) still take a step only in their workflow role: the
    admin's transition page goes through the same services and permissions."""
    office = world_office
    application = bring_to("submitted")
    before = (application.state, TransitionLog.objects.count())
    for persona in ("reviewer", "officer", "foreign_coordinator", "msme"):
        user = office.personas[persona]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        client.force_login(user)
        client.post(
            reverse(
                "admin:curation_application_transition", args=[application.pk, "assign_curators"]
            ),
            {"curators": [office.lead.pk, office.curator.pk], "lead": office.lead.pk},
        )
        application.refresh_from_db()
        assert (application.state, TransitionLog.objects.count()) == before, persona


def test_nobody_adds_a_product_to_a_business_they_do_not_belong_to(world_office, client):
    """The product form's business choice, forged: with one business the field is not
    there (the product goes to one's own), with several it offers only one's own."""
    office = world_office
    intruder = office.other_msme
    second = f.BusinessFactory(name="Tahu Pak Darto Dua", region=office.business.region)
    Membership.objects.create(business=second, user=intruder, role=Membership.Role.OWNER)
    before = office.business.products.count()
    client.force_login(intruder)
    world = World(office=office, application=None)

    response = client.post(
        reverse("products:new"), {**product_data(world), "business": office.business.pk}
    )

    assert response.status_code == 200  # the form again, with the choice refused
    assert "business" in response.context["form"].errors
    assert office.business.products.count() == before
