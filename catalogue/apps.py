from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Public catalogue")

    def ready(self):
        # Registers the rules, the receivers (the demo's products listed, the list's copy
        # kept current) and the menu's enquiry items.
        from catalogue import menu, permissions, signals  # noqa: F401
