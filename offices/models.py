"""Offices: the regional curation houses (*Rumah Kurasi*, a Dinas' curation unit) that
hold the staff, serve one or more regions, and issue certificates in their own name and
number series (WORKFLOW.md, "Roles").

This app sits below `products` in the import layers, so every app can ask which office
serves a region; it names the region model by its label ("products.Region") and never
imports it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.invitations import Invitation, invitation_constraints
from kernel.roles import Role
from kernel.states import State


class OfficeQuerySet(models.QuerySet):
    def serving(self, region_id: int) -> "OfficeQuerySet":
        """The office that serves the region (at most one: `ServedRegion.region` is unique)."""
        return self.filter(served__region_id=region_id)


class Office(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_(
            "Printed in the office's certificate numbers, SKE/<code>/<year>/<serial>: "
            "usually the official code of its home region, e.g. 35.71."
        ),
    )
    home_region = models.ForeignKey(
        "products.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("home region"),
        help_text=_("Where the office is; it also serves this region."),
    )
    regions = models.ManyToManyField(
        "products.Region",
        through="ServedRegion",
        related_name="offices",
        verbose_name=_("regions served"),
    )
    letterhead = models.TextField(
        _("letterhead"),
        blank=True,
        help_text=_("The lines under the office's name on its certificates: address, phone."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    signatory_name = models.CharField(_("signatory's name"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9A-Za-z.\-]+$"),
                name="office_code_format",
                # Slashes and spaces would break the certificate number apart.
                violation_error_message=_("Use only letters, digits, dots and hyphens."),
            )
        ]

    def __str__(self):
        return self.name


class ServedRegion(models.Model):
    """A region an office serves. A region has at most one office: its applications go
    there, and its certificates carry that office's name and number."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="served", verbose_name=_("office")
    )
    region = models.OneToOneField(
        "products.Region",
        on_delete=models.PROTECT,
        related_name="served_by",
        verbose_name=_("region"),
        error_messages={"unique": _("Another office already serves this region.")},
    )

    class Meta:
        ordering = ["region"]
        verbose_name = _("region served")
        verbose_name_plural = _("regions served")

    def __str__(self):
        return f"{self.office} → {self.region}"


# How the office administers itself (WORKFLOW.md, "Roles": `office_admin`): the staff it
# invites, its stage targets, the rubric and checklist versions its new applications use.
# The pages and services that act on people (users, roles, profiles) are the workflow's
# (`curation.office_staff`, `curation.views.office`): these models only hold the rows.


class StaffInvitation(Invitation):
    """An invitation to work for the office in the given staff roles (the link, its
    token and its week: `kernel.invitations`)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("office")
    )
    # The role names (kernel.roles.STAFF_ROLES) the person gets on accepting.
    roles = models.JSONField(_("roles"), default=list)

    class Meta(Invitation.Meta):
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        # The office's page lists its pending invitations; a new one to the same address
        # cancels the pending one.
        indexes = [models.Index(fields=["office", "email"], name="staff_invitation_office")]
        constraints = invitation_constraints("staff_invitation")

    def __str__(self):
        return f"{self.email} → {self.office}"

    def role_labels(self) -> list[str]:
        return [str(Role(name).label) for name in self.roles if name in Role.values]


# The office's service standard when it has set no target of its own for a state, in
# working days (Monday to Friday after the day the application entered the state), as a
# regional office's service standards count them.
DEFAULT_TARGET_DAYS = {
    State.SUBMITTED: 5,  # the coordinator assigns curators
    State.IN_CURATION: 10,  # the curators score (and the lead decides)
    State.PACKAGING_REVIEW: 5,
    State.AWAITING_CERTIFICATION: 3,
}


class StageTarget(models.Model):
    """How many working days an application of the office may stay in a state before it is
    overdue: the coordinator's overview flags it, the reminders tell whoever it waits for
    (`curation.deadlines`)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="stage_targets", verbose_name=_("office")
    )
    state = models.CharField(
        _("state"), max_length=30, choices=[(s.value, s.label) for s in DEFAULT_TARGET_DAYS]
    )
    days = models.PositiveSmallIntegerField(
        _("working days"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )

    class Meta:
        ordering = ["office", "state"]
        verbose_name = _("stage target")
        verbose_name_plural = _("stage targets")
        constraints = [
            models.UniqueConstraint(fields=["office", "state"], name="stage_target_once"),
            models.CheckConstraint(
                condition=models.Q(days__gte=1), name="stage_target_at_least_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.office}: {self.state} {self.days}"


class AssessmentVersions(models.Model):
    """The rubric and packaging checklist versions the office's new applications use; empty:
    the newest active one (`assessments.in_use`). An application keeps the versions it was
    made with."""

    office = models.OneToOneField(
        Office,
        on_delete=models.CASCADE,
        related_name="assessment_versions",
        verbose_name=_("office"),
    )
    rubric = models.ForeignKey(
        "assessments.Rubric",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rubric"),
    )
    packaging_checklist = models.ForeignKey(
        "assessments.PackagingChecklist",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("packaging checklist"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("rubric and checklist versions")
        verbose_name_plural = _("rubric and checklist versions")

    def __str__(self):
        return str(self.office)
