"""Every application already submitted goes to the office that serves its region now (the
offices were made from the staff's regions in 0009, so it is the office whose staff have
been working on it). Drafts have none until they are submitted. One UPDATE, however many
applications."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def applications_to_offices(apps, schema_editor):
    Application = apps.get_model("curation", "Application")
    ServedRegion = apps.get_model("offices", "ServedRegion")
    serving = ServedRegion.objects.filter(region_id=OuterRef("region_id")).values("office_id")
    Application.objects.exclude(state="draft").update(office_id=Subquery(serving[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0010_application_office"),
        ("offices", "0001_initial"),
    ]

    operations = [migrations.RunPython(applications_to_offices, migrations.RunPython.noop)]
