"""Admin for the catalogue: consents are read-only (they are the business owners' to give
and withdraw, through their pages, with the history kept); collections are the offices'
pages' too, shown here for the superuser; so are buyers' enquiries, which are the
business's correspondence (answered and closed in its inbox)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalogue.models import Collection, Enquiry, Listing, ListingEvent
from kernel.admin_base import ReadOnlyAdmin, ReadOnlyInline


class ListingEventInline(ReadOnlyInline):
    model = ListingEvent
    fields = ["at", "kind", "actor"]
    readonly_fields = fields
    verbose_name_plural = _("history")


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ["business", "consented_at", "consented_by", "withdrawn_at"]
    list_filter = ["withdrawn_at"]
    search_fields = ["business__name"]
    list_select_related = ["business", "consented_by"]
    inlines = [ListingEventInline]


@admin.register(Collection)
class CollectionAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug", "region", "starts_on", "published_at"]
    list_filter = ["region"]
    search_fields = ["name", "slug"]
    list_select_related = ["region"]


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "company", "country", "buyer_type", "product", "status"]
    list_filter = ["status", "buyer_type"]
    search_fields = ["company", "name", "email", "product__name", "business__name"]
    list_select_related = ["product"]
    date_hierarchy = "created_at"
