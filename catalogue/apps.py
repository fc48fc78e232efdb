from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Public catalogue")

    def ready(self):
        # Registers the rules and the receiver that lists the demo's products.
        from catalogue import permissions, signals  # noqa: F401
