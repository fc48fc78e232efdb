import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0005_counters_to_offices"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificatecounter",
            name="certificatecounter_unique",
        ),
        migrations.RemoveField(
            model_name="certificatecounter",
            name="region",
        ),
        migrations.AlterField(
            model_name="certificatecounter",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offices.office",
                verbose_name="office",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificatecounter",
            constraint=models.UniqueConstraint(
                fields=("office", "year"), name="certificatecounter_office"
            ),
        ),
    ]
