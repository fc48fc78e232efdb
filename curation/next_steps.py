"""What to do next with an application, for whoever looks at it: one sentence, the
primary action (a label and the page that does it), and for an incomplete draft the
list of what is missing, each linked to where it is fixed.

The one place that answers "what now?" for every state and case: the application page
and the MSME's dashboard both read `next_step`. The MSME is told what she must do, or
that nothing is asked of her and who has the application; a staff member is pointed at
the page of their step (the scoresheet, assigning curators, the packaging checklist, the
certification review), or told whose step it is. Beyond the ten states it knows the
cases that change the answer: a draft complete or not, a region no office serves, a
certificate revoked, expired or superseded, a rejection (with its reason, and coaching
once there is any).

It reads what a page has not loaded itself in a fixed number of queries: the submit
check's problems and the history come from the page when it has them (`offered`,
`timeline`); the certificate is the application's own row (`Application.certificate`,
joined by a list that shows many).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from assessments.models import Scoresheet
from assessments.permissions import can_review_packaging
from curation import permissions as perms
from kernel.states import State
from offices.routing import served_region_ids
from products.permissions import (
    is_business_member,
    is_region_certifying_officer,
    is_region_coordinator,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser

    from curation.models import Application
    from curation.timeline import TimelineEntry


@dataclass(frozen=True)
class Action:
    """The one thing to press: a link (a GET), never a form of its own."""

    label: str
    url: str


@dataclass(frozen=True)
class NextStep:
    text: str
    action: Action | None = None
    # An incomplete draft: what is missing, each a `products.rules.Problem` with its link.
    todo: Sequence[Any] = ()
    # A decision's written reason (a rejection, a revocation), quoted under the text.
    reason: str = ""
    # When the state's own label would mislead (a certified application whose
    # certificate is revoked, expired or superseded): (label, css class) for the badge.
    badge: tuple[str, str] | None = None


# What a certified application's badge says instead of "Certified", by its certificate's
# verdict today (`certificates.models.Verdict`).
BADGES = {
    "revoked": (_lazy("Certificate revoked"), "state-revoked"),
    "expired": (_lazy("Certificate expired"), "state-expired"),
    "superseded": (_lazy("Certificate replaced"), "state-superseded"),
}


@dataclass(frozen=True)
class Known:
    """What the caller has already read, so that `next_step` does not read it again."""

    # The viewer's transitions in this state, each with what blocks it
    # (`services.offered_transitions`); None when not read (a list of applications).
    offered: dict[str, list[Any]] | None = None
    # The application's history (`timeline.timeline_for`); None when not read.
    timeline: Sequence[TimelineEntry] | None = None
    # Whether an office serves the application's region; None: ask (`served_regions`).
    served: bool | None = None


def served_regions(region_ids: Iterable[int]) -> set[int]:
    """Of these regions, those an office serves (`offices.routing`). Without one nobody
    assigns curators, and a submitted application would wait for ever (submitting is
    refused: `checks.submit_problems`); one query for any number of regions."""
    return served_region_ids(region_ids)


def coaching_for(application: Application) -> Action | None:
    """Where a rejected business is referred for coaching (*pendampingan*), or None: the
    coaching part of the application page, when the office referred it to a programme
    it has not yet said it attended.

    The referrals are the coaching app's rows (a higher layer: read through the relation,
    never imported): those a list prefetched with its applications (the dashboard), else
    one query."""
    if "referrals" in getattr(application, "_prefetched_objects_cache", {}):
        waiting = any(r.attended_at is None for r in application.referrals.all())
    else:
        waiting = application.referrals.filter(attended_at__isnull=True).exists()
    if not waiting:
        return None
    return Action(_("See the coaching programme"), _application_url(application, "coaching"))


def next_step(application: Application, viewer: _AnyUser, known: Known | None = None) -> NextStep:
    """What `viewer` should do next with `application`, or what they are waiting for."""
    known = known or Known()
    if is_business_member.test(viewer, application):
        return _for_business(application, known)
    return _for_staff(application, viewer, known)


# The business.


def _application_url(application: Application, anchor: str = "") -> str:
    url = reverse("curation:application", args=[application.pk])
    return f"{url}#{anchor}" if anchor else url


def _product_url(application: Application) -> str:
    return reverse("curation:product", args=[application.product_id])


def _is_served(application: Application, known: Known) -> bool:
    if known.served is not None:
        return known.served
    return application.region_id in served_regions([application.region_id])


def _last_comment(known: Known, transition: str) -> str:
    """The written reason of the latest `transition` (a rejection) in the history the page
    read; a list of applications reads none (its rows link to the page that shows it)."""
    comments = [e.comment for e in known.timeline or () if e.transition == transition]
    return comments[-1] if comments else ""


def _not_served(application: Application) -> str:
    return _(
        "No curation office serves %(region)s yet, so nobody can curate this application "
        "for now. Ask your regional trade office (Dinas) when one will; your application "
        "keeps its place."
    ) % {"region": application.product.business.region.name}


def _for_business(application: Application, known: Known) -> NextStep:
    state = application.state
    if state == State.DRAFT:
        return _draft(application, known)
    if state == State.SUBMITTED:
        if not _is_served(application, known):
            return NextStep(_not_served(application))
        return NextStep(
            _(
                "Nothing to do now: the office is choosing the curators for your product. "
                "You will be told when they start."
            )
        )
    if state == State.IN_CURATION:
        return NextStep(
            _(
                "Nothing to do now: the curators are scoring your product. You will be told "
                "when they decide."
            )
        )
    if state == State.REVISION_REQUESTED:
        return NextStep(
            _(
                "The curators ask you to change something. Read their request below, make "
                "the changes, then write your answer and resubmit."
            ),
            Action(_("Answer the request"), _application_url(application, "revision")),
        )
    if state == State.PACKAGING_REVIEW:
        return NextStep(
            _(
                "Nothing to do now: your product passed curation and a reviewer is checking "
                "its packaging and labels."
            )
        )
    if state == State.PACKAGING_REVISION:
        return NextStep(
            _(
                "The packaging reviewer asks for changes. Change the packaging or label as "
                "listed below, upload photos of the new one, then send it back."
            ),
            Action(_("Upload the new packaging"), _application_url(application, "packaging")),
        )
    if state == State.AWAITING_CERTIFICATION:
        return NextStep(
            _(
                "Nothing to do now: the packaging is approved and an officer is checking "
                "your dossier before certifying it."
            )
        )
    if state == State.CERTIFIED:
        return _certified_for_business(application)
    if state == State.REJECTED:
        reason = _last_comment(known, "reject")
        coaching = coaching_for(application)
        if coaching is not None:
            return NextStep(
                _(
                    "The application was rejected. The office refers you to coaching: take "
                    "it, then apply again from the product page."
                ),
                coaching,
                reason=reason,
            )
        return NextStep(
            _(
                "The application was rejected. Fix what its reason names, then apply again "
                "from the product page."
            ),
            Action(_("Apply again"), _product_url(application)),
            reason=reason,
        )
    # Withdrawn.
    return NextStep(
        _("You withdrew this application. To try again, start a new one from the product page."),
        Action(_("Apply again"), _product_url(application)),
    )


def _draft(application: Application, known: Known) -> NextStep:
    if not _is_served(application, known):
        return NextStep(_not_served(application))
    if known.offered is None or "submit" not in known.offered:
        # A list of applications does not check each draft: its page does.
        return NextStep(
            _("Finish the draft: its page lists what is still missing, then submit it."),
            Action(_("Open the draft"), _application_url(application)),
        )
    missing = known.offered["submit"]
    if not missing:
        return NextStep(
            _("Everything needed is there. Check it once more, then submit it for curation."),
            Action(
                _("Submit for curation"),
                reverse("curation:application_transition", args=[application.pk, "submit"]),
            ),
        )
    first_link = next((problem.link for problem in missing if getattr(problem, "link", "")), "")
    return NextStep(
        ngettext(
            "Complete the item below, then submit the application.",
            "Complete the %(count)s items below, then submit the application.",
            len(missing),
        )
        % {"count": len(missing)},
        Action(_("Fix the first item"), first_link) if first_link else None,
        todo=missing,
    )


def _certificate(application: Application) -> Any:
    """The application's certificate (a row of the certificates app, a higher layer: read
    through the relation, never imported), or None."""
    try:
        return application.certificate
    except ObjectDoesNotExist:
        return None


def certificate_badge(application: Application) -> tuple[str, str] | None:
    """The badge of a certified application whose certificate no longer stands (revoked,
    expired, superseded): (label, css class); None otherwise, when "Certified" is true.
    Reads the certificate the page loaded with its rows (`curation.selectors.
    with_certificates`: one query for a page, not one per row), and never reads it
    itself: a page about one application that shows its state in passing (a workspace's
    header) keeps within its query budget and says "Certified"."""
    if application.state != State.CERTIFIED or not _certificate_loaded(application):
        return None
    certificate = _certificate(application)
    verdict = certificate.verdict() if certificate is not None else "valid"
    return BADGES.get(verdict)


def _certificate_loaded(application: Application) -> bool:
    return type(application).certificate.related.is_cached(application)  # type: ignore[attr-defined]


def _date(value: date | datetime) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _certified_for_business(application: Application) -> NextStep:
    certificate = _certificate(application)
    verdict = certificate.verdict() if certificate is not None else "valid"
    if verdict == "revoked":
        return NextStep(
            _(
                "The certificate was revoked on %(date)s: it no longer proves your product is "
                "export ready. Fix what the reason names, then apply again from the product "
                "page."
            )
            % {"date": _date(certificate.revoked_at)},
            Action(_("Apply again"), _product_url(application)),
            reason=certificate.revocation_reason,
            badge=(_("Certificate revoked"), "state-revoked"),
        )
    if verdict == "expired":
        return NextStep(
            _(
                "The certificate expired on %(date)s. To stay export ready, apply again "
                "from the product page: a renewal is a new application."
            )
            % {"date": _date(certificate.valid_until)},
            Action(_("Renew"), _product_url(application)),
            badge=(_("Certificate expired"), "state-expired"),
        )
    if verdict == "superseded":
        newer = certificate.superseded_by
        return NextStep(
            _("This certificate was replaced by a newer one, %(number)s: use that one from now on.")
            % {"number": newer.number},
            Action(_("Open the newer application"), _application_url_of(newer.application_id)),
            badge=(_("Certificate replaced"), "state-superseded"),
        )
    if certificate is None:
        return NextStep(_("Your product is certified."))
    return NextStep(
        _(
            "Your product is certified until %(date)s. Download the certificate and the "
            "export dossier, and share them with your buyers or exporters."
        )
        % {"date": _date(certificate.valid_until)},
        Action(_("Download the certificate"), _application_url(application, "certificate")),
    )


def _application_url_of(pk: int) -> str:
    return reverse("curation:application", args=[pk])


# Staff.


def _submitted_scoresheets(application: Application) -> set[int]:
    """The curators whose scoresheet of the open round is submitted: from the rounds the
    page loaded (the lead's, whose step reads them), else in one query."""
    if "rounds" in getattr(application, "_prefetched_objects_cache", {}):
        current = application.current_round
        if current is None or current.closed_at is not None:
            return set()
        return {sheet.curator_id for sheet in current.sheets() if sheet.is_submitted}
    return set(
        Scoresheet.objects.filter(
            round__application=application,
            round__closed_at__isnull=True,
            submitted_at__isnull=False,
        ).values_list("curator_id", flat=True)
    )


def _for_staff(application: Application, viewer: _AnyUser, known: Known) -> NextStep:
    state = application.state
    pk = application.pk
    if state == State.DRAFT:
        return NextStep(_("The business is still preparing this application."))
    if state == State.SUBMITTED:
        if is_region_coordinator.test(viewer, application):
            return NextStep(
                _(
                    "Assign the curators (at least %(count)s, one of them the lead) so that "
                    "scoring can start."
                )
                % {"count": application.rubric.min_curators},
                Action(
                    _("Assign curators"),
                    reverse("curation:application_transition", args=[pk, "assign_curators"]),
                ),
            )
        return NextStep(_("Waiting for the coordinator to assign curators."))
    if state == State.IN_CURATION:
        return _in_curation(application, viewer)
    if state == State.REVISION_REQUESTED:
        return NextStep(_("Waiting for the business to answer the revision request."))
    if state == State.PACKAGING_REVIEW:
        if can_review_packaging.test(viewer, application):
            return NextStep(
                _(
                    "Check the packaging against the checklist, then approve it or ask the "
                    "business for changes."
                ),
                Action(_("Open the packaging checklist"), reverse("curation:packaging", args=[pk])),
            )
        return NextStep(_("Waiting for the packaging reviewer."))
    if state == State.PACKAGING_REVISION:
        return NextStep(_("Waiting for the business to upload its new packaging."))
    if state == State.AWAITING_CERTIFICATION:
        if perms.can_certify.test(viewer, application):
            return NextStep(
                _("Check the dossier, then certify the product or reject the application."),
                Action(
                    _("Open the certification review"),
                    reverse("curation:certification_review", args=[pk]),
                ),
            )
        if is_region_certifying_officer.test(viewer, application):
            return NextStep(
                _("You curated this product, so another certifying officer must certify it.")
            )
        return NextStep(_("Waiting for a certifying officer."))
    if state == State.CERTIFIED:
        return _certified_for_staff(application)
    if state == State.REJECTED:
        return NextStep(
            _("Closed: the application was rejected. The business may apply again."),
            reason=_last_comment(known, "reject"),
        )
    return NextStep(_("Closed: the business withdrew the application."))


def _in_curation(application: Application, viewer: _AnyUser) -> NextStep:
    pk = application.pk
    assigned = [a.curator_id for a in perms.curator_assignments(application)]
    submitted = _submitted_scoresheets(application)
    done = sum(1 for curator in assigned if curator in submitted)
    progress = {"done": done, "count": len(assigned)}
    result = Action(_("See the scoring"), reverse("curation:curation", args=[pk]))
    if perms.is_acting_curator.test(viewer, application):
        if viewer.pk not in submitted:
            return NextStep(
                _("Score the product on your scoresheet and submit it."),
                Action(_("Open your scoresheet"), reverse("curation:scoresheet", args=[pk])),
            )
        if perms.is_acting_lead_curator.test(viewer, application):
            if done == len(assigned):
                return NextStep(
                    _(
                        "Every curator has submitted. Read the result, then pass the "
                        "product, request a revision or reject it."
                    ),
                    Action(_("See the result and decide"), reverse("curation:curation", args=[pk])),
                )
            return NextStep(
                _(
                    "Your scoresheet is in. Waiting for the other curators: %(done)s of "
                    "%(count)s submitted; then you decide."
                )
                % progress,
                result,
            )
        return NextStep(
            _("Your scoresheet is in. The lead curator decides once every curator has submitted."),
        )
    if is_region_coordinator.test(viewer, application):
        return NextStep(
            _(
                "The curators are scoring: %(done)s of %(count)s scoresheets submitted. You "
                "can change the curators or request a revision if needed."
            )
            % progress,
            result,
        )
    return NextStep(_("Waiting for the curators to score the product."))


def _certified_for_staff(application: Application) -> NextStep:
    certificate = _certificate(application)
    verdict = certificate.verdict() if certificate is not None else "valid"
    if verdict == "revoked":
        return NextStep(
            _("Closed: its certificate was revoked on %(date)s.")
            % {"date": _date(certificate.revoked_at)},
            reason=certificate.revocation_reason,
            badge=(_("Certificate revoked"), "state-revoked"),
        )
    if verdict == "expired":
        return NextStep(
            _("Closed: its certificate expired on %(date)s.")
            % {"date": _date(certificate.valid_until)},
            badge=(_("Certificate expired"), "state-expired"),
        )
    if verdict == "superseded":
        return NextStep(
            _("Closed: its certificate was replaced by %(number)s.")
            % {"number": certificate.superseded_by.number},
            badge=(_("Certificate replaced"), "state-superseded"),
        )
    return NextStep(_("Certified: nothing more to do."))
