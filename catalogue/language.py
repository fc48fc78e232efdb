"""The language of a public page, and its addresses in each language.

A shared link must show what its sender saw, whoever opens it: `?lang=id` or `?lang=en`
in the address wins over the visitor's browser and cookie (as on the verification page),
and every page names its canonical address and its other language's (hreflang), with the
language in it, so a search engine or WhatsApp's preview reads one page per language.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
# OpenGraph names a page's language as a locale.
OG_LOCALES = {"id": "id_ID", "en": "en_US"}


def page_language(request: HttpRequest) -> str:
    """?lang= when it names one of our languages; otherwise what LocaleMiddleware chose
    (the user's choice, the cookie, the browser)."""
    language = request.GET.get("lang")
    if language in dict(settings.LANGUAGES):
        return language
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


def in_page_language(view):
    """Render the view in `page_language` (set as `request.page_language`) and say so in
    the answer's Content-Language."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        language = request.page_language = page_language(request)
        with translation.override(language):
            response = view(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    return wrapped


def address(path: str, language: str, **query: object) -> str:
    """The absolute address of `path` in `language`, with `query` (empty values left
    out)."""
    params = {k: v for k, v in query.items() if v not in (None, "")}
    params["lang"] = language
    return f"{settings.SITE_URL}{path}?{urlencode(params)}"


def language_links(request: HttpRequest) -> list[dict]:
    """For the page's language switch: each language with this very address (filters and
    page kept) in it, and whether it is the one shown."""
    links = []
    for code, _name in settings.LANGUAGES:
        query = request.GET.copy()
        query["lang"] = code
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES.get(code, code),
                "url": f"{request.path}?{query.urlencode()}",
                "current": code == request.page_language,
            }
        )
    return links
