"""Each audit row keeps when the application entered the state it left (the stay it
ends), filled in for the rows that exist: the time of the application's row before it,
or for its first row, the application's creation."""

from django.db import migrations, models

FILL = """
UPDATE curation_transitionlog SET source_since = COALESCE(
    (
        SELECT earlier.at FROM curation_transitionlog earlier
        WHERE earlier.application_id = curation_transitionlog.application_id
          AND (earlier.at < curation_transitionlog.at
               OR (earlier.at = curation_transitionlog.at
                   AND earlier.id < curation_transitionlog.id))
        ORDER BY earlier.at DESC, earlier.id DESC
        LIMIT 1
    ),
    (
        SELECT a.created_at FROM curation_application a
        WHERE a.id = curation_transitionlog.application_id
    )
)
"""


class Migration(migrations.Migration):
    dependencies = [("curation", "0014_application_submitted_and_certified_at")]

    operations = [
        migrations.AddField(
            model_name="transitionlog",
            name="source_since",
            field=models.DateTimeField(null=True, verbose_name="in the former state since"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="transitionlog",
            name="source_since",
            field=models.DateTimeField(verbose_name="in the former state since"),
        ),
    ]
