from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = _("Curation workflow")

    def ready(self):
        from curation import deploy_checks, signals, two_factor  # noqa: F401 - registers them
