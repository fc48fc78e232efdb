"""Admin for certificates: everything read-only; revocation only through the service (and
its permission check), with a reason asked on an intermediate page."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from certificates.forms import RevokeForm
from certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateEvent,
    DossierFile,
    ProductShare,
    Shipment,
    ShipmentCarton,
    ShipmentLine,
)
from certificates.revocation import certificate_revoke
from kernel.admin_base import ReadOnlyAdmin, ReadOnlyInline
from kernel.errors import WorkflowError, show_workflow_error
from kernel.roles import Role


class EventInline(ReadOnlyInline):
    model = CertificateEvent
    fields = ["at", "kind", "actor", "detail"]
    readonly_fields = fields
    verbose_name_plural = _("history")


class DossierFileInline(ReadOnlyInline):
    model = DossierFile
    fields = ["kind", "file", "sha256", "size", "rendered_at"]
    readonly_fields = fields
    verbose_name_plural = _("export dossier")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "business_name",
        "product_name",
        "grade",
        "issued_at",
        "valid_until",
        "status",
        "verdict_today",
        "is_ready",
    ]
    list_filter = ["status", "office", "region", "year", "grade"]
    search_fields = ["number", "business_name", "product_name"]
    list_select_related = ["region", "office"]
    date_hierarchy = "issued_at"
    actions = ["revoke"]
    inlines = [DossierFileInline, EventInline]
    fieldsets = [
        (
            None,
            {"fields": ["number", "application", "office", "region", "verification_link"]},
        ),
        (
            _("What is certified"),
            {
                "fields": [
                    "business_name",
                    "product_name",
                    "hs_code",
                    "grade",
                    "final_score",
                    "markets",
                    "officer_name",
                    "office_name",
                    "office_letterhead",
                    "signatory_name",
                    "signatory_title",
                    "issued_at",
                    "valid_until",
                ]
            },
        ),
        (
            _("Status"),
            {
                "fields": [
                    "status",
                    "revoked_at",
                    "revoked_by",
                    "revocation_reason",
                    "superseded_by",
                    "superseded_at",
                ]
            },
        ),
        (
            _("Signed PDF"),
            {
                "fields": [
                    "download_link",
                    "pdf_sha256",
                    "pdf_size",
                    "rendered_at",
                    "render_attempts",
                    "last_render_error",
                ]
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        # Issued by the certify transition only.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        user = request.user
        return user.is_active and user.groups.filter(name=Role.CERTIFYING_OFFICER).exists()

    @admin.display(description=_("today"))
    def verdict_today(self, obj):
        return obj.verdict().label

    @admin.display(description=_("PDF ready"), boolean=True)
    def is_ready(self, obj):
        return obj.is_ready

    @admin.display(description=_("verification page"))
    def verification_link(self, obj):
        return format_html('<a href="{0}">{0}</a>', obj.verification_url)

    @admin.display(description=_("signed PDF"))
    def download_link(self, obj):
        if not obj.is_ready:
            return _("being prepared")
        url = reverse("certificates:download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.download_name)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["revoke"])
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            revoked = 0
            for certificate in queryset:
                try:
                    certificate_revoke(
                        certificate=certificate, by=request.user, reason=form.cleaned_data["reason"]
                    )
                except WorkflowError as e:
                    # Several certificates at once: each message says which one it is about.
                    show_workflow_error(
                        request,
                        WorkflowError(
                            [f"{certificate.number}: {message}" for message in e.messages],
                            stale=e.stale,
                        ),
                    )
                else:
                    revoked += 1
            if revoked:
                messages.success(
                    request, _("Revoked %(count)d certificate(s).") % {"count": revoked}
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke certificates"),
            "opts": self.model._meta,
            "form": form,
            "certificates": queryset,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/certificates/certificate/revoke.html", context)


@admin.register(CertificateEvent)
class CertificateEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "certificate", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["certificate__number", "detail"]
    list_select_related = ["certificate", "actor"]
    date_hierarchy = "at"


@admin.register(CertificateCounter)
class CertificateCounterAdmin(ReadOnlyAdmin):
    list_display = ["office", "year", "last_serial"]
    list_filter = ["year", "office"]
    list_select_related = ["office"]


@admin.register(ProductShare)
class ProductShareAdmin(ReadOnlyAdmin):
    list_display = ["product", "email", "exporter", "shared_by", "shared_at", "stopped_at"]
    list_filter = ["stopped_at"]
    search_fields = ["product__name", "email", "exporter__email", "exporter__username"]
    list_select_related = ["product", "exporter", "shared_by"]


class ShipmentLineInline(ReadOnlyInline):
    model = ShipmentLine
    fields = ["position", "description", "quantity", "unit", "unit_price", "amount"]
    readonly_fields = fields


class ShipmentCartonInline(ReadOnlyInline):
    model = ShipmentCarton
    fields = ["position", "count", "net_kg", "gross_kg", "length_cm", "width_cm", "height_cm"]
    readonly_fields = fields


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "certificate",
        "buyer_name",
        "market",
        "incoterm",
        "total_amount",
        "currency",
        "created_at",
    ]
    list_filter = ["market", "incoterm", "currency"]
    search_fields = ["number", "buyer_name", "certificate__number"]
    list_select_related = ["certificate", "market"]
    inlines = [ShipmentLineInline, ShipmentCartonInline]


@admin.register(DossierFile)
class DossierFileAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "kind", "size", "rendered_at"]
    list_filter = ["kind"]
    search_fields = ["certificate__number", "sha256"]
    list_select_related = ["certificate"]


@admin.register(ShipmentLine)
class ShipmentLineAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "position", "description", "quantity", "unit", "amount"]
    search_fields = ["shipment__number", "description"]
    list_select_related = ["shipment"]


@admin.register(ShipmentCarton)
class ShipmentCartonAdmin(ReadOnlyAdmin):
    list_display = ["shipment", "position", "count", "net_kg", "gross_kg"]
    search_fields = ["shipment__number"]
    list_select_related = ["shipment"]
