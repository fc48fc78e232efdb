"""What to do next (curation.next_steps), as the application page shows it: one table over
every state and case (a draft complete or not, a region no office serves, a certificate
revoked, expired or superseded, ...), for the MSME and each staff role, each row the
sentence and the primary action (its label and where it leads). A persona the page is
hidden from is marked HIDDEN (404)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.revocation import certificate_revoke
from curation import services
from offices.models import ServedRegion
from products.models import Membership
from tests import factories as f

HIDDEN = "hidden"
STAFF = ("coordinator", "lead", "curator", "reviewer", "officer", "regional_admin")
PERSONAS = ("msme", *STAFF)


@dataclass(frozen=True)
class Expect:
    text: str  # a part of the sentence
    action: str | None = None  # the primary action's label, None: there is none
    url: object = None  # where it leads: a function (application, extra) -> str
    reason: str = ""  # a decision's reason, quoted


def page_url(name, anchor=""):
    def url(application, extra):
        return reverse(name, args=[application.pk]) + (f"#{anchor}" if anchor else "")

    return url


def step_url(name):
    return lambda application, extra: reverse(
        "curation:application_transition", args=[application.pk, name]
    )


def product_url(application, extra):
    return reverse("curation:product", args=[application.product_id])


APPLY_AGAIN = Expect("", "Apply again", product_url)


# The cases: each makes the application (and what the expectations need) in the office.


def draft_incomplete(office, bring_to):
    product = f.ProductFactory(business=office.business, name="Keripik Pisang")
    application = office.new_application(product)
    return application, {}


def draft_complete(office, bring_to):
    return office.new_application(), {}


def _unserved_application(office):
    """An application of a business of Kota Malang, which no office serves."""
    business = f.BusinessFactory(name="Kopi Arjuno", region=f.region("35.73"))
    Membership.objects.create(business=business, user=office.msme, role=Membership.Role.OWNER)
    product = f.ProductFactory(business=business, name="Kopi Arjuno")
    f.complete_documents(product, by=office.msme)
    return office.new_application(product)


def draft_not_served(office, bring_to):
    return _unserved_application(office), {}


def submitted_not_served(office, bring_to):
    # Submitted while an office served Kota Malang, which has stopped serving it since.
    application = _unserved_application(office)
    served = ServedRegion.objects.create(office=f.office_for(f.region()), region=application.region)
    services.application_submit(application=application, by=office.msme)
    served.delete()
    return application, {}


def in_state(state, *then):
    def make(office, bring_to):
        application = bring_to(state)
        for step in then:
            f.take_step(office, application, step)
        return application, {}

    return make


def lead_scored(office, bring_to):
    application = bring_to("in_curation")
    f.score_all(application, office.lead)
    return application, {}


def certified_then(change):
    def make(office, bring_to):
        application = bring_to("certified")
        certificate = Certificate.objects.get(application=application)
        return application, change(office, bring_to, certificate) or {}

    return make


def revoke(office, bring_to, certificate):
    certificate_revoke(certificate=certificate, by=office.officer, reason="The P-IRT was forged.")


def expire(office, bring_to, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )


def renew(office, bring_to, certificate):
    renewal = services.application_create(
        product=office.product, by=office.msme, previous=certificate.application
    )
    return {"newer": bring_to("certified", renewal)}


def newer_application(application, extra):
    return reverse("curation:application", args=[extra["newer"].pk])


WAITING_COORDINATOR = Expect("Waiting for the coordinator to assign curators.")
WAITING_CURATORS = Expect("Waiting for the curators to score the product.")
WAITING_REVISION = Expect("Waiting for the business to answer the revision request.")
WAITING_REVIEWER = Expect("Waiting for the packaging reviewer.")
WAITING_PACKAGING = Expect("Waiting for the business to upload its new packaging.")
WAITING_OFFICER = Expect("Waiting for a certifying officer.")
CERTIFIED = Expect("Certified: nothing more to do.")
REVOKED = Expect("Closed: its certificate was revoked on", reason="The P-IRT was forged.")
EXPIRED = Expect("Closed: its certificate expired on")
REPLACED = Expect("Closed: its certificate was replaced by")
REJECTED = Expect("Closed: the application was rejected.", reason="Not our region's product.")
WITHDRAWN = Expect("Closed: the business withdrew the application.")
PREPARING = Expect("The business is still preparing this application.")
SCORE = Expect(
    "Score the product on your scoresheet", "Open your scoresheet", page_url("curation:scoresheet")
)


def everyone_else(expect, **by_persona):
    """`expect` for every staff persona but those named."""
    return {persona: by_persona.get(persona, expect) for persona in STAFF}


# (case, make, {persona: Expect or HIDDEN}). The curators see an application only once
# assigned to it; the region's other staff see every application of their region (none
# of a region they do not work for).
TABLE = [
    (
        "draft, incomplete",
        draft_incomplete,
        {
            "msme": Expect("then submit the application.", "Fix the first item", "first-problem"),
            **everyone_else(PREPARING, lead=HIDDEN, curator=HIDDEN),
        },
    ),
    (
        "draft, complete",
        draft_complete,
        {
            "msme": Expect(
                "Everything needed is there.", "Submit for curation", step_url("submit")
            ),
            **everyone_else(PREPARING, lead=HIDDEN, curator=HIDDEN),
        },
    ),
    (
        "draft, region not served",
        draft_not_served,
        {
            "msme": Expect("No curation office serves Kota Malang yet"),
            **dict.fromkeys(STAFF, HIDDEN),
        },
    ),
    (
        "submitted",
        in_state("submitted"),
        {
            "msme": Expect("the office is choosing the curators"),
            **everyone_else(
                WAITING_COORDINATOR,
                coordinator=Expect(
                    "Assign the curators (at least 2",
                    "Assign curators",
                    step_url("assign_curators"),
                ),
                lead=HIDDEN,
                curator=HIDDEN,
            ),
        },
    ),
    (
        "submitted, region not served",
        submitted_not_served,
        {
            "msme": Expect("No curation office serves Kota Malang yet"),
            **dict.fromkeys(STAFF, HIDDEN),
        },
    ),
    (
        "in curation, nobody scored",
        in_state("in_curation"),
        {
            "msme": Expect("the curators are scoring your product"),
            **everyone_else(
                WAITING_CURATORS,
                coordinator=Expect(
                    "0 of 2 scoresheets submitted", "See the scoring", page_url("curation:curation")
                ),
                lead=SCORE,
                curator=SCORE,
            ),
        },
    ),
    (
        "in curation, the lead scored",
        lead_scored,
        {
            "msme": Expect("the curators are scoring your product"),
            **everyone_else(
                WAITING_CURATORS,
                coordinator=Expect(
                    "1 of 2 scoresheets submitted", "See the scoring", page_url("curation:curation")
                ),
                lead=Expect(
                    "Waiting for the other curators: 1 of 2",
                    "See the scoring",
                    page_url("curation:curation"),
                ),
                curator=SCORE,
            ),
        },
    ),
    (
        "in curation, everyone scored",
        in_state("in_curation", "score"),
        {
            "msme": Expect("the curators are scoring your product"),
            **everyone_else(
                WAITING_CURATORS,
                coordinator=Expect(
                    "2 of 2 scoresheets submitted", "See the scoring", page_url("curation:curation")
                ),
                lead=Expect(
                    "Every curator has submitted.",
                    "See the result and decide",
                    page_url("curation:curation"),
                ),
                curator=Expect("The lead curator decides"),
            ),
        },
    ),
    (
        "revision requested",
        in_state("revision_requested"),
        {
            "msme": Expect(
                "The curators ask you to change something.",
                "Answer the request",
                page_url("curation:application", "revision"),
            ),
            **everyone_else(WAITING_REVISION),
        },
    ),
    (
        "packaging review",
        in_state("packaging_review"),
        {
            "msme": Expect("a reviewer is checking its packaging"),
            **everyone_else(
                WAITING_REVIEWER,
                reviewer=Expect(
                    "Check the packaging against the checklist",
                    "Open the packaging checklist",
                    page_url("curation:packaging"),
                ),
            ),
        },
    ),
    (
        "packaging revision",
        in_state("packaging_revision"),
        {
            "msme": Expect(
                "The packaging reviewer asks for changes.",
                "Upload the new packaging",
                page_url("curation:application", "packaging"),
            ),
            **everyone_else(WAITING_PACKAGING),
        },
    ),
    (
        "awaiting certification",
        in_state("awaiting_certification"),
        {
            "msme": Expect("an officer is checking your dossier"),
            **everyone_else(
                WAITING_OFFICER,
                officer=Expect(
                    "Check the dossier, then certify",
                    "Open the certification review",
                    page_url("curation:certification_review"),
                ),
            ),
        },
    ),
    (
        "certified",
        in_state("certified"),
        {
            "msme": Expect(
                "Your product is certified until",
                "Download the certificate",
                page_url("curation:application", "certificate"),
            ),
            **everyone_else(CERTIFIED),
        },
    ),
    (
        "certificate revoked",
        certified_then(revoke),
        {
            "msme": Expect(
                "The certificate was revoked on",
                "Apply again",
                product_url,
                reason="The P-IRT was forged.",
            ),
            **everyone_else(REVOKED),
        },
    ),
    (
        "certificate expired",
        certified_then(expire),
        {
            "msme": Expect("The certificate expired on", "Renew", product_url),
            **everyone_else(EXPIRED),
        },
    ),
    (
        "certificate superseded",
        certified_then(renew),
        {
            "msme": Expect(
                "This certificate was replaced by a newer one",
                "Open the newer application",
                newer_application,
            ),
            **everyone_else(REPLACED),
        },
    ),
    (
        "rejected",
        in_state("rejected"),
        {
            "msme": Expect(
                "The application was rejected. Fix what its reason names",
                "Apply again",
                product_url,
                reason="Not our region's product.",
            ),
            **everyone_else(REJECTED, lead=HIDDEN, curator=HIDDEN),
        },
    ),
    (
        "withdrawn",
        in_state("withdrawn"),
        {
            "msme": Expect("You withdrew this application.", "Apply again", product_url),
            **everyone_else(WITHDRAWN, lead=HIDDEN, curator=HIDDEN),
        },
    ),
]


def next_step_of(page: str) -> dict:
    """The "what to do next" block of a page, as a reader finds it."""
    block = re.search(r'<section class="card next-step".*?</section>', page, re.S)
    assert block, "the page has no next step"
    block = block.group(0)
    text = re.search(r"</h2>\s*<p>(.*?)</p>", block, re.S).group(1)
    action = re.search(r'<a class="button" href="([^"]*)">(.*?)</a>', block)
    reason = re.search(r"<blockquote>(.*?)</blockquote>", block, re.S)
    todo = re.findall(r'<li><a href="([^"]*)">', block)
    return {
        "text": html.unescape(text),
        "action": (html.unescape(action.group(2)), html.unescape(action.group(1)))
        if action
        else None,
        "reason": html.unescape(reason.group(1)) if reason else "",
        "todo": [html.unescape(link) for link in todo],
    }


def badge_of(page: str) -> str:
    return re.search(r'<h1>.*?<span class="state [^"]*">(.*?)</span>', page, re.S).group(1)


@pytest.mark.parametrize(("case", "make", "expected"), TABLE, ids=[row[0] for row in TABLE])
def test_what_to_do_next(case, make, expected, office, bring_to, client):
    assert set(expected) == set(PERSONAS)
    for person in PERSONAS:
        office.personas[person].profile.language = "en"
        office.personas[person].profile.save(update_fields=["language"])
    application, extra = make(office, bring_to)
    url = reverse("curation:application", args=[application.pk])
    for person in PERSONAS:
        client.force_login(office.personas[person])
        response = client.get(url)
        expect = expected[person]
        if expect == HIDDEN:
            assert response.status_code == 404, (case, person)
            continue
        assert response.status_code == 200, (case, person)
        shown = next_step_of(response.content.decode())
        assert expect.text in shown["text"], (case, person, shown["text"])
        assert shown["reason"] == expect.reason, (case, person, shown["reason"])
        if expect.action is None:
            assert shown["action"] is None, (case, person, shown["action"])
        elif expect.url == "first-problem":
            # Each missing item links to its fix; the button leads to the first.
            assert shown["todo"], (case, person)
            assert shown["action"] == (expect.action, shown["todo"][0]), (case, person)
        else:
            assert shown["action"] == (expect.action, expect.url(application, extra)), (
                case,
                person,
            )


def test_the_dashboard_says_what_next_and_a_revoked_certificate_is_no_longer_certified(
    office, bring_to, client
):
    """The MSME's dashboard reads the same next step: after the officer revokes the
    certificate, the row says so (no green "Certified", no "download"), and leads to
    applying again."""
    office.msme.profile.language = "en"
    office.msme.profile.save(update_fields=["language"])
    certified = bring_to("certified")
    draft = office.new_application(f.ProductFactory(business=office.business, name="Keripik"))
    client.force_login(office.msme)

    def row_of(application):
        page = client.get(reverse("curation:home")).content.decode()
        link = reverse("curation:application", args=[application.pk])
        return re.search(rf'<tr>\s*<td[^>]*><a href="{link}">.*?</tr>', page, re.S).group(0)

    row = row_of(certified)
    assert '<span class="state state-certified">Certified</span>' in row
    assert "Your product is certified until" in row
    certificate_revoke(
        certificate=Certificate.objects.get(application=certified),
        by=office.officer,
        reason="The P-IRT was forged.",
    )
    row = row_of(certified)
    assert "Certified</span>" not in row
    assert '<span class="state state-revoked">Certificate revoked</span>' in row
    assert "The certificate was revoked on" in row
    assert "The P-IRT was forged." in row
    assert "Download" not in row
    assert f'<a href="{product_url(certified, {})}">Apply again</a>' in row
    # The application page says the same, in its badge too.
    page = client.get(reverse("curation:application", args=[certified.pk])).content.decode()
    assert badge_of(page) == "Certificate revoked"
    # A draft on the dashboard is not checked row by row: it leads to its page.
    assert "Open the draft" in row_of(draft)


def test_the_next_step_in_indonesian(office, bring_to, client):
    application = bring_to("revision_requested")
    office.msme.profile.language = "id"
    office.msme.profile.save(update_fields=["language"])
    client.force_login(office.msme)
    page = client.get(reverse("curation:application", args=[application.pk])).content.decode()
    shown = next_step_of(page)
    assert shown["text"].startswith("Para kurator meminta Anda mengubah sesuatu.")
    assert shown["action"][0] == "Jawab permintaan"
