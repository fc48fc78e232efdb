import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_share_by_email"),
        ("offices", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificate",
            name="certificate_unique_serial",
        ),
        migrations.AddField(
            model_name="certificate",
            name="office",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="offices.office",
                verbose_name="issuing office",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="office_letterhead",
            field=models.TextField(blank=True, verbose_name="letterhead (as printed)"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="office_name",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="issuing office (as printed)"
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="signatory_name",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="signatory (as printed)"
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="signatory_title",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="signatory's title (as printed)"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="products.region",
                verbose_name="region",
            ),
        ),
        # Emptied, then removed (0006): the counters move to the offices (0005).
        migrations.AlterField(
            model_name="certificatecounter",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="products.region",
                verbose_name="region",
            ),
        ),
        migrations.AddField(
            model_name="certificatecounter",
            name="office",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offices.office",
                verbose_name="office",
            ),
        ),
    ]
