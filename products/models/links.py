"""A business's and its products' addresses on the web (`products.links` tells what
each is from its host)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from products.links import URL_MAX_LENGTH, LinkKind, link_label, validate_link_url
from products.models.businesses import Business
from products.models.products import Product


class LinkQuerySet(models.QuerySet):
    def of_business_itself(self):
        """The business's own links, not its products'."""
        return self.filter(product__isnull=True)


class Link(models.Model):
    """A website, marketplace shop or social media page of a business (no `product`) or
    of one of its products (a product's own page on a marketplace). Shown on their pages
    and, once the business is listed, in the public catalogue."""

    Kind = LinkKind

    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="links", verbose_name=_("business")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="links",
        verbose_name=_("product"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    url = models.URLField(_("address"), max_length=URL_MAX_LENGTH, validators=[validate_link_url])
    # The order the MSME gave them in.
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = LinkQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("web link")
        verbose_name_plural = _("web links")
        constraints = [
            models.UniqueConstraint(
                fields=["business", "url"],
                condition=models.Q(product__isnull=True),
                name="link_unique_business_url",
            ),
            models.UniqueConstraint(
                fields=["product", "url"],
                condition=models.Q(product__isnull=False),
                name="link_unique_product_url",
            ),
        ]

    def __str__(self):
        return self.url

    @property
    def label(self) -> str:
        return link_label(self.url)
