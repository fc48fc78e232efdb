"""The application and its state machine, curator assignments, the audit trail and
revision requests.

Transitions here only check and change fields; `curation.services` drives them inside a
transaction with the row locked, writes the audit row and schedules notifications.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from assessments import rules as assessment_rules
from assessments.permissions import can_review_packaging
from curation import checks
from curation import permissions as perms
from kernel.append_only import AppendOnlyModel
from kernel.states import FINAL_STATES, REJECTABLE_STATES, WITHDRAWABLE_STATES, State


def allowed_by(predicate):
    """Adapt a rules predicate (user, application) to django-fsm's (instance, user)."""

    def permission(instance, user):
        return predicate.test(user, instance)

    permission.predicate = predicate
    return permission


# Where a service notes, on the locked application, the conditions it has just found met
# in the current state, so that django-fsm's own check of the same conditions when the
# transition method runs does not evaluate them a second time.
MET_CONDITIONS = "_met_conditions"


def unless(problems):
    """Adapt a problems function (application -> list of messages) to a django-fsm condition."""

    def condition(instance):
        if (instance.state, problems) in getattr(instance, MET_CONDITIONS, ()):
            return True
        return not problems(instance)

    condition.problems = problems
    return condition


class ApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=FINAL_STATES)

    def with_related(self):
        return self.select_related(
            "product__business__region",
            "product__category",
            "rubric",
            "packaging_checklist",
            "office",
        )

    def locked(self, pk) -> "Application":
        """The application, its row locked until the transaction ends (with what a
        transition reads joined in). Only its own row: a plain select_for_update() over
        the joins would also lock the rubric, checklist and region rows that thousands of
        applications share, so every transition would queue on them and two processes
        could deadlock."""
        return self.select_for_update(of=("self",)).with_related().get(pk=pk)


class Application(ConcurrentTransitionMixin, models.Model):
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("product"),
    )
    # The region of the product's business, copied here: every regional office's list,
    # queue and count filters on it, and on this table's own index it costs the same for
    # a hundred applications as for a hundred thousand (through the product and the
    # business it cost a scan of them). Set when the application is made (`save`) and
    # kept equal to the business's when a business moves or a product changes business
    # (`curation.signals`).
    region = models.ForeignKey(
        "products.Region",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the first column of application_region_queue
        verbose_name=_("region"),
    )
    # The office the application went to: the one serving its region when it was submitted
    # (`services.application_submit`; empty for a draft). Its staff work on it, through
    # the region's lists, and its certificate is issued in this office's name and number
    # series. It follows the region while the application is open (`curation.signals`).
    office = models.ForeignKey(
        "offices.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        editable=False,
        verbose_name=_("office"),
    )
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    target_markets = models.ManyToManyField(
        "products.Market", related_name="applications", verbose_name=_("target markets")
    )
    rubric = models.ForeignKey(
        "assessments.Rubric",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("rubric"),
    )
    packaging_checklist = models.ForeignKey(
        "assessments.PackagingChecklist",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("packaging checklist"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("started from"),
        help_text=_("The rejected application or the certified one this renews."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    # The first submission and the certification, kept on the row (the audit trail has
    # them too) so that lists and exports of a whole province read them without searching
    # the trail for each application. Set by `entered_state`.
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    certified_at = models.DateTimeField(_("certified"), null=True, blank=True)
    final_score = models.DecimalField(
        _("final score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("grade"), max_length=2, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            # One product is curated once at a time; a finished application may be
            # followed by a new one (after a rejection, or to renew a certificate).
            models.UniqueConstraint(
                fields=["product"],
                condition=~models.Q(state__in=FINAL_STATES),
                name="application_one_open_per_product",
            ),
            models.CheckConstraint(
                condition=models.Q(final_score__isnull=True)
                | models.Q(final_score__gte=0, final_score__lte=100),
                name="application_score_0_100",
            ),
        ]
        indexes = [
            # Each list's filter and order: a work queue (one state) by time in it, every
            # list by time in the state, the open ones by time in the state (the
            # coordinator's overview), the admin by creation (the default order).
            models.Index(fields=["state", "state_changed_at"], name="application_queue"),
            models.Index(fields=["state_changed_at", "id"], name="application_changed"),
            models.Index(
                fields=["state_changed_at", "id"],
                condition=~models.Q(state__in=FINAL_STATES),
                name="application_open_changed",
            ),
            models.Index(fields=["created_at", "id"], name="application_created"),
            # A region's applications, and its work queues (one state) by time in it.
            models.Index(
                fields=["region", "state", "state_changed_at"], name="application_region_queue"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.product}"

    def save(self, *args, **kwargs):
        if self.region_id is None:
            self.region_id = self.product.business.region_id
        super().save(*args, **kwargs)

    def entered_state(self, at) -> list[str]:
        """Record that the application entered its present state at `at`; the fields to
        save. Only submitting leads to "submitted" and only certifying to "certified", so
        the first time in each state is the first submission and the certification."""
        self.state_changed_at = at
        changed = ["state", "state_changed_at"]
        if self.state == State.SUBMITTED and self.submitted_at is None:
            self.submitted_at = at
            changed.append("submitted_at")
        if self.state == State.CERTIFIED and self.certified_at is None:
            self.certified_at = at
            changed.append("certified_at")
        return changed

    def get_state_display(self) -> str:
        # In place of Django's, which builds a dict of every state at each call and so
        # translates all ten labels to show one: the lists and the API call it per row.
        try:
            return str(State(self.state).label)
        except ValueError:
            return self.state

    @property
    def business(self):
        return self.product.business

    @property
    def is_food(self) -> bool:
        return self.product.category.is_food

    @property
    def current_round(self):
        return self._latest("rounds")

    @property
    def current_packaging_review(self):
        return self._latest("packaging_reviews")

    def _latest(self, relation):
        # The rows a page prefetched (`curation.prefetches`: the manager's `all()` answers
        # from them), else the database, read again at each call (as for the instance a
        # transition locks, which opens a round or a review and reads the new one). An
        # application has a few of each, so reading all costs what reading the last does.
        return max(getattr(self, relation).all(), key=lambda row: row.number, default=None)

    @property
    def current_assignments(self):
        """Who curates it now, the lead first: `perms.curator_assignments`."""
        return perms.curator_assignments(self)

    # The transitions. Each one checks and changes this row only; its permission and
    # conditions are the single source for the UI, the API and the services.

    @transition(
        field=state,
        source=State.DRAFT,
        target=State.SUBMITTED,
        permission=allowed_by(perms.can_submit),
        conditions=[unless(checks.submit_problems)],
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.IN_CURATION,
        permission=allowed_by(perms.can_assign_curators),
    )
    def assign_curators(self):
        pass

    @transition(
        field=state,
        source=State.IN_CURATION,
        target=State.REVISION_REQUESTED,
        permission=allowed_by(perms.can_request_revision),
    )
    def request_revision(self):
        pass

    @transition(
        field=state,
        source=State.REVISION_REQUESTED,
        target=State.IN_CURATION,
        permission=allowed_by(perms.can_resubmit),
    )
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=State.IN_CURATION,
        target=State.PACKAGING_REVIEW,
        permission=allowed_by(perms.can_pass_curation),
        conditions=[unless(assessment_rules.pass_curation_problems)],
    )
    def pass_curation(self, *, total, grade):
        self.final_score = total
        self.grade = grade

    @transition(
        field=state,
        source=State.PACKAGING_REVIEW,
        target=State.PACKAGING_REVISION,
        permission=allowed_by(can_review_packaging),
        conditions=[unless(assessment_rules.packaging_changes_problems)],
    )
    def request_packaging_changes(self):
        pass

    @transition(
        field=state,
        source=State.PACKAGING_REVISION,
        target=State.PACKAGING_REVIEW,
        permission=allowed_by(perms.can_resubmit),
        conditions=[unless(checks.packaging_resubmit_problems)],
    )
    def resubmit_packaging(self):
        pass

    @transition(
        field=state,
        source=State.PACKAGING_REVIEW,
        target=State.AWAITING_CERTIFICATION,
        permission=allowed_by(can_review_packaging),
        conditions=[unless(assessment_rules.packaging_approval_problems)],
    )
    def approve_packaging(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_CERTIFICATION,
        target=State.CERTIFIED,
        permission=allowed_by(perms.can_certify),
        conditions=[unless(checks.certify_problems)],
    )
    def certify(self):
        pass

    @transition(
        field=state,
        source=REJECTABLE_STATES,
        target=State.REJECTED,
        permission=allowed_by(perms.can_reject),
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=WITHDRAWABLE_STATES,
        target=State.WITHDRAWN,
        permission=allowed_by(perms.can_withdraw),
    )
    def withdraw(self):
        pass


class CuratorAssignment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="curator_assignments",
        verbose_name=_("curator"),
    )
    is_lead = models.BooleanField(_("lead curator"), default=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("curator assignment")
        verbose_name_plural = _("curator assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "curator"], name="assignment_unique_curator"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(is_lead=True),
                name="assignment_one_lead",
            ),
        ]
        # A curator's applications (what they see, their queue), from the index alone.
        indexes = [models.Index(fields=["curator", "application"], name="assignment_curator")]

    def __str__(self):
        return f"{self.curator} → {self.application}" + (" (lead)" if self.is_lead else "")


class CuratorAssignmentChange(AppendOnlyModel):
    """Who curated an application when: one row per curator added or removed, or made or
    relieved as lead, by the first assignment or a later reassignment.

    `CuratorAssignment` holds who curates now (what permissions and the aggregate read);
    this is its history. It is kept apart from the audit trail because a reassignment is
    not a transition: the audit trail holds exactly the transitions taken. Append-only.
    """

    class Change(models.TextChoices):
        ADDED = "added", _("Added")
        REMOVED = "removed", _("Removed")
        MADE_LEAD = "made_lead", _("Made lead")
        LEAD_RELIEVED = "lead_relieved", _("No longer lead")

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="assignment_history"
    )
    curator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("curator"),
    )
    change = models.CharField(_("change"), max_length=20, choices=Change.choices)
    round_number = models.PositiveSmallIntegerField(_("scoring round"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    comment = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("curator assignment change")
        verbose_name_plural = _("curator assignment history")

    def __str__(self):
        return f"{self.application_id}: {self.curator} {self.change}"


class RevisionRequest(models.Model):
    """What the curators asked the MSME to fix, and the answer, with what changed between."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="revision_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("what to fix"))
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    snapshot = models.JSONField(
        _("product at the request"),
        default=dict,
        editable=False,
        help_text=_("Product data and documents when the request was made."),
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    changes = models.JSONField(_("what changed"), default=list, blank=True, editable=False)

    class Meta:
        ordering = ["application", "requested_at"]
        verbose_name = _("revision request")
        verbose_name_plural = _("revision requests")

    def __str__(self):
        return f"{self.application_id}: {self.message[:60]}"


class TransitionLog(AppendOnlyModel):
    """One row per transition taken; never edited or deleted through the application."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="audit_trail"
    )
    transition = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("from"), max_length=30, choices=State.choices)
    target = models.CharField(_("to"), max_length=30, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_role = models.CharField(
        _("acting as"),
        max_length=30,
        blank=True,
        help_text=_("The role the actor held for this step, shown to the MSME instead of a name."),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # When the application entered `source`: the stay in it that this row ends began then
    # (so the statistics' days in each stage read one row per stay, not a window over
    # each application's trail).
    source_since = models.DateTimeField(_("in the former state since"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.application_id}: {self.source} → {self.target} ({self.transition})"
