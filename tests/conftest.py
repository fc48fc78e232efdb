"""Shared fixtures: the reference data, a signing key, and the personas of one regional
office.

Personas (WORKFLOW.md roles): the MSME member of the product's business, a member of
another business, the coordinator, two curators (one lead) and a spare curator, the
packaging reviewer, the certifying officer, an exporter, the regional head, staff of
another region, and an outsider with no role.
"""

from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.utils import translation

from curation import services
from kernel.roles import Role
from products.models import Membership
from tests import certificate_helpers as h
from tests import factories as f


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture(scope="module")
def signing_key(tmp_path_factory):
    """A signing key and its certificate, made once per module (set it as
    `settings.SIGNING_PKCS12_PATH` to sign with it)."""
    return h.make_signing_key(tmp_path_factory.mktemp("signing"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"
    # A request activates its user's language for the thread; start every test in English
    # so one test's request cannot change the next one's messages.
    with translation.override("en"):
        yield


@dataclass
class Office:
    """One regional office (Kota Kediri, 35.71) and the people around one business."""

    business: object
    msme: object
    other_msme: object
    coordinator: object
    lead: object
    curator: object
    spare_curator: object
    reviewer: object
    officer: object
    exporter: object
    regional_admin: object
    foreign_coordinator: object
    outsider: object
    product: object = None
    personas: dict = field(default_factory=dict)

    def new_application(self, product=None):
        product = product or self.product
        return services.application_create(product=product, by=self.msme)


@pytest.fixture
def office(db):
    kediri = f.region("35.71")
    blitar = f.region("35.72")
    business = f.BusinessFactory(name="Sambal Bu Rini", region=kediri)
    other_business = f.BusinessFactory(name="Tahu Pak Darto", region=kediri)
    people = {
        "msme": f.make_member(business, "rini"),
        "other_msme": f.make_member(other_business, "darto"),
        "coordinator": f.UserFactory(
            username="coordinator", roles=[Role.COORDINATOR], regions=[kediri]
        ),
        "lead": f.UserFactory(username="lead", roles=[Role.CURATOR], regions=[kediri]),
        "curator": f.UserFactory(username="curator", roles=[Role.CURATOR], regions=[kediri]),
        "spare_curator": f.UserFactory(username="spare", roles=[Role.CURATOR], regions=[kediri]),
        "reviewer": f.UserFactory(
            username="reviewer", roles=[Role.PACKAGING_REVIEWER], regions=[kediri]
        ),
        "officer": f.UserFactory(
            username="officer", roles=[Role.CERTIFYING_OFFICER], regions=[kediri]
        ),
        "exporter": f.UserFactory(username="exporter", roles=[Role.EXPORTER]),
        "regional_admin": f.UserFactory(
            username="head", roles=[Role.REGIONAL_ADMIN], regions=[kediri]
        ),
        "foreign_coordinator": f.UserFactory(
            username="blitar-coordinator",
            roles=[
                Role.COORDINATOR,
                Role.CURATOR,
                Role.PACKAGING_REVIEWER,
                Role.CERTIFYING_OFFICER,
            ],
            regions=[blitar],
        ),
        "outsider": f.UserFactory(username="outsider"),
    }
    product = f.ProductFactory(business=business, name="Sambal Pecel Bu Rini")
    f.complete_documents(product, by=people["msme"])
    return Office(business=business, product=product, personas=people, **people)


@pytest.fixture
def world_office(office):
    """The office with every persona of the access matrix: also a staff member (not the
    owner) of the business, and an exporter nothing is shared with."""
    office.personas["msme_staff"] = f.make_member(
        office.business, "rini-staff", role=Membership.Role.STAFF
    )
    office.personas["other_exporter"] = f.UserFactory(
        username="other-exporter", roles=[Role.EXPORTER]
    )
    return office


@pytest.fixture
def bring_to(office):
    def bring(state, application=None):
        return f.bring_to(office, state, application)

    return bring


def pytest_collection_modifyitems(config, items):
    # `make test` spreads the suite over both cores (pytest-xdist, --dist loadgroup); the
    # browser tests and the deployment smoke test each keep to one worker, one at a time.
    for item in items:
        for marker in ("e2e", "deployment"):
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(marker))
