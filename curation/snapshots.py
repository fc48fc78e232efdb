"""What changed in a product between a revision request and the business's answer:
the product as it stood when the revision was asked for, and the difference from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q

from products.models import Document, Product


def product_snapshot(product: Product) -> dict[str, str | list[str]]:
    fields = [
        "name",
        "hs_code",
        "description",
        "materials",
        "monthly_capacity",
        "capacity_unit",
        "shelf_life_days",
        "fob_price",
        "fob_currency",
    ]
    data: dict[str, str | list[str]] = {
        f: str(getattr(product, f) if getattr(product, f) is not None else "") for f in fields
    }
    data["category"] = product.category.key
    data["target_markets"] = sorted(product.target_markets.values_list("key", flat=True))
    data["documents"] = sorted(
        Document.objects.filter(
            Q(business=product.business, product__isnull=True) | Q(product=product)
        ).values_list("sha256", flat=True)
    )
    return data


def snapshot_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    changes = [key for key in after if key != "documents" and before.get(key) != after[key]]
    added = set(after.get("documents", [])) - set(before.get("documents", []))
    removed = set(before.get("documents", [])) - set(after.get("documents", []))
    if added:
        changes.append(f"documents_added:{len(added)}")
    if removed:
        changes.append(f"documents_removed:{len(removed)}")
    return changes
