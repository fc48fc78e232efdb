"""The site as e-mails name it and link to it: its name (SITE_NAME) and public address
(SITE_URL), from the settings. Never a request's host name: an e-mail sent while
someone browses at another address (a proxy's, a forged Host header) still names and
links the real site."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Site:
    """What `django.contrib.sites` would say (allauth's e-mails read `name` and `domain`)."""

    name: str
    domain: str


def current() -> Site:
    return Site(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def absolute_url(path: str) -> str:
    """A path of this site as an absolute address on SITE_URL (an absolute one unchanged)."""
    if urlsplit(path).scheme:
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"


def email_subject(subject: str) -> str:
    """Every e-mail's subject names the site first."""
    return f"[{settings.SITE_NAME}] {subject}"


def email_body(text: str, path: str) -> str:
    """An e-mail's text, then the page it is about, absolute, named by the site's name (in
    the active language)."""
    where = _("Open it in %(site)s:") % {"site": settings.SITE_NAME}
    return f"{text}\n\n{where}\n{absolute_url(path)}"
