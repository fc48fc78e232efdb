"""The Django admin, for superusers only.

The workflow's pages decide per user, per region and per application what each role may
see; the admin cannot, and its pages (the transition page included) showed any
application of any region to anyone with `is_staff`. Offices run themselves through the
workflow's own pages, so the admin is kept for the few people who run the whole
installation: superusers. Its sign-in is allauth's, so the lockout and the second factor
apply there as everywhere.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(admin.AdminSite):
    site_header = _("Siap Ekspor administration")
    site_title = _("Siap Ekspor")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            # Signed in, but not a superuser: the admin is not for them.
            raise PermissionDenied
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


class SiteAdminConfig(AdminConfig):
    default_site = "curation.admin_site.SuperuserAdminSite"
