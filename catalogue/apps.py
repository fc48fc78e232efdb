from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = _("Public catalogue")

    def ready(self):
        # Registers the rules, the receiver that lists the demo's products and the menu's
        # enquiry items.
        from catalogue import menu, permissions, signals  # noqa: F401
