"""What the catalogue keeps itself: a business's consent to be listed, with what it chose
to show (`Listing`) and its history (`ListingEvent`), the offices' collections, and a
copy of the list to search it fast (`ListedProduct`).

Whether a product is in the catalogue follows from the consent and the product's
certificate (`catalogue.selectors`): a revocation or a withdrawal updates the copy in its
own transaction, and an expiry is a comparison with today's date, so each takes the
product out at once.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kernel.append_only import AppendOnlyModel


class ListingQuerySet(models.QuerySet):
    def active(self):
        """Consent given and not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class Listing(models.Model):
    """A business's consent to show its certified products in the public catalogue, given
    by one of its owners and withdrawable by any of them. What the catalogue shows of the
    business besides its products is the business's own: its web links (`products.Link`)
    and its export contact, as far as it chose to show it (`Business.public_contact`).

    One row per business: consenting again after a withdrawal reuses it, and the history
    stays in `ListingEvent`."""

    business = models.OneToOneField(
        "products.Business",
        on_delete=models.CASCADE,
        related_name="catalogue_listing",
        verbose_name=_("business"),
    )
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("consent given by"),
    )
    consented_at = models.DateTimeField(_("consent given"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue listing")
        verbose_name_plural = _("catalogue listings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("consented_at")),
                name="listing_withdrawn_after_consent",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | models.Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="listing_withdrawn_by_someone",
            ),
        ]

    def __str__(self):
        return str(self.business)

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class ListingEvent(AppendOnlyModel):
    """Who gave, changed or withdrew a business's consent, and when; never edited."""

    class Kind(models.TextChoices):
        GIVEN = "given", _("Consent given")
        CHANGED = "changed", _("What is shown changed")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    listing = models.ForeignKey(
        Listing, on_delete=models.CASCADE, related_name="events", verbose_name=_("listing")
    )
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("listing event")
        verbose_name_plural = _("listing events")

    def __str__(self):
        return f"{self.listing_id}: {self.kind}"


class ListedProduct(models.Model):
    """The catalogue's list as a table of its own: one row per listed product (its
    business's consent stands, and it has a certificate that neither a revocation nor a
    renewal has ended), with the few columns the list sorts, filters and searches on.
    Finding a page of 24 among 20,000 products is then an index scan of one narrow table,
    rather than a join of five that is sorted in full on every request.

    A copy, kept current in the transaction of every change that lists or unlists a
    product or changes what is copied (`catalogue.listed`, called by `catalogue.signals`):
    a certificate issued, superseded or revoked, a consent given or withdrawn, a product,
    business, category or region edited. The last valid day is copied and compared on every request, so an
    expired certificate drops out the day after without any write. The pages still check
    the rows they show against the certificates and consents themselves
    (`catalogue.selectors.entries_with_ids`): the copy finds and counts, it never shows."""

    product = models.OneToOneField(
        "products.Product", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    certificate = models.OneToOneField(
        "certificates.Certificate", on_delete=models.CASCADE, related_name="+"
    )
    application = models.ForeignKey(
        "curation.Application", on_delete=models.CASCADE, related_name="+"
    )
    business = models.ForeignKey("products.Business", on_delete=models.CASCADE, related_name="+")
    # The business's region, and the category (indexed below, with the name).
    region = models.ForeignKey(
        "products.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        "products.Category", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    name = models.CharField(max_length=200)  # the product's: the list's order
    hs_code = models.CharField(max_length=10, blank=True)
    grade = models.CharField(max_length=2)
    # The keys of the markets certified for, each between spaces (" jp my "), as the
    # certificate states them: a filter by market reads the row, not a join.
    markets = models.CharField(max_length=200, blank=True)
    valid_until = models.DateField()
    # What a search finds words in, lower case: the product's name and description, the
    # business's name, the category's (in both languages) and the region's.
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("listed product")
        verbose_name_plural = _("listed products")
        indexes = [
            # The list's order, whole or narrowed by one filter.
            models.Index(fields=["name", "product"], name="listedproduct_by_name"),
            models.Index(fields=["region", "name", "product"], name="listedproduct_region"),
            models.Index(fields=["category", "name", "product"], name="listedproduct_category"),
            models.Index(fields=["grade", "name", "product"], name="listedproduct_grade"),
            # What the API counts (all of the list): in this index alone.
            models.Index(fields=["valid_until"], name="listedproduct_valid_until"),
            # A search by HS code: its first digits. (And a trigram index on `text` on
            # PostgreSQL, for the other words: migration 0004.)
            models.Index(
                fields=["hs_code"], name="listedproduct_hs_code", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return self.name


class CollectionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class Collection(models.Model):
    """A named, dated selection of listed products that an office publishes, such as
    "UMKM Virtual Expo Blitar 2026". It names products, not entries: a product whose
    listing ends (consent withdrawn, certificate revoked or expired) stays chosen but is
    not shown, and shows again if it is listed again."""

    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the collection's address: letters, digits and dashes."),
    )
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "products.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("office region"),
        help_text=_("The office that publishes it, by the region it serves."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    description_id = models.TextField(_("introduction (Indonesian)"), blank=True)
    description_en = models.TextField(_("introduction (English)"), blank=True)
    products = models.ManyToManyField(
        "products.Product", blank=True, related_name="+", verbose_name=_("products")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="collection_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def description(self) -> str:
        """The introduction in the active language, or in the other if that one is empty."""
        english = (get_language() or "id").startswith("en")
        first, second = (
            (self.description_en, self.description_id)
            if english
            else (self.description_id, self.description_en)
        )
        return first or second


class Enquiry(models.Model):
    """A buyer's question about a listed product, sent from its public page to the business
    (`catalogue.enquiries`). The buyer is not signed in: what they typed is all there is,
    and the business answers them by e-mail. The business's own address is never shown to
    them; the notices carry the buyer's as the e-mail's reply-to."""

    class BuyerType(models.TextChoices):
        ABROAD = "abroad", _("A company abroad")
        DOMESTIC = "domestic", _("A company in Indonesia")
        # Pasar sistemik: public bodies obliged to buy local products (P3DN).
        GOVERNMENT = "government", _("A government office buying local products (pasar sistemik)")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    product = models.ForeignKey(
        "products.Product",
        on_delete=models.CASCADE,
        related_name="enquiries",
        verbose_name=_("product"),
    )
    # The product's business, kept beside it: the inbox and the office's counts read the
    # enquiries of businesses without going through their products.
    business = models.ForeignKey(
        "products.Business",
        on_delete=models.CASCADE,
        related_name="enquiries",
        verbose_name=_("business"),
    )
    buyer_type = models.CharField(_("buyer"), max_length=12, choices=BuyerType.choices)
    name = models.CharField(_("name"), max_length=100)
    company = models.CharField(_("company or office"), max_length=150)
    country = models.CharField(_("country"), max_length=60)
    email = models.EmailField(_("e-mail"), max_length=254)
    quantity = models.CharField(_("quantity"), max_length=100, blank=True)
    message = models.TextField(_("message"), max_length=2000)
    # The page's language when it was sent: the language the buyer reads.
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    # When a member of the business first opened it; unread until then.
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        indexes = [
            # The inbox: a business's enquiries, the newest first; and its unread ones.
            models.Index(fields=["business", "created_at"], name="enquiry_inbox"),
            models.Index(fields=["business", "read_at"], name="enquiry_unread"),
        ]

    def __str__(self):
        return f"{self.company} → {self.product_id}"
