"""Trigram indexes for the application searches (`products.selectors.product_ids_matching`):
on PostgreSQL a case-insensitive substring search of a product's name, or of a business's
name or NIB, is an index scan rather than a check of every row. Django's `icontains`
compares UPPER(column::text), so that is what is indexed.

Needs the pg_trgm extension: a trusted extension since PostgreSQL 13, which the
database's owner may create. Nothing on SQLite, where the searches scan (a single office's
data)."""

from django.db import migrations

INDEXES = {
    "products_product_name_trigram": ("products_product", "name"),
    "products_business_name_trigram": ("products_business", "name"),
    "products_business_nib_trigram": ("products_business", "nib"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("products", "0003_document_type_expires_help")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
