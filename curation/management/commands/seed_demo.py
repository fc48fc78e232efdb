import logging
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError

from curation.demo import DEMO_PASSWORD, SeedError, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo logins, businesses, products and an application in every state "
        "(development only: refused when DEBUG is off). Safe to run again: it adds only "
        "what is missing."
    )

    def handle(self, *args, **options):
        try:
            with _quiet_background_logs(options["verbosity"]):
                report = seed_demo()
        except SeedError as e:
            raise CommandError(str(e)) from e
        if options["verbosity"] == 0:
            return
        kinds = sorted(report.created.keys() | report.found.keys())
        self.stdout.write(
            self.style.SUCCESS("Demo data ready: ")
            + "; ".join(
                f"{kind} {report.created[kind]} new, {report.found[kind]} already there"
                for kind in kinds
            )
        )
        self.stdout.write(f"\nLogins (password for every one: {DEMO_PASSWORD})")
        rows = [("username", "roles", "office", "language", "")]
        for person, user in report.logins:
            roles = ", ".join(role.value for role in person.roles) or (
                "superuser" if person.is_superuser else "-"
            )
            office = person.office or "-"
            rows.append((user.get_username(), roles, office, person.language, person.note))
        self._table(rows)
        self.stdout.write("\nApplications")
        rows = [("state", "product", "business", "grade")]
        for application in report.applications:
            grade = f"{application.grade} ({application.final_score})" if application.grade else ""
            rows.append(
                (application.state, application.product.name, application.business.name, grade)
            )
        self._table(rows)

    def _table(self, rows):
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            line = "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            )
            self.stdout.write("  " + line.rstrip())


@contextmanager
def _quiet_background_logs(verbosity: int):
    """The workflow's background tasks (e-mails, certificate rendering) log every run at
    INFO; below -v 2 keep them out of the way of the summary. Warnings still show."""
    if verbosity >= 2:
        yield
        return
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(previous)
