"""Which office serves a region: where its businesses' applications go, whose staff work
on them and in whose name and number series their certificates are issued.

A region has at most one office (`ServedRegion.region` is unique); a region that has none
cannot receive applications until one serves it (WORKFLOW.md, "Roles").
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from kernel import request_cache
from offices.models import Office, ServedRegion


def office_serving(region_id: int | None) -> Office | None:
    """The office serving the region, or None when none does."""
    if region_id is None:
        return None
    return Office.objects.serving(region_id).first()


def served_region_ids(region_ids: Iterable[int]) -> set[int]:
    """Of these regions, those an office serves; one query for any number of regions."""
    region_ids = set(region_ids)
    if not region_ids:
        return set()
    return set(
        ServedRegion.objects.filter(region_id__in=region_ids).values_list("region_id", flat=True)
    )


def offices_with_regions() -> QuerySet[Office]:
    """Every office with the regions it serves (`office.served.all()`, by region name), in
    two queries: where the business of a region no office serves can turn."""
    served = ServedRegion.objects.select_related("region").order_by("region__name")
    return Office.objects.prefetch_related(Prefetch("served", queryset=served))


def is_served(region_id: int) -> bool:
    """Whether an office serves the region; read once per request (the review page asks
    for each of its checks)."""
    return request_cache.memoized(
        ("region_served", region_id),
        lambda: ServedRegion.objects.filter(region_id=region_id).exists(),
    )


def offices_near(region) -> list[Office]:
    """The offices whose home is in the region's province, by name: where a business of a
    region no office serves may turn (one query)."""
    return list(
        Office.objects.filter(home_region__province=region.province)
        .exclude(served__region=region)
        .order_by("name")
    )


def coverage(region=None) -> dict:
    """What the business pages show of the offices (`offices/_coverage.html`): whether
    `region` (None on the registration form) has an office, and every office with the
    regions it serves (read only when the page shows them)."""
    served = region is None or is_served(region.pk)
    return {
        "region": region,
        "served": served,
        "offices": offices_with_regions() if region is None or not served else [],
    }
