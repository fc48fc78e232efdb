"""Fixtures of the catalogue tests: a product certified through the whole workflow and
listed by its owner, and a quicker way to certify many products for the tests that need a
catalogue of some size."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalogue import services as catalogue_services
from certificates.issuing import certificate_issue
from certificates.models import Certificate
from curation import services
from curation.models import Application, Profile
from kernel.states import State
from products.models import Category, Membership
from tests import factories as f


@pytest.fixture
def certified(office):
    """The office's product certified; its business not listed (yet)."""
    return certify_quickly(office, office.product)


@pytest.fixture
def listed(office):
    """The office's product (Sambal Pecel Bu Rini) certified and its business listed by
    its owner: its live certificate. (`test_listing` takes a product through every step of
    the workflow instead.)"""
    certificate = certify_quickly(office, office.product)
    catalogue_services.listing_consent_give(business=office.business, by=office.msme)
    return certificate


def certify_quickly(office, product, *, grade="A", markets=None) -> Certificate:
    """`product` certified without the curation steps: its application is made by the
    real service and put in its final state directly, then `certificate_issue` (what the
    certify transition calls) issues the certificate as it would. For tests that need many
    certified products; the whole path is `listed`'s."""
    member = Membership.objects.filter(business=product.business).first().user
    application = services.application_create(product=product, by=member, target_markets=markets)
    Application.objects.filter(pk=application.pk).update(
        state=State.CERTIFIED,
        grade=grade,
        final_score=Decimal("90") if grade == "A" else Decimal("75"),
        state_changed_at=timezone.now(),
    )
    return certificate_issue(
        application=Application.objects.get(pk=application.pk), by=office.officer
    )


def listed_business(office, *, name, region=None, owner=None):
    business = f.BusinessFactory(name=name, region=region or f.region("35.71"))
    owner = owner or f.make_member(business, f"owner-{business.nib}")
    catalogue_services.listing_consent_give(business=business, by=owner)
    return business


def make_catalogue(office, size: int) -> list[Certificate]:
    """`size` listed products of as many businesses, each with a photo, across categories,
    markets and two grades."""
    categories = list(Category.objects.order_by("key"))
    entries = []
    for n in range(size):
        business = listed_business(office, name=f"UMKM Katalog {n}")
        product = f.ProductFactory(
            business=business,
            name=f"Produk Katalog {n:02d}",
            category=categories[n % len(categories)],
            markets=["jp", "my"] if n % 2 else ["eu"],
        )
        f.add_document(business, "product_photo", product=product)
        entries.append(certify_quickly(office, product, grade="A" if n % 3 else "B"))
    return entries


def expire(certificate: Certificate) -> None:
    """Its last valid day was yesterday."""
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )


def in_english(*users) -> None:
    """Pages for these users in English (a signed-in user's own language choice wins over
    the request's; new profiles take the site's default, Indonesian)."""
    Profile.objects.filter(user__in=users).update(language="en")


JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
