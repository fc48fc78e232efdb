from django.conf import settings
from django.db.models import Subquery
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from curation.models import Application, Profile
from products.models import Business, Product

# Sent by the `certify` service inside its transaction, the application row locked, with
# `application` and `by`. The certificates app, which sits above the workflow, receives it
# and issues the certificate (its number included), so a certification that rolls back
# leaves no certificate and frees its number; a receiver's error rolls it back.
application_certified = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="curation_profile_for_user")
def create_profile(sender, instance, created, raw=False, **kwargs):
    # Every user has a profile, so language and regions never need a None check.
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


# Application.region is a copy of its business's region (what the regional lists read):
# a business that moves to another region (the office changes it in the admin) takes its
# applications along, and so does a product given to another business. One UPDATE that
# finds nothing to change when the region stayed.


@receiver(post_save, sender=Business, dispatch_uid="curation_region_follows_business")
def applications_follow_business(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:  # a new business has no application yet
        return
    Application.objects.filter(product__business=instance).exclude(
        region_id=instance.region_id
    ).update(region_id=instance.region_id)


@receiver(post_save, sender=Product, dispatch_uid="curation_region_follows_product")
def applications_follow_product(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:  # a new product has no application yet
        return
    region = Business.objects.filter(pk=instance.business_id).values("region")
    Application.objects.filter(product=instance).exclude(region_id=Subquery(region)).update(
        region_id=Subquery(region)
    )
