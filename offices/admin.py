"""Offices in the admin, for superusers: an office, the regions it serves (a region has at
most one office) and how many staff it has. The office's own administrators run their
staff from the office's pages, not here."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kernel.admin_base import ReadOnlyInline
from offices.models import AssessmentVersions, Office, ServedRegion, StaffInvitation, StageTarget


def _served_elsewhere(region, office) -> Office | None:
    """The other office that serves `region`, if one does."""
    served = ServedRegion.objects.filter(region=region).select_related("office")
    if office is not None and office.pk is not None:
        served = served.exclude(office=office)
    first = served.first()
    return first.office if first is not None else None


class ServedRegionForm(forms.ModelForm):
    class Meta:
        model = ServedRegion
        fields = ["region"]

    def clean_region(self):
        region = self.cleaned_data["region"]
        other = _served_elsewhere(region, getattr(self.instance, "office", None))
        if other is not None:
            raise forms.ValidationError(
                _(
                    "%(region)s is already served by %(office)s. A region has one office: "
                    "remove it from %(office)s first."
                )
                % {"region": region.name, "office": other.name}
            )
        return region


class ServedRegionInline(admin.TabularInline):
    model = ServedRegion
    form = ServedRegionForm
    extra = 1
    verbose_name = _("region served")
    verbose_name_plural = _("regions served (a region has one office)")


# What the office's own administrators set on the office's pages (`/office/`), where the
# rules are checked: shown here, changed there.


class StageTargetInline(ReadOnlyInline):
    model = StageTarget
    fields = ["state", "days"]


class AssessmentVersionsInline(ReadOnlyInline):
    model = AssessmentVersions
    fields = ["rubric", "packaging_checklist", "changed_at"]


class StaffInvitationInline(ReadOnlyInline):
    model = StaffInvitation
    fields = [
        "email",
        "roles",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "cancelled_at",
    ]


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = [
            "name",
            "code",
            "home_region",
            "letterhead",
            "email",
            "signatory_name",
            "signatory_title",
        ]

    def clean_home_region(self):
        region = self.cleaned_data["home_region"]
        other = _served_elsewhere(region, self.instance)
        if other is not None:
            raise forms.ValidationError(
                _("%(region)s is already served by %(office)s: an office serves its home region.")
                % {"region": region.name, "office": other.name}
            )
        return region


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeForm
    list_display = ["name", "code", "home_region", "regions_served", "staff_count"]
    search_fields = ["name", "code"]
    list_select_related = ["home_region"]
    inlines = [
        ServedRegionInline,
        StageTargetInline,
        AssessmentVersionsInline,
        StaffInvitationInline,
    ]

    def get_inline_instances(self, request, obj=None):
        # A new office has no targets, versions or invitations yet: only its regions.
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if type(i) is ServedRegionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(staff_count=Count("staff", distinct=True))
            .prefetch_related("served__region")
        )

    @admin.display(description=_("regions served"))
    def regions_served(self, office):
        return ", ".join(served.region.name for served in office.served.all())

    @admin.display(description=_("staff"), ordering="staff_count")
    def staff_count(self, office):
        return office.staff_count

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # An office serves its home region (checked free in `OfficeForm`).
        ServedRegion.objects.get_or_create(
            region=form.instance.home_region, defaults={"office": form.instance}
        )
