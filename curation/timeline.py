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
    # For staff, the phone of the business's member who acted (the office's way to reach
    # her, `curation.person`); empty for staff and for the business's own view.
    phone: str = ""


def timeline_for(application, *, viewer_is_member: bool) -> list[TimelineEntry]:
    entries = []
    # The profile comes in the same query: its phone is shown to staff.
    logs = application.audit_trail.select_related("actor__profile").order_by("at", "pk")
    for log in logs:
        spec = SPECS.get(log.transition)
        phone = ""
        if viewer_is_member:
            actor = str(Role(log.actor_role).label) if log.actor_role else ""
            # Only the comments written to the MSME; the rest (e.g. the coordinator's note
            # when assigning curators) are internal to the office.
            shown = spec is not None and spec.written_input.shown_to_msme
            comment = log.comment if shown else ""
        else:
            actor = log.actor.get_full_name() or log.actor.get_username()
            comment = log.comment
            if log.actor_role == Role.MSME:
                phone = getattr(getattr(log.actor, "profile", None), "phone", "")
        entries.append(
            TimelineEntry(
                at=log.at,
                transition=log.transition,
                label=str(spec.label) if spec is not None else log.transition,
                target=log.target,
                target_label=log.get_target_display(),
                actor=actor,
                comment=comment,
                phone=phone,
            )
        )
    return entries
