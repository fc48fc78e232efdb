"""The error pages (400, 403, 404, 500 and a refused CSRF check) are the site's own: in its
layout, in the visitor's language, with a way home, under the same strict policy as every
page. The 500 page draws without the database, which may be what failed."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.test import Client
from django.urls import path

from config import urls as site_urls
from tests.security.header_checks import inline_code, is_not_stored, strict_policy_problems

# The site's routes and a few that fail on purpose (this module is their urlconf).


def denied(request):
    raise PermissionDenied("Only members of Sambal Bu Rini can do this.")


def bad(request):
    raise SuspiciousOperation("a forged header")


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    path("denied/", denied),
    path("bad/", bad),
    path("database-down/", database_down),
    *site_urls.urlpatterns,
]

# What each page says, in both languages: (status, heading, text, home link).
PAGES = {
    "/no-such-page/": {
        "en": (404, "Page not found", "There is no page at this address", "Go to the home page"),
        "id": (
            404,
            "Halaman tidak ditemukan",
            "Tidak ada halaman di alamat ini",
            "Ke halaman utama",
        ),
    },
    "/denied/": {
        "en": (403, "You cannot open this page", "does not have access", "Go to the home page"),
        "id": (
            403,
            "Anda tidak dapat membuka halaman ini",
            "tidak memiliki akses",
            "Ke halaman utama",
        ),
    },
    "/bad/": {
        "en": (400, "Bad request", "could not understand this request", "Go to the home page"),
        "id": (400, "Permintaan tidak valid", "tidak dapat memahami", "Ke halaman utama"),
    },
    "/database-down/": {
        "en": (500, "Something went wrong", "could not finish your request", "Go to the home page"),
        "id": (500, "Terjadi kesalahan", "tidak dapat menyelesaikan", "Ke halaman utama"),
    },
}


@pytest.fixture
def visitor():
    """A browser that gets the error page, as a person would, rather than the exception."""
    return Client(raise_request_exception=False)


def check_page(response, *, status, heading, text, home, language):
    html = response.content.decode()
    assert response.status_code == status
    # The site's layout: its header, stylesheet and footer, in the visitor's language.
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert "/static/css/app.css" in html
    assert f"<title>{heading} · Siap Ekspor</title>" in html
    assert f'<h1 id="error-heading">{heading}</h1>' in html
    assert text in html
    assert f'<a class="button" href="/">{home}</a>' in html
    # Django's own bare page is not what anyone gets.
    assert "<h1>Not Found</h1>" not in html and "Server Error (500)" not in html
    assert strict_policy_problems(response) == [] and inline_code(html) == []
    assert is_not_stored(response)
    return html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("url", list(PAGES))
def test_error_pages_are_in_the_layout_and_translated(visitor, url, language, db):
    status, heading, text, home = PAGES[url][language]
    response = visitor.get(url, HTTP_ACCEPT_LANGUAGE=language)
    html = check_page(
        response, status=status, heading=heading, text=text, home=home, language=language
    )
    assert f"{'Error' if language == 'en' else 'Kesalahan'} {status}" in html


@pytest.mark.urls(__name__)
def test_a_refusal_does_not_show_its_reason(visitor, db):
    """The reason may name a business to someone outside it."""
    html = visitor.get("/denied/").content.decode()
    assert "Sambal Bu Rini" not in html


@pytest.mark.urls(__name__)
def test_a_signed_in_person_gets_the_menu_on_a_404(visitor, office):
    visitor.force_login(office.msme)
    html = check_page(
        visitor.get("/no-such-page/"),
        status=404,
        heading="Halaman tidak ditemukan",  # the MSME's own language
        text="Tidak ada halaman di alamat ini",
        home="Ke halaman utama",
        language="id",
    )
    assert 'class="wrap main-nav"' in html
    # The language menu, to read the page in English.
    assert 'name="language"' in html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["en", "id"])
def test_the_500_page_draws_without_the_database(visitor, language):
    """No `db` fixture: pytest-django refuses every query, so a page (or a context
    processor) that touched the database would fail this test instead of drawing."""
    status, heading, text, home = PAGES["/database-down/"][language]
    response = visitor.get("/database-down/", HTTP_ACCEPT_LANGUAGE=language)
    html = check_page(
        response, status=status, heading=heading, text=text, home=home, language=language
    )
    # Nothing that needs the request or the database: no menu, no language form (it needs
    # the CSRF token), no messages.
    assert "main-nav" not in html and "<form" not in html
    assert "could not connect" not in html


def test_a_refused_csrf_check_is_the_site_s_page(db):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/language/", {"language": "en", "next": "/"})
    html = check_page(
        response,
        status=403,
        heading="This form has expired",
        text="reload the page and send the form again",
        home="Go to the home page",
        language="en",
    )
    assert "CSRF verification failed" not in html
