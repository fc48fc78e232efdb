from django.contrib import admin

from api_tokens.models import ApiToken
from kernel.admin_base import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Seen by superusers; made and revoked by their owners on the account page."""

    list_display = ["name", "user", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    exclude = ["key_hash"]
