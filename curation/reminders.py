"""Reminders: what is about to expire or has waited too long, told once to each person
concerned, by an in-app notice and an e-mail in their language that links to the page
where it is done.

The sources below say what is due on a day (`Due`): documents about to expire (to the
business's members), applications past their state's target (to whoever takes the next
step and to the coordinators), scoresheets not submitted past the scoring target (to the
curator). Certificates about to expire are `certificates.reminders`, the layer above;
`manage.py send_reminders` runs them all, every hour.

`send` claims each reminder by inserting its `Reminder` row, then writes the notice, in one
transaction per subject; the e-mail goes after the commit, through the notices' one path
(`notifications.tell`). The row's unique constraint makes a later run skip what was told,
and a run at the same moment wait for the first one's commit, then skip it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from assessments.models import Scoresheet, ScoringRound
from curation import deadlines, recipients
from curation.models import Application, CuratorAssignment, Notification, Reminder, TransitionLog
from curation.notices import in_each_language, render
from curation.notifications import tell
from kernel.states import State
from products.models import Document

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

# Days before a document's expiry date: two months leave time to renew a P-IRT or a BPOM
# registration, which takes weeks; a week is the last call.
DOCUMENT_THRESHOLDS = (60, 30, 7)
# Reached when the target is passed (overdue stages and scoresheets).
PASSED = 0


@dataclass(frozen=True, eq=False)  # compared (and hashed) as itself: `send` keys on it
class Due:
    """One reminder due on a day: what about and at which threshold, for whom, and what its
    notice says and links to."""

    kind: Reminder.Kind  # also the event of its notice (`curation.notices`)
    subject_id: int
    threshold: int
    recipients: tuple[_User, ...]
    path: str  # the page where it is done, under SITE_URL
    params: dict[str, Any] = field(default_factory=dict)
    application: Application | None = None


def threshold_reached(days_left: int, thresholds: Iterable[int]) -> int | None:
    """The nearest threshold reached `days_left` days before a date (None before the first,
    and after the date). A run that missed days tells the nearest one only: 25 days before,
    the 30-day reminder, not the 60-day one as well."""
    if days_left < 0:
        return None
    return min((t for t in thresholds if days_left <= t), default=None)


def people(users: Iterable[_User]) -> tuple[_User, ...]:
    """Each user once, in a fixed order (by id): two runs at once then claim the same rows
    in the same order, and one waits for the other instead of deadlocking."""
    return tuple(sorted({user.pk: user for user in users}.values(), key=attrgetter("pk")))


def documents_expiring(today: date) -> Iterator[Due]:
    """Documents expiring within DOCUMENT_THRESHOLDS days, to the business's members. A
    renewed document (a newer upload of the same type that expires later) ends its
    predecessor's reminders: only documents not superseded are read."""
    documents = list(
        Document.objects.filter(
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=max(DOCUMENT_THRESHOLDS)),
        )
        # Not a type that does not expire (a halal certificate), whatever date it bears.
        .expiring_kinds()
        .not_superseded()
        .select_related("kind", "product", "business")
        .order_by("expires_on", "pk")
    )
    members = recipients.members_by_business({d.business_id for d in documents})
    for document in documents:
        assert document.expires_on is not None  # filtered above
        days = (document.expires_on - today).days
        threshold = threshold_reached(days, DOCUMENT_THRESHOLDS)
        if threshold is None:
            continue
        if document.product_id is not None:
            upload = reverse("products:document_upload", args=[document.product_id])
            holder = document.product.name
        else:
            upload = reverse("products:business_document_upload", args=[document.business_id])
            holder = document.business.name
        yield Due(
            kind=Reminder.Kind.DOCUMENT_EXPIRING,
            subject_id=document.pk,
            threshold=threshold,
            recipients=people(members[document.business_id]),
            # The upload form with the document's type chosen, as the dashboard links it.
            path=f"{upload}?kind={document.kind.key}",
            params={
                "document": in_each_language(attrgetter("label"), document.kind),
                "holder": holder,
                "date": in_each_language(date_format, document.expires_on),
                "days": days,
            },
        )


def stages_overdue(today: date, targets: deadlines.Targets) -> Iterator[Due]:
    """Applications in a state past its target (their office's), to whoever takes the next
    step and to the coordinators; once per stay in the state (a second stay, after a
    revision, is told again when it overstays)."""
    # The audit row that took the application into its state: it names one stay.
    entered = TransitionLog.objects.filter(
        application=OuterRef("pk"), target=OuterRef("state")
    ).order_by("-at", "-pk")
    for state in recipients.NEXT_STEP:
        # Every office's overdue stays (the loosest cut-off), then each against its own.
        cutoff = targets.loosest_cutoff(state, today)
        if cutoff is None:
            continue
        applications = (
            Application.objects.filter(state=state, state_changed_at__lt=cutoff)
            .annotate(entered_by=Subquery(entered.values("pk")[:1]))
            .select_related("product__business")
            .order_by("state_changed_at", "pk")
        )
        for application in applications:
            if application.entered_by is None:
                continue  # never: every state but a draft is entered by an audited transition
            target = targets.get(application.region_id, state)
            since = timezone.localdate(application.state_changed_at)
            if target is None or not target.is_overdue(since, today):
                continue
            yield Due(
                kind=Reminder.Kind.STAGE_OVERDUE,
                subject_id=application.entered_by,
                threshold=PASSED,
                recipients=people(recipients.next_step_and_coordinators(application, state)),
                path=reverse("curation:application", args=[application.pk]),
                params={
                    "state": in_each_language(str, State(state).label),
                    "since": in_each_language(date_format, since),
                    "due": in_each_language(date_format, target.due(since)),
                },
                application=application,
            )


def scoresheets_overdue(today: date, targets: deadlines.Targets) -> Iterator[Due]:
    """Curators who have not submitted their scoresheet of the open round past the scoring
    target (their office's), counted from the round's opening or, for a curator added
    later, from their assignment."""
    cutoff = targets.loosest_cutoff(State.IN_CURATION, today)
    if cutoff is None:
        return
    rounds = list(
        ScoringRound.objects.filter(
            closed_at__isnull=True,
            application__state=State.IN_CURATION,
            opened_at__lt=cutoff,
        )
        .select_related("application__product__business")
        .order_by("opened_at", "pk")
    )
    application_ids = [r.application_id for r in rounds]
    assignments = defaultdict(list)
    for assignment in CuratorAssignment.objects.filter(
        application__in=application_ids
    ).select_related("curator"):
        assignments[assignment.application_id].append(assignment)
    submitted = set(
        Scoresheet.objects.filter(round__in=rounds, submitted_at__isnull=False).values_list(
            "round_id", "curator_id"
        )
    )
    for scoring_round in rounds:
        target = targets.get(scoring_round.application.region_id, State.IN_CURATION)
        if target is None:
            continue
        for assignment in assignments[scoring_round.application_id]:
            since = timezone.localdate(max(scoring_round.opened_at, assignment.assigned_at))
            if (scoring_round.pk, assignment.curator_id) in submitted:
                continue
            if not target.is_overdue(since, today):
                continue
            yield Due(
                kind=Reminder.Kind.SCORESHEET_OVERDUE,
                subject_id=scoring_round.pk,
                threshold=PASSED,
                recipients=(assignment.curator,),
                path=reverse("curation:scoresheet", args=[scoring_round.application_id]),
                params={
                    "round": scoring_round.number,
                    "due": in_each_language(date_format, target.due(since)),
                },
                application=scoring_round.application,
            )


def due_on(today: date) -> list[Due]:
    """Every reminder of the workflow due on `today` (certificates add theirs)."""
    targets = deadlines.all_targets()
    return [
        *documents_expiring(today),
        *stages_overdue(today, targets),
        *scoresheets_overdue(today, targets),
    ]


def untold(dues: Iterable[Due]) -> list[tuple[Due, _User]]:
    """Each due reminder's recipients who were not told it yet (one query per kind)."""
    dues = list(dues)
    by_kind = defaultdict(set)
    for due in dues:
        by_kind[due.kind].add(due.subject_id)
    told = set()
    for kind, subject_ids in by_kind.items():
        told |= {
            (kind, *row)
            for row in Reminder.objects.filter(kind=kind, subject_id__in=subject_ids).values_list(
                "subject_id", "threshold", "recipient_id"
            )
        }
    return [
        (due, user)
        for due in dues
        for user in due.recipients
        if (due.kind, due.subject_id, due.threshold, user.pk) not in told
    ]


def send(dues: Iterable[Due], *, dry_run: bool = False) -> list[tuple[Due, _User]]:
    """Tell each due reminder to whoever was not told it yet; with `dry_run`, only say who
    that would be. Returns the (reminder, recipient) pairs told."""
    pending: dict[Due, list[_User]] = defaultdict(list)
    for due, user in untold(dues):
        pending[due].append(user)
    if dry_run:
        return [(due, user) for due, users in pending.items() for user in users]
    told = []
    for due, users in pending.items():
        told += [(due, user) for user in _claim_and_tell(due, users)]
    return told


def _claim_and_tell(due: Due, users: list[_User]) -> list[_User]:
    with transaction.atomic():
        claimed = []
        for user in users:
            try:
                # A savepoint: a conflict undoes this row only. On PostgreSQL a run at the
                # same moment that inserted the same row first makes this one wait for its
                # commit, then conflict.
                with transaction.atomic():
                    claimed.append(
                        Reminder.objects.create(
                            kind=due.kind,
                            subject_id=due.subject_id,
                            threshold=due.threshold,
                            recipient=user,
                        )
                    )
            except IntegrityError:
                continue  # told by another run
        notices = tell(
            [reminder.recipient for reminder in claimed],
            due.kind,
            application=due.application,
            path=due.path,
            params=due.params,
        )
        for reminder, notice in zip(claimed, notices, strict=True):
            reminder.notification = notice
        Reminder.objects.bulk_update(claimed, ["notification"])
    return [reminder.recipient for reminder in claimed]


def language_of(user: _User) -> str:
    profile = getattr(user, "profile", None)
    return getattr(profile, "language", None) or settings.LANGUAGE_CODE


def subject_for(due: Due, user: _User) -> str:
    """The subject of the reminder's notice as `user` reads it (for listing what is sent)."""
    notice = Notification(
        recipient=user, application=due.application, event=due.kind, params=due.params
    )
    with translation.override(language_of(user)):
        return render(notice)[0]
