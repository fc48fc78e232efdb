"""Rubrics and scoresheets (curation), packaging checklists and reviews.

Rubric and checklist versions are data. A version that an application has used is
never changed in place (`is_used` locks it); a change is a new version.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from products.models import BilingualLabelMixin, Category


class LockedWhenUsed(models.Model):
    """Refuses to change or delete a version once an application has used it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Switching a version on or off changes nothing an application used.
        if set(kwargs.get("update_fields") or ()) != {"is_active"}:
            self._refuse_if_used()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_used()
        return super().delete(*args, **kwargs)

    def locking_version(self):
        raise NotImplementedError

    def _refuse_if_used(self):
        version = self.locking_version()
        if version is not None and version.pk and version.is_used:
            raise ValidationError(
                _(
                    "%(version)s has been used by an application and cannot be changed; "
                    "make a new version instead."
                ),
                params={"version": version},
            )


class Rubric(LockedWhenUsed):
    key = models.SlugField(_("key"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    disagreement_spread = models.PositiveSmallIntegerField(
        _("disagreement spread"),
        default=2,
        help_text=_("Two curators' scores on one criterion this far apart are flagged."),
    )
    min_curators = models.PositiveSmallIntegerField(
        _("minimum curators"), default=2, validators=[MinValueValidator(1)]
    )
    grades = models.JSONField(
        _("grades"),
        default=list,
        help_text=_('Highest first: [{"grade": "A", "min": 85, "id": "...", "en": "..."}, ...]'),
    )
    levels = models.JSONField(
        _("level names"), default=dict, help_text=_("1 to 5, in both languages.")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("New applications use the newest active version.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="rubric_unique_version")
        ]

    def __str__(self):
        return f"{self.title_en} v{self.version}"

    def locking_version(self):
        return self

    @property
    def is_used(self) -> bool:
        return self.applications.exists()

    def grade_for(self, total) -> dict:
        for grade in sorted(self.grades, key=lambda g: g["min"], reverse=True):
            if total >= grade["min"]:
                return grade
        return {"grade": "-", "min": 0, "id": "", "en": ""}


class Criterion(BilingualLabelMixin, LockedWhenUsed):  # noqa: DJ008 (label)
    class FloorAppliesTo(models.TextChoices):
        ALL = "all", _("Every product")
        FOOD = "food", _("Food products only")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1)])
    floor = models.PositiveSmallIntegerField(
        _("gate floor"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("A mean score below this fails the product whatever the total."),
    )
    floor_applies_to = models.CharField(
        _("gate applies to"),
        max_length=10,
        choices=FloorAppliesTo.choices,
        default=FloorAppliesTo.ALL,
    )
    anchors = models.JSONField(
        _("level descriptions"),
        default=dict,
        help_text=_('{"1": {"id": "...", "en": "..."}, "3": {...}, "5": {...}}'),
    )

    class Meta:
        ordering = ["rubric", "position"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="criterion_unique_key")
        ]

    def locking_version(self):
        return self.rubric

    def gate_applies(self, *, is_food: bool) -> bool:
        if self.floor is None:
            return False
        return self.floor_applies_to == self.FloorAppliesTo.ALL or is_food


class ScoringRound(models.Model):
    """One round of scoring by the application's curators; a resubmission opens the next."""

    application = models.ForeignKey(
        "curation.Application", on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("scoring round")
        verbose_name_plural = _("scoring rounds")
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="round_unique_number")
        ]

    def __str__(self):
        return f"{self.application} · {_('round')} {self.number}"

    # The attribute a page that loads the round's scoresheets with it gives them
    # (`Prefetch(..., to_attr=SHEETS_LOADED)`: `curation.prefetches.SCORING`).
    SHEETS_LOADED = "loaded_sheets"

    def sheets(self) -> list["Scoresheet"]:
        """Every scoresheet of the round, each with its curator and scores: those loaded
        with the round when a page prefetched them (`SHEETS_LOADED`), else read now."""
        loaded = getattr(self, self.SHEETS_LOADED, None)
        if loaded is None:
            loaded = self.scoresheets.select_related("curator").prefetch_related("scores")
        return sorted(loaded, key=lambda sheet: sheet.pk)


class Scoresheet(models.Model):
    class Recommendation(models.TextChoices):
        PASS = "pass", _("Pass")
        REVISE = "revise", _("Request revision")
        REJECT = "reject", _("Reject")

    round = models.ForeignKey(ScoringRound, on_delete=models.CASCADE, related_name="scoresheets")
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scoresheets"
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("scoresheet")
        verbose_name_plural = _("scoresheets")
        constraints = [
            models.UniqueConstraint(fields=["round", "curator"], name="scoresheet_one_per_curator")
        ]

    def __str__(self):
        return f"{self.round} · {self.curator}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    scoresheet = models.ForeignKey(Scoresheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["scoresheet", "criterion"], name="score_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="score_between_1_and_5"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.key}: {self.score}"


class PackagingChecklist(LockedWhenUsed):
    key = models.SlugField(_("key"), max_length=50)
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("packaging checklist")
        verbose_name_plural = _("packaging checklists")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="checklist_unique_version")
        ]

    def __str__(self):
        return f"{self.key} v{self.version}"

    def locking_version(self):
        return self

    @property
    def is_used(self) -> bool:
        return self.reviews.exists()

    def items_for(
        self, *, is_food: bool, market_keys, category_key: str = ""
    ) -> list["ChecklistItem"]:
        """The items that apply to a product of this kind (and category) shipped to these
        markets."""
        market_keys = set(market_keys)
        return [
            item
            for item in self.items.all()
            if item.applies_to(is_food, market_keys, category_key=category_key)
        ]


class ChecklistItem(BilingualLabelMixin, LockedWhenUsed):  # noqa: DJ008 (label)
    checklist = models.ForeignKey(
        PackagingChecklist, on_delete=models.CASCADE, related_name="items"
    )
    key = models.SlugField(_("key"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    applies = models.JSONField(
        _("applies to"),
        default=list,
        help_text=_('"all", "food", or a list of market keys such as ["jp", "eu"]'),
    )
    categories = models.JSONField(
        _("product categories"),
        default=list,
        blank=True,
        help_text=_(
            'Empty for every category, or a list of category keys or kinds such as ["food"]: '
            "the item then applies only to those categories (and its markets)."
        ),
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)

    class Meta:
        ordering = ["checklist", "position"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "key"], name="checklist_item_unique_key")
        ]

    def locking_version(self):
        return self.checklist

    def applies_to(self, is_food: bool, market_keys: set, *, category_key: str = "") -> bool:
        """Both must hold: `applies` (every product, food, or some markets) and
        `categories` (a category's key, or its kind: "food" covers every food category;
        without `category_key` only the kind is compared)."""
        return self._applies_to_markets(is_food, market_keys) and self._applies_to_category(
            is_food, category_key
        )

    def _applies_to_markets(self, is_food: bool, market_keys: set) -> bool:
        if self.applies == "all":
            return True
        if self.applies == "food":
            return is_food
        return bool(set(self.applies) & market_keys)

    def _applies_to_category(self, is_food: bool, category_key: str) -> bool:
        if not self.categories:
            return True
        kind = Category.Kind.FOOD if is_food else Category.Kind.NON_FOOD
        return kind in self.categories or category_key in self.categories


class PackagingReview(models.Model):
    """One reviewer's pass over the checklist; a packaging resubmission starts the next."""

    application = models.ForeignKey(
        "curation.Application", on_delete=models.CASCADE, related_name="packaging_reviews"
    )
    number = models.PositiveSmallIntegerField(_("review"))
    checklist = models.ForeignKey(
        PackagingChecklist, on_delete=models.PROTECT, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("packaging review")
        verbose_name_plural = _("packaging reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="packaging_review_unique_number"
            )
        ]

    def __str__(self):
        return f"{self.application} · {_('packaging review')} {self.number}"


class PackagingItemResult(models.Model):
    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        FAIL = "fail", _("Fail")
        NOT_APPLICABLE = "na", _("Not applicable")

    review = models.ForeignKey(PackagingReview, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="results")
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)
    photo = models.ForeignKey(
        "products.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo evidence"),
    )

    class Meta:
        verbose_name = _("checklist result")
        verbose_name_plural = _("checklist results")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="packaging_result_one_per_item")
        ]

    def __str__(self):
        return f"{self.item.key}: {self.result}"
