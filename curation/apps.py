from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = _("Curation workflow")

    def ready(self):
        # Each registers something: system checks, signal receivers, the second factor,
        # and the service of each transition (curation.transitions.service_for).
        from curation import deploy_checks, services, signals, two_factor  # noqa: F401
