"""Admin for the workflow: the state is read-only; transitions are offered only through
the same services and permission checks as every other entry point."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import Rubric
from curation import services
from curation.accounts import email_in_use, email_vouched_for
from curation.forms import TransitionForm
from curation.models import (
    Application,
    CuratorAssignment,
    CuratorAssignmentChange,
    Notification,
    Profile,
    Reminder,
    RevisionRequest,
    TransitionLog,
)
from curation.transitions import SPECS
from kernel.admin_base import ReadOnlyAdmin, ReadOnlyInline
from kernel.errors import WorkflowError, show_workflow_error
from kernel.pagination import BoundedPaginator
from products.selectors import product_ids_matching


class AssignmentInline(ReadOnlyInline):
    model = CuratorAssignment
    fk_name = "application"
    fields = ["curator", "is_lead", "assigned_by", "assigned_at"]
    readonly_fields = fields


class AssignmentHistoryInline(ReadOnlyInline):
    model = CuratorAssignmentChange
    fk_name = "application"
    fields = ["at", "curator", "change", "round_number", "by", "comment"]
    readonly_fields = fields
    verbose_name_plural = _("curator assignment history")


class RevisionRequestInline(admin.StackedInline):
    model = RevisionRequest
    extra = 0
    fields = ["message", "requested_by", "requested_at", "answer", "answered_at", "changes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AuditInline(ReadOnlyInline):
    model = TransitionLog
    fields = ["at", "transition", "source", "target", "actor", "actor_role", "comment"]
    readonly_fields = fields
    verbose_name_plural = _("audit trail")


class GradeFilter(admin.SimpleListFilter):
    """The grades of the rubrics, highest first (rather than Django's default, a DISTINCT
    over every application)."""

    title = _("grade")
    parameter_name = "grade"

    def lookups(self, request, model_admin):
        grades: dict[str, int] = {}
        for rubric_grades in Rubric.objects.values_list("grades", flat=True):
            for grade in rubric_grades:
                grades[grade["grade"]] = max(grades.get(grade["grade"], 0), grade["min"])
        return [(g, g) for g in sorted(grades, key=lambda g: (-grades[g], g))]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(grade=self.value())
        return queryset


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "business_name",
        "business_region",
        "state",
        "state_changed_at",
        "grade",
    ]
    list_filter = ["state", "product__business__region", "product__category", GradeFilter]
    search_fields = ["product__name", "product__business__name", "product__business__nib"]
    list_select_related = ["product__business__region"]
    # With 100,000 applications: no count of them all beside a search's, the search's
    # counted only as far as the pages shown (`BoundedPaginator`, with the
    # "more than" of admin/curation/application/pagination.html and search_form.html),
    # and no date hierarchy (its years and months are a scan of the whole table).
    show_full_result_count = False
    readonly_fields = [
        "state",
        "state_changed_at",
        "final_score",
        "grade",
        "rubric",
        "packaging_checklist",
        "created_by",
        "created_at",
        "submitted_at",
        "certified_at",
        "previous",
    ]
    fields = ["product", "target_markets", *readonly_fields]
    autocomplete_fields = ["product"]
    filter_horizontal = ["target_markets"]
    inlines = [AssignmentInline, AssignmentHistoryInline, RevisionRequestInline, AuditInline]
    change_form_template = "admin/curation/application/change_form.html"

    @admin.display(description=_("business"), ordering="product__business__name")
    def business_name(self, obj):
        return obj.product.business.name

    @admin.display(description=_("region"), ordering="product__business__region__code")
    def business_region(self, obj):
        return obj.product.business.region.code

    def get_search_results(self, request, queryset, search_term):
        # The staff lists' search (`product_ids_matching`, over the fields above): one
        # indexed lookup per table, where Django's would check every joined row.
        text = search_term.strip()
        if not text:
            return queryset, False
        return queryset.filter(product__in=product_ids_matching(text)), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = BoundedPaginator(
            queryset,
            per_page,
            counted_pages=2,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )
        paginator.count_to(request.GET.get(PAGE_VAR))  # the page shown, from 1
        return paginator

    def get_readonly_fields(self, request, obj=None):
        # What was submitted is what the curators scored: only a draft may change here.
        if obj is not None and obj.state != "draft":
            return [*self.readonly_fields, "product", "target_markets"]
        return self.readonly_fields

    def has_add_permission(self, request):
        # Applications are created by the MSME (application_create), never by hand.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="curation_application_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = get_object_or_404(Application, pk=object_id)
        offered = services.offered_transitions(user=request.user, application=application)
        extra_context = {
            **(extra_context or {}),
            "transitions": [
                {"name": name, "label": SPECS[name].label, "problems": problems}
                for name, problems in offered.items()
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, pk, name):
        application = get_object_or_404(Application.objects.with_related(), pk=pk)
        spec = SPECS.get(name)
        if spec is None:
            return redirect(reverse("admin:curation_application_change", args=[pk]))
        form = TransitionForm(request.POST or None, spec=spec, application=application)
        if request.method == "POST" and form.is_valid():
            try:
                spec.service(application=application, by=request.user, **form.service_kwargs())
            except WorkflowError as e:
                show_workflow_error(request, e)
            else:
                messages.success(request, spec.done_message(application))
                return redirect(reverse("admin:curation_application_change", args=[pk]))
        problems = services.transition_problems(
            user=request.user, application=application, name=name
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "form": form,
            "label": spec.label,
            "problems": problems,
            "title": spec.label,
        }
        return TemplateResponse(request, "admin/curation/application/transition.html", context)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "application", "transition", "source", "target", "actor", "actor_role"]
    list_filter = ["transition", "target", "actor_role"]
    search_fields = ["application__product__name", "actor__username", "comment"]
    list_select_related = ["application__product", "actor"]
    date_hierarchy = "at"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "event", "application", "read_at", "emailed_at"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "application__product__name"]
    list_select_related = ["recipient", "application__product"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "subject_id", "threshold", "recipient", "notification"]
    list_filter = ["kind", "threshold"]
    search_fields = ["recipient__username", "recipient__email"]
    list_select_related = ["recipient", "notification"]
    date_hierarchy = "created_at"


@admin.register(CuratorAssignment)
class CuratorAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["application", "curator", "is_lead", "assigned_by", "assigned_at"]
    list_filter = ["is_lead"]
    search_fields = ["application__product__name", "curator__username"]
    list_select_related = ["application__product", "curator", "assigned_by"]


@admin.register(CuratorAssignmentChange)
class CuratorAssignmentChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "application", "curator", "change", "round_number", "by"]
    list_filter = ["change"]
    search_fields = ["application__product__name", "curator__username", "comment"]
    list_select_related = ["application__product", "curator", "by"]
    date_hierarchy = "at"


@admin.register(RevisionRequest)
class RevisionRequestAdmin(ReadOnlyAdmin):
    list_display = ["application", "requested_at", "answered_at"]
    search_fields = ["application__product__name", "message", "answer"]
    list_select_related = ["application__product"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "language", "phone"]
    list_filter = ["language", "office"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user", "office"]


class ProfileFormSet(BaseInlineFormSet):
    def save_new(self, form, commit=True):
        # Saving a new user has already made its profile (curation.signals): the inline's
        # "new" profile fills in that row instead of inserting a second one.
        profile = form.save(commit=False)
        existing = Profile.objects.filter(user=self.instance).first()
        if existing is not None:
            profile.pk = existing.pk
            profile._state.adding = False
        if commit:
            profile.save()
            form.save_m2m()
        return profile


class ProfileInline(admin.StackedInline):
    model = Profile
    formset = ProfileFormSet
    can_delete = False


class VouchedEmailMixin:
    """The e-mail field of the admin's user forms. A superuser's address is recorded as
    verified (`SiapEksporUserAdmin.save_model`), and allauth lets one verified address
    belong to one account only, so one another account has is refused here rather than
    break the save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].help_text = _(
                "Recorded as verified: the person signs in without confirming it by e-mail, "
                "so check that it is theirs."
            )

    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        # Only a new address is vouched for, so only a new one is checked: an account
        # that shares an old one (made before this check) can still be edited.
        changed = email.lower() != (self.instance.email or "").lower()
        if email and changed and email_in_use(email, other_than=self.instance):
            raise forms.ValidationError(_("Another account already uses this e-mail address."))
        return email


class StaffCreationForm(VouchedEmailMixin, AdminUserCreationForm):
    pass


class StaffChangeForm(VouchedEmailMixin, UserChangeForm):
    pass


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SiapEksporUserAdmin(UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    # A staff member is made in one form: sign-in, e-mail, roles (groups) and, below, the
    # profile's office (which says the regions they work for).
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                    "groups",
                ),
            },
        ),
    )
    inlines = [ProfileInline]
    list_filter = [*UserAdmin.list_filter, "profile__office"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "email" in form.changed_data:
            email_vouched_for(obj)
