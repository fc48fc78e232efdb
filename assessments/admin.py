from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    ChecklistItem,
    Criterion,
    PackagingChecklist,
    PackagingItemResult,
    PackagingReview,
    Rubric,
    Score,
    Scoresheet,
    ScoringRound,
)
from kernel.admin_base import ReadOnlyAdmin, ReadOnlyInline


class LockedWhenUsedAdmin(admin.ModelAdmin):
    """A version an application has used is shown read-only; the action copies it into a
    new, editable version."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_used:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_used:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Use this version for new applications"))
    def make_active(self, request, queryset):
        for version in queryset:
            for other in type(version).objects.filter(key=version.key):
                other.is_active = other.pk == version.pk
                other.save(update_fields=["is_active"])
            messages.success(
                request, _("New applications now use %(version)s.") % {"version": version}
            )

    @admin.action(description=_("Copy into a new version"))
    def new_version(self, request, queryset):
        for version in queryset:
            copy = copy_version(version)
            messages.success(request, _("Created %(copy)s.") % {"copy": copy})


@transaction.atomic
def copy_version(version):
    """A new, inactive version with the same parts. It stays inactive until the office
    has edited and switched it on, so no application locks it half-edited."""
    model = type(version)
    children = list(version.criteria.all() if isinstance(version, Rubric) else version.items.all())
    latest = model.objects.filter(key=version.key).order_by("-version").first()
    copy = model.objects.get(pk=version.pk)
    copy.pk = None
    copy._state.adding = True
    copy.version = latest.version + 1
    copy.is_active = False
    copy.save()
    for child in children:
        child.pk = None
        child._state.adding = True
        if isinstance(child, Criterion):
            child.rubric = copy
        else:
            child.checklist = copy
        child.save()
    return copy


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "key", "label_id", "label_en", "weight", "floor", "floor_applies_to"]


@admin.register(Rubric)
class RubricAdmin(LockedWhenUsedAdmin):
    list_display = ["key", "version", "title_en", "pass_mark", "is_active", "created_at"]
    list_filter = ["key", "is_active"]
    search_fields = ["key", "title_id", "title_en"]
    inlines = [CriterionInline]
    actions = ["new_version", "make_active"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["position", "key", "label_id", "label_en", "applies", "categories", "mandatory"]


@admin.register(PackagingChecklist)
class PackagingChecklistAdmin(LockedWhenUsedAdmin):
    list_display = ["key", "version", "is_active", "created_at"]
    list_filter = ["key", "is_active"]
    inlines = [ChecklistItemInline]
    actions = ["new_version", "make_active"]


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ["criterion", "score", "comment"]
    readonly_fields = fields


@admin.register(Scoresheet)
class ScoresheetAdmin(ReadOnlyAdmin):
    list_display = ["round", "curator", "recommendation", "submitted_at"]
    list_filter = ["recommendation", "submitted_at"]
    search_fields = ["round__application__product__name", "curator__username"]
    list_select_related = ["round__application__product", "curator"]
    inlines = [ScoreInline]


@admin.register(ScoringRound)
class ScoringRoundAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "opened_at", "closed_at"]
    list_select_related = ["application__product"]
    search_fields = ["application__product__name"]


class ItemResultInline(ReadOnlyInline):
    model = PackagingItemResult
    fields = ["item", "result", "note", "photo"]
    readonly_fields = fields


@admin.register(PackagingReview)
class PackagingReviewAdmin(ReadOnlyAdmin):
    list_display = ["application", "number", "reviewer", "opened_at", "closed_at"]
    list_select_related = ["application__product", "reviewer"]
    search_fields = ["application__product__name"]
    inlines = [ItemResultInline]


class VersionPartAdmin(admin.ModelAdmin):
    """A criterion or checklist item is changed only while its version is unused."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.locking_version().is_used:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


@admin.register(Criterion)
class CriterionAdmin(VersionPartAdmin):
    list_display = ["key", "label_en", "rubric", "weight", "floor", "floor_applies_to"]
    list_filter = ["rubric"]
    search_fields = ["key", "label_id", "label_en"]
    list_select_related = ["rubric"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(VersionPartAdmin):
    list_display = ["key", "label_en", "checklist", "mandatory"]
    list_filter = ["checklist", "mandatory"]
    search_fields = ["key", "label_id", "label_en"]
    list_select_related = ["checklist"]


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["scoresheet", "criterion", "score"]
    list_filter = ["criterion__key", "score"]
    search_fields = ["scoresheet__round__application__product__name", "comment"]
    list_select_related = [
        "scoresheet__round__application__product",
        "scoresheet__curator",
        "criterion",
    ]


@admin.register(PackagingItemResult)
class PackagingItemResultAdmin(ReadOnlyAdmin):
    list_display = ["review", "item", "result"]
    list_filter = ["result", "item__key"]
    search_fields = ["review__application__product__name", "note"]
    list_select_related = ["review__application__product", "item"]
