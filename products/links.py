"""What a web address a business gives its buyers is: its website, a shop on a
marketplace (Tokopedia, Shopee, ...) or a page on social media, told from the address's
host so the MSME only pastes the address; and the check that it is one buyers can open
safely (https, a public host, no password in it, no personal phone number in a WhatsApp
link, whose place is the export contact where the business chooses who sees it).
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Longer addresses are tracking junk copied with the link, not a shop's address.
URL_MAX_LENGTH = 300
# Links per business and per product: a shop or two on each marketplace, the socials.
MAX_LINKS = 10


class LinkKind(models.TextChoices):
    WEBSITE = "website", _("Website")
    SHOP = "shop", _("Online shop")
    SOCIAL = "social", _("Social media")


@dataclass(frozen=True)
class Platform:
    name: str
    kind: LinkKind


# By registered domain; a subdomain (www., m., shop.) is the same platform.
PLATFORMS = {
    "tokopedia.com": Platform("Tokopedia", LinkKind.SHOP),
    "tokopedia.link": Platform("Tokopedia", LinkKind.SHOP),
    "shopee.co.id": Platform("Shopee", LinkKind.SHOP),
    "shopee.com": Platform("Shopee", LinkKind.SHOP),
    "lazada.co.id": Platform("Lazada", LinkKind.SHOP),
    "blibli.com": Platform("Blibli", LinkKind.SHOP),
    "bukalapak.com": Platform("Bukalapak", LinkKind.SHOP),
    "alibaba.com": Platform("Alibaba", LinkKind.SHOP),
    "amazon.com": Platform("Amazon", LinkKind.SHOP),
    "etsy.com": Platform("Etsy", LinkKind.SHOP),
    "instagram.com": Platform("Instagram", LinkKind.SOCIAL),
    "facebook.com": Platform("Facebook", LinkKind.SOCIAL),
    "fb.com": Platform("Facebook", LinkKind.SOCIAL),
    "tiktok.com": Platform("TikTok", LinkKind.SOCIAL),
    "youtube.com": Platform("YouTube", LinkKind.SOCIAL),
    "x.com": Platform("X", LinkKind.SOCIAL),
    "twitter.com": Platform("X", LinkKind.SOCIAL),
    "linkedin.com": Platform("LinkedIn", LinkKind.SOCIAL),
    "pinterest.com": Platform("Pinterest", LinkKind.SOCIAL),
}
# Links that carry a phone number: the export contact's WhatsApp is chosen there.
PHONE_LINK_HOSTS = ("wa.me", "whatsapp.com", "api.whatsapp.com", "wa.link")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def platform_of(url: str) -> Platform | None:
    host = host_of(url)
    return next((p for domain, p in PLATFORMS.items() if _on(host, domain)), None)


def link_kind(url: str) -> LinkKind:
    platform = platform_of(url)
    return platform.kind if platform else LinkKind.WEBSITE


def link_label(url: str) -> str:
    """What a page calls the link: the platform's name, else the site's host."""
    platform = platform_of(url)
    if platform:
        return platform.name
    host = host_of(url)
    return host.removeprefix("www.")


_HTTPS = URLValidator(schemes=["https"])


def validate_link_url(url: str) -> None:
    """Refuse, with a message saying what to do, an address buyers should not be sent to."""
    shown = {"url": url}
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(
            _("“%(url)s” is too long: copy the address without what follows a “?”."),
            code="too_long",
            params={"url": url[:60] + "…"},
        )
    if url.lower().startswith("http://"):
        raise ValidationError(
            _("“%(url)s” is not secure (http): give its address that starts with https://."),
            code="not_https",
            params=shown,
        )
    try:
        _HTTPS(url)
    except ValidationError:
        raise ValidationError(
            _(
                "“%(url)s” is not a web address. Copy it from the browser's address bar, "
                "for example https://www.tokopedia.com/your-shop."
            ),
            code="invalid",
            params=shown,
        ) from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError(
            _("“%(url)s” contains a user name or password: give the public address."),
            code="credentials",
            params=shown,
        )
    host = host_of(url)
    if _is_ip_address(host) or "." not in host:
        raise ValidationError(
            _("“%(url)s” is not a public web site: give the address buyers can open."),
            code="not_public",
            params=shown,
        )
    if any(_on(host, domain) for domain in PHONE_LINK_HOSTS):
        raise ValidationError(
            _(
                "“%(url)s” is a WhatsApp link with a phone number in it: enter the number "
                "as the export contact's phone instead, where you choose whether buyers see it."
            ),
            code="phone_link",
            params=shown,
        )


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
