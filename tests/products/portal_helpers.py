"""Helpers for the MSME portal tests: signing in, reading a page, uploading a document, the
stored files, and a product form's data."""

from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from products.models import (
    Category,
    DocumentType,
    Market,
)
from tests import factories as f

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def login(client, user):
    """Sign in `user`, whose pages are in English for the assertions."""
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def stored_files(folder="documents") -> list[str]:
    """Every file name under `folder` in the (in-memory) storage."""
    names = []
    try:
        directories, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return names
    names += [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += stored_files(f"{folder}/{directory}")
    return names


def upload(client, url, *, kind, content=f.PDF_BYTES, name="scan.pdf", follow=False, **fields):
    data = {
        "kind": DocumentType.objects.get(key=kind).pk,
        "number": "",
        "issued_on": "",
        "expires_on": "",
        "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        **fields,
    }
    return client.post(url, data, follow=follow)


def verified_user(username, email):
    user = f.UserFactory(username=username, email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def product_data(category_key, **overrides):
    data = {
        "name": "Keripik Tempe Bu Sri",
        "category": Category.objects.get(key=category_key).pk,
        "description": "Thin tempeh chips fried in coconut oil.",
        "hs_code": "2008.19.90",
        "materials": "Tempeh, rice flour, coconut oil, garlic, salt",
        "shelf_life_days": "120",
        "monthly_capacity": "500",
        "capacity_unit": "packs",
        "fob_price": "1.75",
        "fob_currency": "USD",
        "target_markets": [Market.objects.get(key="my").pk, Market.objects.get(key="sg").pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
