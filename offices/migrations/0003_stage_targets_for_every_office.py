"""Every office gets a target for each stage the workflow waits on: the office-wide targets
set in the admin until now (`curation.StateTarget`, in calendar days) turned into working
days (five in seven, rounded, at least one), else the default service standard."""

from django.db import migrations

DEFAULT_TARGET_DAYS = {
    "submitted": 5,
    "in_curation": 10,
    "packaging_review": 5,
    "awaiting_certification": 3,
}


def seed_stage_targets(apps, schema_editor):
    Office = apps.get_model("offices", "Office")
    StageTarget = apps.get_model("offices", "StageTarget")
    StateTarget = apps.get_model("curation", "StateTarget")
    set_before = {
        state: max(1, round(days * 5 / 7))
        for state, days in StateTarget.objects.values_list("state", "days")
        if state in DEFAULT_TARGET_DAYS
    }
    days_for = {**DEFAULT_TARGET_DAYS, **set_before}
    StageTarget.objects.bulk_create(
        StageTarget(office_id=office_id, state=state, days=days)
        for office_id in Office.objects.values_list("pk", flat=True)
        for state, days in days_for.items()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0002_office_administration"),
        # The offices made from the regions' staff, and the targets set until now.
        ("curation", "0009_offices_from_staff_regions"),
    ]

    operations = [migrations.RunPython(seed_stage_targets, migrations.RunPython.noop)]
