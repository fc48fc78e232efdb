"""Which rubric and packaging checklist versions a new application uses: those its office
chose (`offices.AssessmentVersions`), else the newest active ones. An application keeps
the versions it was made with, whatever the office chooses later."""

from __future__ import annotations

from assessments.models import PackagingChecklist, Rubric
from offices.models import AssessmentVersions


def newest_rubric() -> Rubric | None:
    return Rubric.objects.filter(is_active=True).order_by("-version").first()


def newest_checklist() -> PackagingChecklist | None:
    return PackagingChecklist.objects.filter(is_active=True).order_by("-version").first()


def versions_for_region(region_id: int) -> tuple[Rubric | None, PackagingChecklist | None]:
    """The rubric and checklist a new application of a business of `region_id` uses: the
    choice of the office serving the region, where it made one, else the newest active."""
    chosen = (
        AssessmentVersions.objects.filter(office__served__region_id=region_id)
        .select_related("rubric", "packaging_checklist")
        .first()
    )
    rubric = chosen.rubric if chosen is not None and chosen.rubric is not None else None
    checklist = chosen.packaging_checklist if chosen is not None else None
    return rubric or newest_rubric(), checklist or newest_checklist()
