import django.db.models.deletion
from django.db import migrations, models

import products.links
import products.validators


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0004_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="business",
            name="export_contact_email",
            field=models.EmailField(
                blank=True, max_length=254, verbose_name="export contact's e-mail"
            ),
        ),
        migrations.AddField(
            model_name="business",
            name="export_contact_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="export contact"),
        ),
        migrations.AddField(
            model_name="business",
            name="export_contact_phone",
            field=models.CharField(
                blank=True,
                max_length=20,
                validators=[products.validators.validate_phone],
                verbose_name="export contact's phone",
            ),
        ),
        migrations.AddField(
            model_name="business",
            name="export_contact_whatsapp",
            field=models.BooleanField(
                default=False, verbose_name="the number takes WhatsApp messages"
            ),
        ),
        migrations.AddField(
            model_name="business",
            name="show_contact_email",
            field=models.BooleanField(
                default=False, verbose_name="show the export contact's e-mail to buyers"
            ),
        ),
        migrations.AddField(
            model_name="business",
            name="show_contact_phone",
            field=models.BooleanField(
                default=False, verbose_name="show the export contact's phone to buyers"
            ),
        ),
        migrations.CreateModel(
            name="Link",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("website", "Website"),
                            ("shop", "Online shop"),
                            ("social", "Social media"),
                        ],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                (
                    "url",
                    models.URLField(
                        max_length=300,
                        validators=[products.links.validate_link_url],
                        verbose_name="address",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(default=0, verbose_name="position"),
                ),
                (
                    "business",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="products.business",
                        verbose_name="business",
                    ),
                ),
                (
                    "product",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="products.product",
                        verbose_name="product",
                    ),
                ),
            ],
            options={
                "verbose_name": "web link",
                "verbose_name_plural": "web links",
                "ordering": ["position", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("product__isnull", True)),
                        fields=("business", "url"),
                        name="link_unique_business_url",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("product__isnull", False)),
                        fields=("product", "url"),
                        name="link_unique_product_url",
                    ),
                ],
            },
        ),
    ]
