"""The roles of WORKFLOW.md, each a Django group."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MSME = "msme", _("MSME member")
    COORDINATOR = "coordinator", _("Curation coordinator")
    CURATOR = "curator", _("Curator")
    PACKAGING_REVIEWER = "packaging_reviewer", _("Packaging reviewer")
    CERTIFYING_OFFICER = "certifying_officer", _("Certifying officer")
    EXPORTER = "exporter", _("Exporter or buyer")
    REGIONAL_ADMIN = "regional_admin", _("Regional head")


STAFF_ROLES = (
    Role.COORDINATOR,
    Role.CURATOR,
    Role.PACKAGING_REVIEWER,
    Role.CERTIFYING_OFFICER,
    Role.REGIONAL_ADMIN,
)
