"""What the catalogue does when the demo is seeded: list most of the demo's certified
products and publish its collection (`catalogue.demo`), in the seed's transaction."""

from django.dispatch import receiver

from catalogue.demo import seed_catalogue
from curation.demo import demo_seeded


@receiver(demo_seeded, dispatch_uid="catalogue_seed_demo")
def list_demo_products(sender, report, **kwargs):
    seed_catalogue(report)
