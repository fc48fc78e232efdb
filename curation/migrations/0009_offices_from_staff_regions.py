"""One office per region that has staff today, so nobody's work changes: regions that
share a member of staff (someone who worked for Kota Kediri and Kabupaten Nganjuk) become
one office serving both, as that person's queue already did. The office is named after
its home region, the one with the most staff, and numbers its certificates with that
region's code, as the regions did before.
"""

from collections import Counter

from django.db import migrations


def offices_from_staff_regions(apps, schema_editor):
    Profile = apps.get_model("curation", "Profile")
    Office = apps.get_model("offices", "Office")
    ServedRegion = apps.get_model("offices", "ServedRegion")
    Region = apps.get_model("products", "Region")

    staff_regions: dict[int, set[int]] = {}
    for profile_id, region_id in Profile.regions.through.objects.values_list(
        "profile_id", "region_id"
    ):
        staff_regions.setdefault(profile_id, set()).add(region_id)
    if not staff_regions:
        return

    # Union-find over regions: each person's regions end up in one group.
    parent: dict[int, int] = {}

    def root(region_id):
        parent.setdefault(region_id, region_id)
        while parent[region_id] != region_id:
            parent[region_id] = parent[parent[region_id]]
            region_id = parent[region_id]
        return region_id

    for region_ids in staff_regions.values():
        first, *rest = sorted(region_ids)
        for other in rest:
            parent[root(other)] = root(first)
        root(first)

    groups: dict[int, set[int]] = {}
    for region_id in list(parent):
        groups.setdefault(root(region_id), set()).add(region_id)

    staff_count = Counter(r for region_ids in staff_regions.values() for r in region_ids)
    regions = Region.objects.in_bulk(list(parent))
    office_of_region: dict[int, int] = {}
    for region_ids in groups.values():
        home = min(region_ids, key=lambda r: (-staff_count[r], regions[r].code))
        office = Office.objects.create(
            name=f"Rumah Kurasi {regions[home].name}",
            code=regions[home].code,
            home_region_id=home,
        )
        ServedRegion.objects.bulk_create(
            ServedRegion(office=office, region_id=r) for r in sorted(region_ids)
        )
        office_of_region.update(dict.fromkeys(region_ids, office.pk))

    for profile_id, region_ids in staff_regions.items():
        Profile.objects.filter(pk=profile_id).update(office_id=office_of_region[min(region_ids)])


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0008_profile_office"),
        ("offices", "0001_initial"),
    ]

    operations = [migrations.RunPython(offices_from_staff_regions, migrations.RunPython.noop)]
