from django.contrib import admin
from django.db import models

from products.models import (
    Business,
    BusinessClaim,
    BusinessInvitation,
    Category,
    ConflictOfInterest,
    Document,
    DocumentType,
    Link,
    Market,
    Membership,
    Product,
    Region,
    RegistryImport,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "province"]
    search_fields = ["code", "name", "province"]
    list_filter = ["province"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["key", "label_id", "label_en", "kind", "plant_or_wood"]
    list_filter = ["kind", "plant_or_wood"]
    search_fields = ["key", "label_id", "label_en"]


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["key", "name_id", "name_en", "confirmed"]
    search_fields = ["key", "name_id", "name_en"]
    list_filter = ["confirmed"]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["key", "label_en", "scope", "required_for", "expires", "number_confirmed"]
    list_filter = ["scope", "required_for", "expires", "number_confirmed"]
    search_fields = ["key", "label_id", "label_en"]


# Web addresses are https only (products.links); the admin's fields say so too.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class LinkInline(admin.TabularInline):
    """The business's web addresses and its products' (`products.links` tells the kind)."""

    model = Link
    extra = 0
    fields = ["product", "kind", "url", "position"]
    raw_id_fields = ["product"]
    formfield_overrides = HTTPS_URLS


@admin.register(Link)
class LinkAdmin(admin.ModelAdmin):
    list_display = ["url", "kind", "business", "product", "position"]
    list_filter = ["kind"]
    search_fields = ["url", "business__name", "product__name"]
    list_select_related = ["business", "product"]
    raw_id_fields = ["business", "product"]
    formfield_overrides = HTTPS_URLS


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "nib", "region", "size", "legal_form", "created_at"]
    list_filter = ["region", "size", "legal_form", "turnover_band", "women_led"]
    search_fields = ["name", "nib", "npwp"]
    list_select_related = ["region"]
    inlines = [MembershipInline, LinkInline]


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "number", "issued_on", "expires_on", "file", "content_type", "uploaded_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        # Uploads go through the upload service, which checks the file's real type.
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "category", "hs_code", "updated_at"]
    list_filter = ["category", "business__region", "target_markets"]
    search_fields = ["name", "business__name", "hs_code"]
    list_select_related = ["business", "category"]
    autocomplete_fields = ["business"]
    filter_horizontal = ["target_markets"]
    inlines = [DocumentInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "number",
        "business",
        "product",
        "expires_on",
        "content_type",
        "uploaded_at",
    ]
    list_filter = ["kind", "content_type", "business__region"]
    search_fields = ["number", "business__name", "product__name", "sha256"]
    list_select_related = ["kind", "business", "product"]
    readonly_fields = ["file", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    date_hierarchy = "uploaded_at"

    def has_add_permission(self, request):
        return False


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["curator", "business", "declared_at"]
    search_fields = ["curator__username", "curator__email", "business__name"]
    autocomplete_fields = ["curator", "business"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "business", "role", "joined_at"]
    list_filter = ["role", "business__region"]
    search_fields = ["user__username", "user__email", "business__name"]
    list_select_related = ["user", "business"]
    autocomplete_fields = ["user", "business"]


@admin.register(BusinessInvitation)
class BusinessInvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email", "business", "role", "created_at", "expires_at", "accepted_at", "cancelled_at",
    ]  # fmt: skip
    list_filter = ["business__region"]
    search_fields = ["email", "business__name"]
    list_select_related = ["business"]
    # Made by the owner's invite service, which e-mails the link; the token exists only there.
    readonly_fields = [
        "business",
        "email",
        "role",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    """What was uploaded and imported, to look at: imports are made on the registry pages
    (`products.views_registry`), which check every row."""

    list_display = ["file_name", "uploaded_by", "status", "created_at", "imported_at"]
    list_filter = ["status"]
    search_fields = ["file_name", "uploaded_by__username", "uploaded_by__email"]
    list_select_related = ["uploaded_by"]
    readonly_fields = [
        "uploaded_by", "file_name", "status", "rows", "unknown_headers", "created_at",
        "imported_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BusinessClaim)
class BusinessClaimAdmin(admin.ModelAdmin):
    """Claims are decided by the office on the registry pages, which make the owner."""

    list_display = ["business", "requested_by", "status", "created_at", "decided_at"]
    list_filter = ["status", "business__region"]
    search_fields = ["business__name", "business__nib", "requested_by__email"]
    list_select_related = ["business", "requested_by"]
    readonly_fields = [
        "business",
        "requested_by",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]

    def has_add_permission(self, request):
        return False
