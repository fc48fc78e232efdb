"""Application.region: the region of the product's business, copied onto the application
(what every regional list filters on). Added empty, then filled from the businesses; the
next migration makes it required and indexes it (in a transaction of its own: PostgreSQL
refuses to alter a table whose rows this one's still has foreign-key checks pending for)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_business_regions(apps, schema_editor):
    Application = apps.get_model("curation", "Application")
    Product = apps.get_model("products", "Product")
    region = Product.objects.filter(pk=OuterRef("product_id")).order_by().values("business__region")
    Application.objects.update(region=Subquery(region[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0003_curator_assignment_history"),
        ("products", "0002_businessinvitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="region",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="products.region",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(copy_business_regions, migrations.RunPython.noop),
    ]
