"""The first submission and the certification kept on the application, filled in from
the audit trail for the applications that exist."""

from django.db import migrations, models

FILL = """
UPDATE curation_application SET
    submitted_at = (
        SELECT MIN(l.at) FROM curation_transitionlog l
        WHERE l.application_id = curation_application.id AND l.target = 'submitted'
    ),
    certified_at = (
        SELECT MIN(l.at) FROM curation_transitionlog l
        WHERE l.application_id = curation_application.id AND l.target = 'certified'
    )
WHERE state <> 'draft'
"""


class Migration(migrations.Migration):
    dependencies = [("curation", "0013_reminder_permit_expired")]

    operations = [
        migrations.AddField(
            model_name="application",
            name="submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="submitted"),
        ),
        migrations.AddField(
            model_name="application",
            name="certified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="certified"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
