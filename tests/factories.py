"""factory_boy factories, and the helpers that bring an application to a given state
through the real services (so every test stands on a real audit trail)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from stdnum import luhn

from assessments.rules import packaging_items
from curation import services
from curation.stage_work import packaging_review_save, scoresheet_save
from curation.two_factor import has_two_factor, requires_two_factor
from kernel.roles import Role
from offices.models import Office, ServedRegion
from products.models import (
    Business,
    Category,
    Document,
    DocumentType,
    Market,
    Membership,
    Product,
    Region,
)
from products.uploads import inspect_upload


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    first_name = factory.Faker("first_name")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def office(self, create, extracted, **kwargs):
        if extracted:
            self.profile.office = extracted
            self.profile.save(update_fields=["office"])

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        # Staff work for the office serving these regions (`office_for`).
        if extracted:
            self.profile.office = office_for(*extracted)
            self.profile.save(update_fields=["office"])

    @factory.post_generation
    def two_factor(self, create, extracted, **kwargs):
        # Staff and superusers must have a second factor to use the site: give them one,
        # unless the test asks for an unenrolled one (two_factor=False).
        if extracted is None:
            extracted = requires_two_factor(self)
        if extracted:
            enrol_totp(self)


def join_office(user, office):
    """`user` now works for `office` (staff move between offices)."""
    user.profile.office = office
    user.profile.save(update_fields=["office"])
    return user


def office_for(*regions):
    """The office serving the first of `regions`, made ("Rumah Kurasi <region>", with the
    region's code) when none does; it also serves those of the others no office serves."""
    first, *others = regions
    office = Office.objects.serving(first.pk).first()
    if office is None:
        office = Office.objects.create(
            name=f"Rumah Kurasi {first.name}", code=first.code, home_region=first
        )
        ServedRegion.objects.create(office=office, region=first)
    for region in others:
        ServedRegion.objects.get_or_create(region=region, defaults={"office": office})
    return office


def verified_email(user):
    """The address checked, as allauth insists before the first sign-in."""
    return EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


# Every enrolled test user shares this secret, so a browser test can type the code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enrol_totp(user):
    if not has_two_factor(user):
        TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code(offset: int = 0) -> str:
    """The code an authenticator app shows now (or `offset` periods later)."""
    return format_hotp_value(
        hotp_value(TOTP_SECRET, int(timezone.now().timestamp()) // 30 + offset)
    )


def region(code="35.71"):
    return Region.objects.get(code=code)


def valid_npwp(n: int) -> str:
    """A business entity's 16-digit NPWP (0 and the legacy 15 digits) whose check digit, the
    10th, is right."""
    head = f"0{n:08d}"
    return f"{head}{luhn.calc_check_digit(head)}000000"


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    name = factory.Sequence(lambda n: f"UMKM Maju {n}")
    nib = factory.Sequence(lambda n: f"{9120000000000 + n}")
    npwp = factory.Sequence(lambda n: valid_npwp(10_000_000 + n))
    address = "Jl. Dhoho 1, Kediri"
    region = factory.LazyFunction(region)
    size = Business.Size.MICRO


def make_member(business, username=None, role=Membership.Role.OWNER):
    user = UserFactory(username=username or f"owner-{business.pk}", roles=[Role.MSME])
    Membership.objects.create(business=business, user=user, role=role)
    return user


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    business = factory.SubFactory(BusinessFactory)
    name = factory.Sequence(lambda n: f"Sambal Pecel {n}")
    category = factory.LazyFunction(lambda: Category.objects.get(key="sauces_condiments"))
    hs_code = "21039090"
    description = "Peanut chili sauce for pecel, dry paste."
    materials = "Peanuts, chili, palm sugar, garlic, kaffir lime leaf, salt"
    monthly_capacity = Decimal("2000")
    capacity_unit = "jars"
    shelf_life_days = 180
    fob_price = Decimal("2.40")
    fob_currency = "USD"

    @factory.post_generation
    def markets(self, create, extracted, **kwargs):
        self.target_markets.set(Market.objects.filter(key__in=extracted or ["my", "jp"]))


def png_bytes(size=(8, 8), color=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

VALID_NUMBERS = {
    "nib": "9120001234567",
    "npwp": "01.234.567.4-901.000",  # the legacy 15 digits as printed, check digit 4
    "pirt": "2063571010123-29",
    "bpom_md": "MD 224513001234",
    "halal": "ID35110000123450824",
}


def add_document(
    business,
    kind,
    *,
    product=None,
    number=None,
    expires_on=None,
    by=None,
    content=None,
    uploaded_at=None,
):
    doc_type = DocumentType.objects.get(key=kind)
    content = content or (png_bytes() if "photo" in kind else PDF_BYTES)
    upload = SimpleUploadedFile("scan", content)
    inspected = inspect_upload(upload)
    if expires_on is None and doc_type.expires:
        expires_on = date.today() + timedelta(days=365 * 2)
    return Document.objects.create(
        business=business,
        product=product if doc_type.scope == DocumentType.Scope.PRODUCT else None,
        kind=doc_type,
        number=number if number is not None else VALID_NUMBERS.get(kind, ""),
        expires_on=expires_on,
        file=upload,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by or business.memberships.first().user,
        uploaded_at=uploaded_at or timezone.now(),
    )


def complete_documents(product, by=None):
    """Every document a food product for its markets needs, valid and current."""
    business = product.business
    for kind in ("nib", "npwp"):
        add_document(business, kind, by=by)
    kinds = ["product_photo", "packaging_photo"]
    if product.category.is_food:
        kinds += ["pirt", "halal"]
    for kind in kinds:
        add_document(business, kind, product=product, by=by)


def score_all(application, curator, score=4, *, submit=True, recommendation="pass", overrides=None):
    """A curator scores every criterion `score` (or per key in `overrides`)."""
    overrides = overrides or {}
    scores = {
        c.key: (overrides.get(c.key, score), f"{c.key} comment by {curator.username}")
        for c in application.rubric.criteria.all()
    }
    return scoresheet_save(
        application=application,
        curator=curator,
        scores=scores,
        recommendation=recommendation,
        submit=submit,
    )


def review_all(application, reviewer, result="pass", *, failed=(), note="Fix the label"):
    results = {
        item.key: (("fail", note) if item.key in failed else (result, ""))
        for item in packaging_items(application)
    }
    return packaging_review_save(application=application, reviewer=reviewer, results=results)


# The path through the workflow to each state, as the steps taken from draft.
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "in_curation": ["submit", "assign_curators"],
    "revision_requested": ["submit", "assign_curators", "request_revision"],
    "packaging_review": ["submit", "assign_curators", "score", "pass_curation"],
    "packaging_revision": [
        "submit",
        "assign_curators",
        "score",
        "pass_curation",
        "request_packaging_changes",
    ],
    "awaiting_certification": [
        "submit",
        "assign_curators",
        "score",
        "pass_curation",
        "approve_packaging",
    ],
    "certified": [
        "submit",
        "assign_curators",
        "score",
        "pass_curation",
        "approve_packaging",
        "certify",
    ],
    "rejected": ["submit", "reject"],
    "withdrawn": ["withdraw"],
}


def take_step(office, application, step):
    """One step of a path, by the persona whose job it is."""
    match step:
        case "submit":
            services.application_submit(application=application, by=office.msme)
        case "assign_curators":
            services.application_assign_curators(
                application=application,
                by=office.coordinator,
                curators=[office.lead, office.curator],
                lead=office.lead,
            )
        case "request_revision":
            services.application_request_revision(
                application=application, by=office.lead, message="Add the lab test report."
            )
        case "score":
            score_all(application, office.lead)
            score_all(application, office.curator)
        case "pass_curation":
            services.application_pass_curation(application=application, by=office.lead)
        case "request_packaging_changes":
            review_all(application, office.reviewer, failed=["origin_marking"])
            services.application_request_packaging_changes(
                application=application, by=office.reviewer
            )
        case "approve_packaging":
            review_all(application, office.reviewer)
            services.application_approve_packaging(application=application, by=office.reviewer)
        case "certify":
            services.application_certify(application=application, by=office.officer)
        case "reject":
            services.application_reject(
                application=application, by=office.coordinator, reason="Not our region's product."
            )
        case "withdraw":
            services.application_withdraw(application=application, by=office.msme)
        case _:
            raise ValueError(step)
    application.refresh_from_db()
    return application


def bring_to(office, state, application=None):
    application = application or office.new_application()
    for step in PATHS[state]:
        take_step(office, application, step)
    assert application.state == state, (application.state, state)
    return application
