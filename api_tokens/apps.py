from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiTokensConfig(AppConfig):
    name = "api_tokens"
    verbose_name = _("API tokens")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The OpenAPI schema documents the token scheme (drf-spectacular's extension).
        from api_tokens import schema  # noqa: F401
