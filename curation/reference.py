"""Loading the shipped reference data (a copy of shared/domain) into the database.

Idempotent: a second load changes nothing. A rubric or checklist version already in the
database is left as it is (a used version must never change); a new version in the
files is added beside it.
"""

import json
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction

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


def read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Create or update groups, regions, categories, markets, document types, and add the
    rubric and checklist versions not yet present. Returns how many rows each touched."""
    counts = {}
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    counts["roles"] = len(Role)

    for region in read("regions.json")["regions"]:
        Region.objects.update_or_create(
            code=region["code"], defaults={"name": region["name"], "province": region["province"]}
        )
    counts["regions"] = Region.objects.count()

    for category in read("categories.json")["categories"]:
        Category.objects.update_or_create(
            key=category["key"],
            defaults={
                "kind": category["kind"],
                "plant_or_wood": bool(category.get("plant_or_wood") or category.get("plant")),
                "hs_headings": category["hs"],
                "label_id": category["label"]["id"],
                "label_en": category["label"]["en"],
            },
        )
    counts["categories"] = Category.objects.count()

    markets = read("markets.json")
    for market in markets["markets"]:
        Market.objects.update_or_create(
            key=market["key"],
            defaults={
                "name_id": market["name"]["id"],
                "name_en": market["name"]["en"],
                "origin_proof": market["origin_proof"],
                "extra_requirements": market["extra"],
                "confirmed": market["tag"] == "C",
            },
        )
    counts["markets"] = Market.objects.count()

    for doc in read("documents.json")["documents"]:
        DocumentType.objects.update_or_create(
            key=doc["key"],
            defaults={
                "scope": doc["scope"],
                "label_id": doc["label"]["id"],
                "label_en": doc["label"]["en"],
                "issuer": doc.get("issuer", ""),
                "number_pattern": doc.get("pattern") or "",
                "number_confirmed": doc["tag"] == "C" and bool(doc.get("pattern")),
                "required_for": REQUIRED_FOR.get(
                    doc["required_for"], DocumentType.RequiredFor.NONE
                ),
                "expires": bool(doc.get("expires")),
                "validity_years": doc.get("validity_years"),
                "has_number": doc["key"] not in ("product_photo", "packaging_photo", "lab_test"),
                "rule": doc.get("rule", ""),
            },
        )
    counts["document types"] = DocumentType.objects.count()

    counts["rubrics"] = _load_rubric(read("rubric-default.json"))
    counts["checklists"] = _load_checklist(read("packaging-checklist.json"))
    return counts


def _load_rubric(data: dict) -> int:
    if Rubric.objects.filter(key=data["key"], version=data["version"]).exists():
        return 0
    rubric = Rubric.objects.create(
        key=data["key"],
        version=data["version"],
        title_id=data["title"]["id"],
        title_en=data["title"]["en"],
        pass_mark=data["pass_mark"],
        disagreement_spread=data["disagreement_spread"],
        min_curators=data["min_curators"],
        grades=data["grades"],
        levels=data["scale"]["levels"],
    )
    for position, criterion in enumerate(data["criteria"]):
        Criterion.objects.create(
            rubric=rubric,
            key=criterion["key"],
            position=position,
            weight=criterion["weight"],
            floor=criterion.get("floor"),
            floor_applies_to=criterion.get("floor_applies_to", "all"),
            label_id=criterion["label"]["id"],
            label_en=criterion["label"]["en"],
            anchors=criterion["anchors"],
        )
    return 1


def _load_checklist(data: dict) -> int:
    if PackagingChecklist.objects.filter(key=data["key"], version=data["version"]).exists():
        return 0
    checklist = PackagingChecklist.objects.create(key=data["key"], version=data["version"])
    for position, item in enumerate(data["items"]):
        ChecklistItem.objects.create(
            checklist=checklist,
            key=item["key"],
            position=position,
            applies=item["applies"],
            mandatory=item["mandatory"],
            label_id=item["label"]["id"],
            label_en=item["label"]["en"],
        )
    return 1
