"""The access rules: one per route of our apps (one per action on a route that takes an
action name, such as a transition), saying who may open it, what a refusal must leave
as it was and who may read its secret. `test_every_route_has_an_access_rule`
(tests/security/test_access_matrix.py) fails the suite for a route without a rule here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from products.models import (
    Document,
)
from tests.security.access_rules_api import API_RULES
from tests.security.access_rules_catalogue import CATALOGUE_RULES
from tests.security.access_rules_certificates import CERTIFICATE_RULES
from tests.security.access_rules_coaching import COACHING_RULES
from tests.security.access_rules_office import OFFICE_RULES
from tests.security.access_rules_portal import PORTAL_RULES
from tests.security.access_rules_registry import REGISTRY_RULES
from tests.security.access_rules_statistics import STATISTICS_RULES
from tests.security.access_world import (
    API_REFUSED,
    MEMBERS,
    SEES,
    SEES_UNASSIGNED,
    Rule,
    _new_packaging_evidence,
    _packaging_failed,
    _packaging_passed,
    _scored,
    allow,
    app_url,
    assignments_of,
    everyone,
    msme_language,
    msme_unread,
    packaging_data,
    packaging_results,
    product_name,
    reassign_data,
    scoresheet_data,
    transition_data,
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
    # The dashboard: the landing page for visitors; new accounts register their business;
    # an exporter's home is what is shared with them ("certificates:shared").
    Rule(
        "curation:home",
        "home",
        lambda w: "/",
        setup="in_curation",
        allowed=everyone(outsider=302, exporter=302, other_exporter=302),
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
        "curation:evidence",
        "evidence-document",
        lambda w: reverse(
            "curation:evidence",
            args=[w.pk, Document.objects.get(product=w.office.product, kind__key="pirt").pk],
        ),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "curation:evidence_image",
        "evidence-image",
        lambda w: reverse(
            "curation:evidence_image",
            args=[
                w.pk,
                Document.objects.get(product=w.office.product, kind__key="product_photo").pk,
            ],
        ),
        setup="in_curation",
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
        # The regional head has no overview: it sends him to the statistics.
        allowed={**allow({"coordinator", "foreign_coordinator"}), "regional_admin": 302},
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
        # Told of the submission (coordinator, and the business: received) and of the
        # assignment (curators, and the business: curators assigned).
        shows_to=MEMBERS | {"coordinator", "lead", "curator"},
        must_show=MEMBERS | {"coordinator", "lead", "curator"},
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
    # One's own name, phone and language (curation.person).
    Rule(
        "curation:account",
        "account-details",
        lambda w: reverse("curation:account"),
        allowed=everyone(),
    ),
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
    *PORTAL_RULES,
    *OFFICE_RULES,
    *REGISTRY_RULES,
    *CERTIFICATE_RULES,
    *CATALOGUE_RULES,
    *STATISTICS_RULES,
    *COACHING_RULES,
    *API_RULES,
]

# Every route of our apps needs a rule, in the admin too (our own admin views); allauth's
# and the admin's own pages are checked by a few rules below, not one by one.
OUR_APPS = ("curation.", "products.", "assessments.", "certificates.", "catalogue.")


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
