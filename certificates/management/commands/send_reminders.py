import argparse
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.reminders import certificates_expiring, permits_expired
from curation import reminders


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    # Here, in the certificates app, because it reads certificates: the workflow below
    # cannot import them (the layers run one way).
    help = (
        "Remind people, by an in-app notice and an e-mail in their language with a link to "
        "the page: documents expiring in 60, 30 and 7 days and certificates in 60 and 14 days "
        "(to the business, and for certificates the exporters it shares with), applications "
        "past their state's target (to whoever takes the next step and the coordinators), "
        "scoresheets not submitted in time (to the curator), a permit a valid certificate "
        "rested on that expired (to the region's coordinators and certifying officers). "
        "Each reminder goes once per threshold and person, so it is safe to run every hour, "
        "and twice at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="Act as if it were this day (to catch up on a missed day, or in tests); "
            "default: today in TIME_ZONE.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the reminders that would be sent, and send and record nothing.",
        )

    def handle(self, *args, today=None, dry_run=False, **options):
        today = today or timezone.localdate()
        due = [*reminders.due_on(today), *certificates_expiring(today), *permits_expired(today)]
        told = reminders.send(due, dry_run=dry_run)
        if options["verbosity"] == 0:
            return
        for reminder, user in told:
            self.stdout.write(
                f"{reminder.kind} ({reminder.threshold}) → {user.email or user.username} "
                f"[{reminders.language_of(user)}]: {reminders.subject_for(reminder, user)} "
                f"{settings.SITE_URL}{reminder.path}"
            )
        summary = "would be sent (dry run)" if dry_run else "sent"
        self.stdout.write(f"{today.isoformat()}: {len(told)} reminders {summary}.")
