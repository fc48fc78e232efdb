from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from curation.models import Profile

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
