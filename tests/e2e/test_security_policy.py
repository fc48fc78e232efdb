"""In a real browser, under the strict Content-Security-Policy: what the pages do with
JavaScript still works (the language menu, htmx's running total), the Django admin works,
and the error pages are the site's own, on a phone and on a laptop, in both languages.

Every context made by `new_context` collects what the policy blocked and fails the test
when it ends (tests/e2e/conftest.py), so these tests also prove no page here needed an
exception.
"""

import re

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path, reverse

from config import urls as site_urls
from kernel.states import State
from tests import factories as f
from tests.e2e.conftest import in_thread
from tests.e2e.test_accessibility import BLOCKING, run_axe, signed_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def crash(request):
    raise RuntimeError("a bug, on purpose")


def missing(request):
    raise Http404("No Application matches the given query.")


def denied(request):
    raise PermissionDenied


# This module is the urlconf of the error-page test: the site, and pages that fail.
urlpatterns = [
    path("crash/", crash),
    path("missing/", missing),
    path("denied/", denied),
    *site_urls.urlpatterns,
]


def test_the_language_menu_switches_with_and_without_javascript(site, new_context):
    page = new_context().new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    # With JavaScript (static/js/app.js): choosing is enough, there is no button.
    assert not page.locator(".language button").is_visible()
    with page.expect_navigation():
        page.select_option("#language-select", "id")
    assert page.locator("html").get_attribute("lang") == "id"

    no_script = new_context(java_script_enabled=False).new_page()
    no_script.goto("/")
    no_script.select_option("#language-select", "id")
    assert no_script.locator("html").get_attribute("lang") == "en"  # nothing sent yet
    with no_script.expect_navigation():
        no_script.locator(".language button").click()
    assert no_script.locator("html").get_attribute("lang") == "id"


def test_the_running_total_updates_under_the_policy(site, new_context, office):
    application = in_thread(lambda: f.bring_to(office, State.IN_CURATION))
    page = signed_in(new_context, site, office.lead, 1280).new_page()
    page.goto(reverse("curation:scoresheet", args=[application.pk]))
    total = page.locator("#running-total .total-value")
    before = total.inner_text()
    page.evaluate("window.samePage = true")  # gone if the page reloads
    with page.expect_response(re.compile(r"/scoresheet/total/$")):
        page.locator(".levels label.level").last.click()  # the highest level
    page.wait_for_function(
        "before => document.querySelector('#running-total .total-value').innerText !== before",
        arg=before,
    )
    # htmx swapped the total in place: the page did not reload.
    assert page.evaluate("window.samePage") is True


def test_the_admin_works_under_the_policy(site, new_context, office):
    """The admin's own scripts and styles are files of its own: it needs no exception.
    A superuser opens every list, every add form, and an application's pages."""
    application = in_thread(lambda: f.bring_to(office, State.SUBMITTED))
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    page = signed_in(new_context, site, root, 1280).new_page()
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
    urls += [
        reverse("admin:curation_application_change", args=[application.pk]),
        reverse("admin:curation_application_history", args=[application.pk]),
        reverse("admin:auth_user_change", args=[office.msme.pk]),
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status in (200, 403), (url, response.status)
    # The admin's scripts ran: the date widgets' shortcuts and the regions' two-box picker
    # are drawn by them, and the calendar opens.
    page.goto(reverse("admin:auth_user_change", args=[office.msme.pk]))
    assert page.locator(".selector-available").count() >= 1
    page.locator(".datetimeshortcuts a[id^=calendarlink]").first.click()
    assert page.locator(".calendarbox").first.is_visible()


ERROR_PAGES = [
    ("error-403", "/denied/", 403),
    ("error-404", "/missing/", 404),
    ("error-500", "/crash/", 500),
]


@pytest.mark.urls(__name__)
def test_the_error_pages_on_a_phone_and_a_laptop(site, new_context, office, shoot):
    for locale, language in (("en-US", "en"), ("id-ID", "id")):
        page = new_context(locale=locale).new_page()
        for name, url, status in ERROR_PAGES:
            response = page.goto(url)
            assert response.status == status
            assert page.locator("html").get_attribute("lang") == language
            assert page.locator("h1").is_visible() and page.locator(".site-footer").is_visible()
            serious = [v["id"] for v in run_axe(page) if v["impact"] in BLOCKING]
            assert not serious, (url, language, serious)
            shoot(page, f"{name}-{language}")
    # A signed-in MSME (Indonesian) gets the menu on a 404.
    page = signed_in(new_context, site, office.msme, 1280).new_page()
    assert page.goto("/missing/").status == 404
    assert page.locator(".main-nav").is_visible()
    shoot(page, "error-404-signed-in")
    assert not shoot.problems, shoot.problems
