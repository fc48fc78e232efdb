"""The states of an application: the workflow's vocabulary, in the kernel so that every
layer can name them (a product is locked while an application for it is in flight; the
certificate follows the application's end) without importing the workflow."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_CURATION = "in_curation", _("In curation")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    PACKAGING_REVIEW = "packaging_review", _("Packaging review")
    PACKAGING_REVISION = "packaging_revision", _("Packaging revision")
    AWAITING_CERTIFICATION = "awaiting_certification", _("Awaiting certification")
    CERTIFIED = "certified", _("Certified")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


FINAL_STATES = (State.CERTIFIED, State.REJECTED, State.WITHDRAWN)
REJECTABLE_STATES = (
    State.SUBMITTED,
    State.IN_CURATION,
    State.PACKAGING_REVIEW,
    State.AWAITING_CERTIFICATION,
)
WITHDRAWABLE_STATES = (
    State.DRAFT,
    State.SUBMITTED,
    State.REVISION_REQUESTED,
    State.PACKAGING_REVISION,
)
