"""What an office administrator sets for the whole office: its stage targets (working days
per state, read by `curation.deadlines`) and the rubric and packaging checklist versions
its new applications use (read by `assessments.in_use`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.in_use import newest_checklist, newest_rubric
from assessments.models import PackagingChecklist, Rubric
from curation.office_staff import office_of
from kernel.errors import WorkflowError
from kernel.roles import Role, user_roles
from kernel.states import State
from offices.models import DEFAULT_TARGET_DAYS, AssessmentVersions, Office, StageTarget

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _AnyUser, _User


def may_set_office_settings(user: _AnyUser) -> bool:
    return Role.OFFICE_ADMIN in user_roles(user)


@dataclass(frozen=True)
class TargetRow:
    state: str
    label: str
    days: int
    default: int


def stage_target_rows(office: Office) -> list[TargetRow]:
    """Each state the workflow waits on with the office's target (the default where it set
    none), in the workflow's order."""
    own = dict(office.stage_targets.values_list("state", "days"))
    return [
        TargetRow(
            state=state.value,
            label=str(State(state).label),
            days=own.get(state.value, default),
            default=default,
        )
        for state, default in DEFAULT_TARGET_DAYS.items()
    ]


def stage_targets_seed(office: Office) -> int:
    """Give `office` the default target for every state it has none for (a new office, the
    demo); returns how many were added."""
    have = set(office.stage_targets.values_list("state", flat=True))
    missing = [
        StageTarget(office=office, state=state.value, days=days)
        for state, days in DEFAULT_TARGET_DAYS.items()
        if state.value not in have
    ]
    StageTarget.objects.bulk_create(missing)
    return len(missing)


def stage_targets_set(*, office: Office, days: dict[str, int], by: _User) -> None:
    """Set the office's working days per state (each state of `DEFAULT_TARGET_DAYS`)."""
    _check(office, by)
    unknown = set(days) - {state.value for state in DEFAULT_TARGET_DAYS}
    if unknown:
        raise WorkflowError(_("Targets can be set only for the states the office works in."))
    if any(value < 1 for value in days.values()):
        raise WorkflowError(_("A target is at least one working day."))
    with transaction.atomic():
        for state, value in days.items():
            StageTarget.objects.update_or_create(
                office=office, state=state, defaults={"days": value}
            )


def assessment_versions_of(office: Office) -> AssessmentVersions | None:
    return (
        AssessmentVersions.objects.filter(office=office)
        .select_related("rubric", "packaging_checklist", "changed_by")
        .first()
    )


def rubric_choices() -> list[Rubric]:
    """The versions an office may choose: the active ones, newest first."""
    return list(Rubric.objects.filter(is_active=True).order_by("key", "-version"))


def checklist_choices() -> list[PackagingChecklist]:
    return list(PackagingChecklist.objects.filter(is_active=True).order_by("key", "-version"))


def assessment_versions_set(
    *,
    office: Office,
    rubric: Rubric | None,
    checklist: PackagingChecklist | None,
    by: _User,
) -> AssessmentVersions:
    """Choose the versions the office's new applications use (None: always the newest
    active one). Applications made before keep theirs."""
    _check(office, by)
    if rubric is not None and not rubric.is_active:
        raise WorkflowError(_("Choose an active rubric version."))
    if checklist is not None and not checklist.is_active:
        raise WorkflowError(_("Choose an active checklist version."))
    versions, _created = AssessmentVersions.objects.update_or_create(
        office=office,
        defaults={
            "rubric": rubric,
            "packaging_checklist": checklist,
            "changed_by": by,
            "changed_at": timezone.now(),
        },
    )
    return versions


def versions_in_use(office: Office) -> tuple[Rubric | None, PackagingChecklist | None]:
    """What the office's next application will use."""
    chosen = assessment_versions_of(office)
    rubric = chosen.rubric if chosen is not None else None
    checklist = chosen.packaging_checklist if chosen is not None else None
    return rubric or newest_rubric(), checklist or newest_checklist()


def _check(office: Office, by: _User) -> None:
    if not may_set_office_settings(by) or office_of(by) != office:
        raise WorkflowError(_("Only the office's administrator can change its settings."))
