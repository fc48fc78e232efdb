"""What the catalogue does when others change: list the demo's products when the demo is
seeded (`catalogue.demo`, in the seed's transaction), and keep its copy of the list
(`catalogue.models.ListedProduct`) current after every save that may list or unlist a
product or change what the copy holds, in the saving transaction (`catalogue.listed`)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalogue import listed
from catalogue.demo import seed_catalogue
from catalogue.models import Listing
from certificates.models import Certificate
from curation.demo import demo_seeded
from products.models import Business, Category, Product, Region


@receiver(demo_seeded, dispatch_uid="catalogue_seed_demo")
def list_demo_products(sender, report, **kwargs):
    seed_catalogue(report)


# The fields of each model that the copy depends on. A save that names its fields
# (`update_fields`) and none of these, such as a certificate's PDF being stored, leaves
# the copy as it is.
WATCHED = {
    Certificate: {"status", "valid_until", "grade", "markets", "product", "application"},
    Product: {"name", "description", "hs_code", "category", "business"},
    Business: {"name", "region"},
    # Their names are searched in the copy's text.
    Category: {"label_id", "label_en"},
    Region: {"name"},
}


def _concerns_the_copy(sender, update_fields) -> bool:
    return update_fields is None or not WATCHED[sender].isdisjoint(update_fields)


@receiver(post_save, sender=Certificate, dispatch_uid="catalogue_copy_certificate")
def certificate_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    # Issued, superseded by a renewal, revoked.
    if not raw and _concerns_the_copy(sender, update_fields):
        listed.refresh(products=[instance.product_id])


@receiver(post_save, sender=Listing, dispatch_uid="catalogue_copy_listing")
@receiver(post_delete, sender=Listing, dispatch_uid="catalogue_copy_listing_deleted")
def listing_changed(sender, instance, raw=False, **kwargs):
    # Consent given, given again or withdrawn.
    if not raw:
        listed.refresh(businesses=[instance.business_id])


@receiver(post_save, sender=Product, dispatch_uid="catalogue_copy_product")
def product_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    # A new product has no certificate yet.
    if not (raw or created) and _concerns_the_copy(sender, update_fields):
        listed.refresh(products=[instance.pk])


@receiver(post_save, sender=Business, dispatch_uid="catalogue_copy_business")
def business_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    # A new business has no consent yet.
    if not (raw or created) and _concerns_the_copy(sender, update_fields):
        listed.refresh(businesses=[instance.pk])


@receiver(post_save, sender=Category, dispatch_uid="catalogue_copy_category")
def category_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    # Renamed by the reference data or in the admin: rare, and a few thousand rows at most.
    if not (raw or created) and _concerns_the_copy(sender, update_fields):
        listed.refresh(categories=[instance.pk])


@receiver(post_save, sender=Region, dispatch_uid="catalogue_copy_region")
def region_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if not (raw or created) and _concerns_the_copy(sender, update_fields):
        listed.refresh(regions=[instance.pk])
