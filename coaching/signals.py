"""What coaching does when the demo is seeded: its programmes and referrals
(`coaching.demo`), in the seed's transaction."""

from django.dispatch import receiver

from coaching.demo import seed_coaching
from curation.demo import demo_seeded


@receiver(demo_seeded, dispatch_uid="coaching_seed_demo")
def seed_demo_coaching(sender, report, **kwargs):
    seed_coaching(report)
