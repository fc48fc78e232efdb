"""The office of `make bench` (benchmarks/certificates.py): its staff, an MSME's business,
products with their documents, and applications brought through the workflow services
to "awaiting certification". Django is imported inside, once it is set up."""


class Office:
    def __init__(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from kernel.roles import Role
        from offices.models import Office as CurationOffice
        from offices.models import ServedRegion
        from products.models import Business, Membership, Region

        users = get_user_model()
        self.region = Region.objects.get(code="35.71")
        self.office = CurationOffice.objects.create(
            name="Rumah Kurasi Kota Kediri", code=self.region.code, home_region=self.region
        )
        ServedRegion.objects.create(office=self.office, region=self.region)

        def person(username, *roles):
            user = users.objects.create_user(
                username, f"{username}@bench.example", "bench", first_name=username.title()
            )
            for role in roles:
                user.groups.add(Group.objects.get(name=role))
            user.profile.office = self.office
            user.profile.save(update_fields=["office"])
            return user

        self.msme = person("rini", Role.MSME)
        self.coordinator = person("koordinator", Role.COORDINATOR)
        self.lead = person("kurator1", Role.CURATOR)
        self.curator = person("kurator2", Role.CURATOR)
        self.reviewer = person("reviewer", Role.PACKAGING_REVIEWER)
        self.officer = person("pejabat", Role.CERTIFYING_OFFICER)
        self.business = Business.objects.create(
            name="Sambal Bu Rini",
            nib="9120001234567",
            npwp="012345674901000",
            address="Jl. Dhoho 1, Kediri",
            region=self.region,
            email="rini@bench.example",
        )
        Membership.objects.create(
            business=self.business, user=self.msme, role=Membership.Role.OWNER
        )
        for kind, number in (("nib", "9120001234567"), ("npwp", "01.234.567.4-901.000")):
            self.document(kind, number=number)

    def document(self, kind, *, product=None, number=""):
        from datetime import timedelta

        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from products.models import Document, DocumentType
        from products.uploads import inspect_upload

        doc_type = DocumentType.objects.get(key=kind)
        upload = SimpleUploadedFile(
            "scan" + (".png" if "photo" in kind else ".pdf"), _content(kind)
        )
        inspected = inspect_upload(upload)
        return Document.objects.create(
            business=self.business,
            product=product,
            kind=doc_type,
            number=number,
            expires_on=timezone.localdate() + timedelta(days=700) if doc_type.expires else None,
            file=upload,
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            uploaded_by=self.msme,
        )

    def product(self, n: int):
        from decimal import Decimal

        from products.models import Category, Market, Product

        product = Product.objects.create(
            business=self.business,
            name=f"Sambal Pecel Bu Rini {n}",
            category=Category.objects.get(key="sauces_condiments"),
            hs_code="21039090",
            description="Peanut chili sauce for pecel, dry paste.",
            materials="Peanuts, chili, palm sugar, garlic, kaffir lime leaf, salt",
            monthly_capacity=Decimal("2000"),
            capacity_unit="jars",
            shelf_life_days=180,
            fob_price=Decimal("2.40"),
            fob_currency="USD",
        )
        product.target_markets.set(Market.objects.filter(key__in=["jp", "my"]))
        self.document("product_photo", product=product)
        self.document("packaging_photo", product=product)
        self.document("pirt", product=product, number="2063571010123-29")
        self.document("halal", product=product, number="ID35110000123450824")
        return product

    def awaiting_certification(self, n: int):
        """An application brought to "awaiting certification" through the services."""
        from assessments.rules import packaging_items
        from curation import services
        from curation.stage_work import packaging_review_save, scoresheet_save

        application = services.application_create(product=self.product(n), by=self.msme)
        services.application_submit(application=application, by=self.msme)
        services.application_assign_curators(
            application=application,
            by=self.coordinator,
            curators=[self.lead, self.curator],
            lead=self.lead,
        )
        for curator in (self.lead, self.curator):
            scores = {c.key: (4, "Good.") for c in application.rubric.criteria.all()}
            scoresheet_save(
                application=application,
                curator=curator,
                scores=scores,
                recommendation="pass",
                submit=True,
            )
        services.application_pass_curation(application=application, by=self.lead)
        results = {item.key: ("pass", "") for item in packaging_items(application)}
        packaging_review_save(application=application, reviewer=self.reviewer, results=results)
        services.application_approve_packaging(application=application, by=self.reviewer)
        return application


def _content(kind: str) -> bytes:
    import io

    from PIL import Image

    if "photo" in kind:
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), (190, 80, 40)).save(buffer, format="PNG")
        return buffer.getvalue()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
