"""The access rules: one per route of our apps (one per action on a route that takes an
action name, such as a transition), saying who may open it, what a refusal must leave
as it was and who may read its secret. `test_every_route_has_an_access_rule`
(tests/security/test_access_matrix.py) fails the suite for a route without a rule here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from products.models import (
    Document,
    Membership,
)
from tests import factories as f
from tests.security.access_world import (
    API_REFUSED,
    MEMBERS,
    PIRT_NUMBER,
    SEES,
    SEES_UNASSIGNED,
    Rule,
    _certified_and_shared,
    _invitation,
    _new_packaging_evidence,
    _no_application,
    _packaging_failed,
    _packaging_passed,
    _scored,
    _with_shipment,
    allow,
    app_url,
    assignments_of,
    business_data,
    business_fields,
    business_url,
    document_of,
    everyone,
    msme_language,
    msme_unread,
    packaging_data,
    packaging_results,
    product_data,
    product_fields,
    product_name,
    product_url,
    reassign_data,
    scoresheet_data,
    shipment_data,
    transition_data,
    upload_data,
)

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
                route="curation:application_transition",
                label=f"page:{label}",
                path=app_url("curation:application_transition", name),
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
        "curation:home",
        "home",
        lambda w: "/",
        setup="in_curation",
        allowed=everyone(outsider=302),
        anonymous=200,
        secret=product_name,
        must_show=frozenset({"msme", "msme_staff", "lead", "curator"}),
    ),
    Rule(
        "curation:applications",
        "applications",
        lambda w: reverse("curation:applications"),
        setup="in_curation",
        allowed=everyone(),
        secret=product_name,
        must_show=SEES,
    ),
    Rule(
        "curation:application",
        "application",
        app_url("curation:application"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "curation:application",
        "application-draft",
        app_url("curation:application"),
        setup="draft",
        allowed=allow(SEES_UNASSIGNED),
    ),
    *_transition_rules(),
    Rule(
        "curation:application_curators",
        "change-curators",
        app_url("curation:application_curators"),
        setup="in_curation",
        method="GET+POST",
        allowed=allow({"coordinator"}),
        data=reassign_data,
        actor="coordinator",
        effect=assignments_of,
    ),
    Rule(
        "curation:scoresheet",
        "scoresheet",
        app_url("curation:scoresheet"),
        setup="in_curation",
        method="GET+POST",
        allowed=allow({"lead", "curator"}),
        data=scoresheet_data,
        actor="lead",
    ),
    Rule(
        "curation:scoresheet_total",
        "scoresheet-total",
        app_url("curation:scoresheet_total"),
        setup="in_curation",
        method="POST",
        allowed=allow({"lead", "curator"}),
        data=scoresheet_data,
        actor="curator",
        actor_status=200,
    ),
    Rule(
        "curation:curation",
        "curation-result",
        app_url("curation:curation"),
        setup=_scored,
        allowed=allow({"lead", "curator", "coordinator"}),
    ),
    Rule(
        "curation:packaging",
        "packaging-checklist",
        app_url("curation:packaging"),
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
        "curation:evidence",
        "evidence",
        lambda w: reverse(
            "curation:evidence",
            args=[
                w.pk,
                Document.objects.get(product=w.office.product, kind__key="packaging_photo").pk,
            ],
        ),
        setup="packaging_review",
        allowed=allow(SEES),
    ),
    Rule(
        "curation:certification_review",
        "certification_review",
        app_url("curation:certification_review"),
        setup="awaiting_certification",
        allowed=allow({"coordinator", "officer", "regional_admin"}),
    ),
    Rule(
        "curation:overview",
        "overview",
        lambda w: reverse("curation:overview"),
        setup="in_curation",
        allowed=allow({"coordinator", "foreign_coordinator"}),
        secret=product_name,
        shows_to=frozenset({"coordinator"}),
        must_show=frozenset({"coordinator"}),
    ),
    Rule(
        "curation:notifications",
        "notifications",
        lambda w: reverse("curation:notifications"),
        setup="in_curation",
        allowed=everyone(),
        secret=product_name,
        # Told of the submission (coordinator) and of the assignment (curators).
        shows_to=frozenset({"coordinator", "lead", "curator"}),
        must_show=frozenset({"coordinator", "lead", "curator"}),
    ),
    Rule(
        "curation:notifications_read",
        "notifications-read",
        lambda w: reverse("curation:notifications_read"),
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
        "curation:set_language",
        "language",
        lambda w: reverse("curation:set_language"),
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
        "curation:product_list",
        "products",
        lambda w: reverse("curation:product_list"),
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
        "curation:product",
        "product",
        product_url("curation:product"),
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
        "curation:product_apply",
        "product-apply",
        product_url("curation:product_apply"),
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
        "curation:document",
        "product-document",
        document_of("pirt"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "curation:document",
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
