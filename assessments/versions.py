"""What a scoresheet or checklist page posts back to show which save it was made from, so
that a page left open while someone else saved is refused rather than overwrite that save
(`curation.stage_work` compares them). They read only the assessment's own rows."""

from __future__ import annotations

import hashlib

from assessments.models import PackagingReview, Scoresheet


def scoresheet_version(sheet: Scoresheet | None) -> str:
    """What a scoresheet page posts back to show which save it was made from."""
    return sheet.updated_at.isoformat() if sheet is not None else ""


def packaging_review_version(review: PackagingReview) -> str:
    """What a checklist page posts back: the review and a digest of its results, so a
    page made before another save (or before a new review opened) is recognised."""
    rows = sorted((r.item_id, r.result, r.note) for r in review.results.all())
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    return f"{review.number}:{digest}"
