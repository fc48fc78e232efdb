from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        # Registers the rules, the checks, and the receivers that hand pending shares over.
        from certificates import permissions, signals, system_checks  # noqa: F401
