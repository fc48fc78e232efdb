"""sitemap.xml: every product page of the catalogue and every published collection, each
in both languages with its alternate (hreflang), at the site's public address
(SITE_URL, as the pages' canonical links), whoever asks and however."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from catalogue import selectors


class _CatalogueSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def _location(self, item, force_lang_code=None):
        # Django's i18n sitemaps expect a language prefix in the path; ours is ?lang=.
        obj, language = item
        return f"{self.location(obj)}?lang={force_lang_code or language}"


class ProductSitemap(_CatalogueSitemap):
    def items(self):
        return (
            selectors.catalogue_entries()
            .select_related(None)
            .select_related("product")
            .only("product_id", "product__updated_at")
        )

    def location(self, entry):
        return reverse("catalogue:product", args=[entry.product_id])

    def lastmod(self, entry):
        return entry.product.updated_at


class CollectionSitemap(_CatalogueSitemap):
    def items(self):
        return selectors.published_collections().select_related(None).only("slug", "updated_at")

    def location(self, collection):
        return reverse("catalogue:collection", args=[collection.slug])

    def lastmod(self, collection):
        return collection.updated_at


SITEMAPS = {"products": ProductSitemap, "collections": CollectionSitemap}
