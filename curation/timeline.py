"""The history of an application as people read it.

Staff see who did what. The MSME sees the role that acted instead of the person (a
curator's name is never shown to the business) and only the comments meant for it.
"""

from dataclasses import dataclass
from datetime import datetime

from curation.roles import Role
from curation.services import TRANSITION_LABELS

# Comments written to the MSME; the rest (e.g. a coordinator's note when assigning
# curators) are internal to the office.
COMMENTS_FOR_MSME = {
    "request_revision",
    "resubmit",
    "pass_curation",
    "request_packaging_changes",
    "resubmit_packaging",
    "approve_packaging",
    "certify",
    "reject",
    "withdraw",
    "submit",
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    transition: str
    label: str
    target: str
    target_label: str
    actor: str
    comment: str


def timeline_for(application, *, viewer_is_member: bool) -> list[TimelineEntry]:
    entries = []
    for log in application.audit_trail.select_related("actor").order_by("at", "pk"):
        if viewer_is_member:
            actor = str(Role(log.actor_role).label) if log.actor_role else ""
            comment = log.comment if log.transition in COMMENTS_FOR_MSME else ""
        else:
            actor = log.actor.get_full_name() or log.actor.get_username()
            comment = log.comment
        entries.append(
            TimelineEntry(
                at=log.at,
                transition=log.transition,
                label=str(TRANSITION_LABELS.get(log.transition, log.transition)),
                target=log.target,
                target_label=log.get_target_display(),
                actor=actor,
                comment=comment,
            )
        )
    return entries
