from django.core.management.base import BaseCommand

from curation.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Load or update roles, regions, categories, markets, document types, the default "
        "rubric and packaging checklist (a changed rubric or checklist is a new version)."
    )

    def handle(self, *args, **options):
        counts = load_reference_data()
        if options["verbosity"] > 0:
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count} created or changed")
