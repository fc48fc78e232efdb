"""Coaching follow-up (*pendampingan*): the office's coaching programmes, and the
referrals of a business to one after a revision request, a rejection or a grade C or D.

A programme names the rubric criteria it addresses by their keys, not by a row of one
rubric version: a criterion keeps its key across versions, so a programme made today
still matches an application scored under next year's rubric, and the improvement of the
business is compared key by key (as the progress page does, `assessments.progress`).

This app sits above the workflow (`curation`) in the import layers: it reads the
workflow's permissions, results and notices, and the workflow reads referrals only
through the relation (`Application.referrals`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeQuerySet(models.QuerySet):
    def open_for_referral(self, today) -> "ProgrammeQuerySet":
        """Active programmes that have not ended: those a business can still attend."""
        return self.filter(is_active=True, ends_on__gte=today)


class CoachingProgramme(models.Model):
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        related_name="coaching_programmes",
        verbose_name=_("office"),
    )
    name = models.CharField(_("name"), max_length=200)
    organiser = models.CharField(
        _("organiser"),
        max_length=200,
        help_text=_("Who runs it: the Dinas, a university, a business association, ..."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(
        _("place or link"),
        max_length=300,
        help_text=_("An address, or the link of an online session."),
    )
    description = models.TextField(_("description"), blank=True)
    # Keys of rubric criteria (`assessments.Criterion.key`), in the rubric's order.
    criteria = models.JSONField(_("criteria addressed"), default=list)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active programmes are offered for referrals.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("coaching programme")
        verbose_name_plural = _("coaching programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="programme_ends_after_start",
                violation_error_message=_("The programme cannot end before it starts."),
            )
        ]
        indexes = [
            # An office's programmes, the newest first (its list and the referral form).
            models.Index(fields=["office", "-starts_on"], name="programme_office_starts"),
        ]

    def __str__(self):
        return self.name


class Referral(models.Model):
    """A business referred to a programme from one of its applications. The criteria it
    should improve are copied onto the referral when it is made, so the office's later
    view compares what was asked then, whatever the programme says later."""

    application = models.ForeignKey(
        "curation.Application",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("application"),
    )
    business = models.ForeignKey(
        "products.Business",
        on_delete=models.CASCADE,
        related_name="coaching_referrals",
        verbose_name=_("business"),
    )
    programme = models.ForeignKey(
        CoachingProgramme,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("programme"),
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    note = models.TextField(_("note to the business"))
    criteria = models.JSONField(_("criteria to improve"), default=list)
    created_at = models.DateTimeField(_("referred"), auto_now_add=True)
    attended_at = models.DateTimeField(
        _("attended"), null=True, blank=True, help_text=_("When the business said it attended.")
    )
    attendance_declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attendance declared by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("coaching referral")
        verbose_name_plural = _("coaching referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "programme"], name="referral_once_per_programme"
            )
        ]
        indexes = [
            # A programme's referrals, the newest first (the office's outcome page).
            models.Index(fields=["programme", "-created_at"], name="referral_programme_created"),
        ]

    def __str__(self):
        return f"{self.business} → {self.programme}"

    @property
    def attended(self) -> bool:
        return self.attended_at is not None
