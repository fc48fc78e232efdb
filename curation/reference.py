"""Loading the shipped reference data (a copy of shared/domain) into the database.

Loading again after the files changed brings the database up to them, and loading twice
changes nothing (a row that already agrees with its file is not written). Regions,
categories, markets and document types are updated in place, so a corrected fact (a
halal certificate that does not expire, Korea's IK-CEPA) holds from the next load on.

A rubric or checklist version is never changed: an application and its packaging
reviews keep the version they were made with. When the file says something no version
of its key says yet, it is added as a new version (the file's number, or the next free
one when an office's own copy took it) and becomes the one new applications use.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import models, transaction

from assessments.models import ChecklistItem, Criterion, PackagingChecklist, Rubric
from kernel.roles import Role
from products.models import Category, DocumentType, Market, Region

DATA_DIR = Path(__file__).resolve().parent / "reference_data"

# documents.json names who needs a document in words; the model has a closed set.
REQUIRED_FOR = {
    "all": DocumentType.RequiredFor.ALL,
    "food": DocumentType.RequiredFor.FOOD,
    "food_home_industry": DocumentType.RequiredFor.FOOD_REGISTRATION,
    "food_industrial": DocumentType.RequiredFor.FOOD_REGISTRATION,
}


def read(name: str, directory: Path = DATA_DIR) -> dict:
    return json.loads((directory / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_reference_data(directory: Path = DATA_DIR) -> dict[str, int]:
    """Bring groups, regions, categories, markets, document types, the rubric and the
    packaging checklist up to the files in `directory`. Returns how many rows of each it
    created or changed (a rubric or checklist counts once per version added)."""
    counts = {}
    counts["roles"] = sum(Group.objects.get_or_create(name=role.value)[1] for role in Role)

    counts["regions"] = sum(
        _put(Region, {"code": region["code"]}, name=region["name"], province=region["province"])
        for region in read("regions.json", directory)["regions"]
    )

    counts["categories"] = sum(
        _put(
            Category,
            {"key": category["key"]},
            kind=category["kind"],
            plant_or_wood=bool(category.get("plant_or_wood") or category.get("plant")),
            hs_headings=category["hs"],
            label_id=category["label"]["id"],
            label_en=category["label"]["en"],
        )
        for category in read("categories.json", directory)["categories"]
    )

    counts["markets"] = sum(
        _put(
            Market,
            {"key": market["key"]},
            name_id=market["name"]["id"],
            name_en=market["name"]["en"],
            origin_proof=market["origin_proof"],
            extra_requirements=market["extra"],
            confirmed=market["tag"] == "C",
        )
        for market in read("markets.json", directory)["markets"]
    )

    counts["document types"] = sum(
        _put(
            DocumentType,
            {"key": doc["key"]},
            scope=doc["scope"],
            label_id=doc["label"]["id"],
            label_en=doc["label"]["en"],
            issuer=doc.get("issuer", ""),
            number_pattern=doc.get("pattern") or "",
            number_confirmed=doc["tag"] == "C" and bool(doc.get("pattern")),
            required_for=REQUIRED_FOR.get(doc["required_for"], DocumentType.RequiredFor.NONE),
            expires=bool(doc.get("expires")),
            validity_years=doc.get("validity_years"),
            has_number=doc["key"] not in ("product_photo", "packaging_photo", "lab_test"),
            rule=doc.get("rule", ""),
        )
        for doc in read("documents.json", directory)["documents"]
    )

    counts["rubrics"] = _load_rubric(read("rubric-default.json", directory))
    counts["checklists"] = _load_checklist(read("packaging-checklist.json", directory))
    return counts


def _put(model: type[models.Model], lookup: dict, **values) -> bool:
    """Create the row found by `lookup`, or change those of its `values` that differ.
    Returns whether it wrote anything."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        model._default_manager.create(**lookup, **values)
        return True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save(update_fields=changed)
    return bool(changed)


def _load_rubric(data: dict) -> int:
    fields = {
        "title_id": data["title"]["id"],
        "title_en": data["title"]["en"],
        "pass_mark": Decimal(str(data["pass_mark"])),
        "disagreement_spread": data["disagreement_spread"],
        "min_curators": data["min_curators"],
        "grades": data["grades"],
        "levels": data["scale"]["levels"],
    }
    criteria = [
        {
            "key": criterion["key"],
            "position": position,
            "weight": criterion["weight"],
            "floor": criterion.get("floor"),
            "floor_applies_to": criterion.get("floor_applies_to", "all"),
            "label_id": criterion["label"]["id"],
            "label_en": criterion["label"]["en"],
            "anchors": criterion["anchors"],
        }
        for position, criterion in enumerate(data["criteria"])
    ]
    return _add_version(Rubric, data, fields, criteria, part_model=Criterion, parent="rubric")


def _load_checklist(data: dict) -> int:
    # "categories" may name a category or a kind ("food" covers every food category); a
    # name that is neither would hide its item from every product, so it is refused.
    known = set(Category.objects.values_list("key", flat=True)) | set(Category.Kind.values)
    for item in data["items"]:
        unknown = sorted(set(item.get("categories", [])) - known)
        if unknown:
            raise ValueError(
                f"packaging-checklist.json item {item['key']!r}: {', '.join(unknown)} is "
                "neither a category key of categories.json nor a kind"
            )
    items = [
        {
            "key": item["key"],
            "position": position,
            "applies": item["applies"],
            "categories": item.get("categories", []),
            "mandatory": item["mandatory"],
            "label_id": item["label"]["id"],
            "label_en": item["label"]["en"],
        }
        for position, item in enumerate(data["items"])
    ]
    return _add_version(
        PackagingChecklist, data, {}, items, part_model=ChecklistItem, parent="checklist"
    )


def _add_version(model, data: dict, fields: dict, parts: list[dict], *, part_model, parent):
    """Add the file's rubric or checklist as a new version unless a version of its key
    already says the same. Returns 1 when it added one."""
    related = part_model._meta.get_field(parent).remote_field.related_name
    versions = list(model.objects.filter(key=data["key"]).prefetch_related(related))
    if any(_says(version, fields, parts, related) for version in versions):
        return 0
    taken = {version.version for version in versions}
    number = data["version"] if data["version"] not in taken else max(taken) + 1
    added = model.objects.create(key=data["key"], version=number, **fields)
    part_model.objects.bulk_create(part_model(**{parent: added}, **part) for part in parts)
    # New applications use the corrected version; switching the others off (the admin's
    # "use this version" does the same) changes nothing an application used.
    for version in versions:
        if version.is_active:
            version.is_active = False
            version.save(update_fields=["is_active"])
    return 1


def _says(version, fields: dict, parts: list[dict], related: str) -> bool:
    """Whether `version` holds `fields` and exactly `parts`, in their order."""
    if any(getattr(version, name) != value for name, value in fields.items()):
        return False
    held = sorted(getattr(version, related).all(), key=lambda part: part.position)
    if len(held) != len(parts):
        return False
    return all(
        getattr(part, name) == value
        for part, want in zip(held, parts, strict=True)
        for name, value in want.items()
    )
