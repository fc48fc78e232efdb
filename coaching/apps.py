from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "coaching"
    verbose_name = _("Coaching")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the menu item and the receiver that adds the demo's programme.
        from coaching import menu, signals  # noqa: F401
