from django.conf import settings
from django.db.models import BigIntegerField, Case, F, OuterRef, Q, Subquery, When
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from curation.models import Application, Profile, Reminder
from curation.unserved import tell_superusers_if_unserved
from kernel.states import FINAL_STATES, State
from offices.models import ServedRegion
from products.models import Business, Product

# Sent by the `certify` service inside its transaction, the application row locked, with
# `application` and `by`. The certificates app, which sits above the workflow, receives it
# and issues the certificate (its number included), so a certification that rolls back
# leaves no certificate and frees its number; a receiver's error rolls it back.
application_certified = Signal()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="curation_profile_for_user")
def create_profile(sender, instance, created, raw=False, **kwargs):
    # Every user has a profile, so language and office never need a None check.
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
    ).update(region_id=instance.region_id, office_id=_office_following(instance.region_id))


@receiver(post_save, sender=Business, dispatch_uid="curation_region_unserved")
def business_in_unserved_region(sender, instance, raw=False, **kwargs):
    # Registered in (or moved to) a region no office serves: the superusers are told, once
    # per region (`curation.unserved`); the MSME reads it on the business's pages.
    if not raw:
        tell_superusers_if_unserved(instance)


@receiver(post_save, sender=Product, dispatch_uid="curation_region_follows_product")
def applications_follow_product(sender, instance, created=False, raw=False, **kwargs):
    if raw or created:  # a new product has no application yet
        return
    region = Business.objects.filter(pk=instance.business_id).values("region")
    Application.objects.filter(product=instance).exclude(region_id=Subquery(region)).update(
        region_id=Subquery(region), office_id=_office_following(Subquery(region))
    )


# Application.office is the office serving its region, from its submission until it ends:
# an open application whose region moves to another office (the region's business moved,
# or a superuser gave the region to another office) goes with it, so the staff who now see
# it in their lists issue its certificate in their own office's name. A draft has no
# office yet; an ended one keeps the office that ended it (its certificate's).


@receiver(post_save, sender=ServedRegion, dispatch_uid="curation_offices_follow_served_region")
def region_served(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _offices_follow_regions(Application.objects.filter(region_id=instance.region_id))
    # Served now: should nobody serve it again one day, the superusers are told again.
    Reminder.objects.filter(
        kind=Reminder.Kind.REGION_UNSERVED, subject_id=instance.region_id
    ).delete()


@receiver(post_delete, sender=ServedRegion, dispatch_uid="curation_offices_follow_region_left")
def region_left(sender, instance, **kwargs):
    _offices_follow_regions(Application.objects.filter(region_id=instance.region_id))


def _office_following(region) -> Case:
    """The office an application moving to `region` (an id or an expression) has after the
    move: the one serving the region if it is open and submitted, else the one it had."""
    serving = ServedRegion.objects.filter(region_id=region).values("office_id")
    return Case(
        When(~Q(state__in=[State.DRAFT, *FINAL_STATES]), then=Subquery(serving[:1])),
        default=F("office_id"),
        output_field=BigIntegerField(),
    )


def _offices_follow_regions(applications) -> None:
    """Set the office of the open, submitted applications among `applications` to the one
    serving their region (none when none does): one UPDATE of a business's or a region's
    open applications (a few)."""
    serving = ServedRegion.objects.filter(region_id=OuterRef("region_id")).values("office_id")
    applications.exclude(state__in=[State.DRAFT, *FINAL_STATES]).update(
        office_id=Subquery(serving[:1])
    )
