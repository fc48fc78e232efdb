"""Seed the deployment smoke test's database, in processes of their own against the
deployment's settings, through the real services (tests/factories.py).

    python -m tests.deployment.seed office
        one office (Kota Kediri): a business, its member, the staff, and a signed-in
        session of the certifying officer; prints {"session": ..., "member_email": ...}
    python -m tests.deployment.seed applications FIRST COUNT
        COUNT products of that business ("Sambal Pecel No. FIRST" on), each with its
        application brought to awaiting certification; prints [application ids]

Several `applications` seeders may run at once. The officer's session is made here, in
the database, because the web sign-in asks staff for a TOTP code: the smoke test tests
the deployment, not the sign-in.
"""

import json
import sys
from types import SimpleNamespace

import django

STAFF = {
    "coordinator": "COORDINATOR",
    "lead": "CURATOR",
    "curator": "CURATOR",
    "reviewer": "PACKAGING_REVIEWER",
    "officer": "CERTIFYING_OFFICER",
}
BUSINESS = "Sambal Bu Rini"


def seed_office() -> dict:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from kernel.roles import Role
    from tests import factories as f

    kediri = f.region("35.71")
    business = f.BusinessFactory(name=BUSINESS, region=kediri)
    member = f.make_member(business, "rini")
    staff = {
        username: f.UserFactory(username=username, roles=[Role[role]], regions=[kediri])
        for username, role in STAFF.items()
    }
    for kind in ("nib", "npwp"):
        f.add_document(business, kind, by=member)

    officer = staff["officer"]
    # Staff must have a second factor to open any page (part of the sign-in we skip).
    if not Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(officer, generate_totp_secret())
    session = SessionStore()
    session[SESSION_KEY] = str(officer.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    session.create()
    return {"session": session.session_key, "member_email": member.email}


def seed_applications(first: int, count: int) -> list[int]:
    from django.contrib.auth import get_user_model

    from curation import services
    from products.models import Business
    from tests import factories as f

    business = Business.objects.get(name=BUSINESS)
    users = get_user_model().objects.in_bulk([*STAFF, "rini"], field_name="username")
    office = SimpleNamespace(msme=users["rini"], **{name: users[name] for name in STAFF})
    applications = []
    for n in range(first, first + count):
        product = f.ProductFactory(business=business, name=f"Sambal Pecel No. {n:02d}")
        for kind in ("product_photo", "packaging_photo", "pirt", "halal"):
            f.add_document(business, kind, product=product, by=office.msme)
        application = services.application_create(product=product, by=office.msme)
        applications.append(f.bring_to(office, "awaiting_certification", application).pk)
    return applications


if __name__ == "__main__":
    django.setup()
    from django.conf import settings

    # Nobody signs in with these passwords: hash them fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    match sys.argv[1:]:
        case ["office"]:
            result = seed_office()
        case ["applications", first, count]:
            result = seed_applications(int(first), int(count))
        case _:
            sys.exit(__doc__)
    print(json.dumps(result))
