from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from curation.models import Profile


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="curation_profile_for_user")
def create_profile(sender, instance, created, raw=False, **kwargs):
    # Every user has a profile, so language and regions never need a None check.
    if created and not raw:
        Profile.objects.get_or_create(user=instance)
