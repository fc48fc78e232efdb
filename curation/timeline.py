"""The history of an application as people read it.

Staff see who did what. The MSME sees the role that acted instead of the person (a
curator's name is never shown to the business) and only the comments meant for it.
"""

from dataclasses import dataclass
from datetime import datetime

from curation.transitions import SPECS
from kernel.roles import Role


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
        spec = SPECS.get(log.transition)
        if viewer_is_member:
            actor = str(Role(log.actor_role).label) if log.actor_role else ""
            # Only the comments written to the MSME; the rest (e.g. the coordinator's note
            # when assigning curators) are internal to the office.
            shown = spec is not None and spec.written_input.shown_to_msme
            comment = log.comment if shown else ""
        else:
            actor = log.actor.get_full_name() or log.actor.get_username()
            comment = log.comment
        entries.append(
            TimelineEntry(
                at=log.at,
                transition=log.transition,
                label=str(spec.label) if spec is not None else log.transition,
                target=log.target,
                target_label=log.get_target_display(),
                actor=actor,
                comment=comment,
            )
        )
    return entries
