"""Rubric and packaging checklist versions are data that, once an application has used
them, never change: a change is a new version (WORKFLOW.md, Scoring)."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError

from assessments.admin import copy_version
from assessments.models import ChecklistItem, Criterion, PackagingChecklist, Rubric
from tests import factories as f

LOCKED = "has been used by an application and cannot be changed; make a new version instead"


def rename(version):
    if isinstance(version, Rubric):
        version.title_en = "Changed title"
    else:
        version.key = "changed-key"
    version.save()


def change_part(version):
    part = parts(version).first()
    if isinstance(part, Criterion):
        part.weight += 5
    else:
        part.mandatory = not part.mandatory
    part.save()


def add_part(version):
    if isinstance(version, Rubric):
        Criterion.objects.create(
            rubric=version, key="taste", weight=5, label_id="Rasa", label_en="Taste"
        )
    else:
        ChecklistItem.objects.create(
            checklist=version, key="qr_code", applies="all", label_id="Kode QR", label_en="QR code"
        )


def delete_part(version):
    parts(version).first().delete()


def delete_version(version):
    version.delete()


def parts(version):
    return version.criteria.all() if isinstance(version, Rubric) else version.items.all()


CHANGES = [rename, change_part, add_part, delete_part, delete_version]


@pytest.fixture
def used_rubric(office):
    return office.new_application().rubric


@pytest.fixture
def used_checklist(bring_to):
    # A checklist is used once a packaging review has been opened on it.
    return bring_to("packaging_review").packaging_checklist


@pytest.fixture(params=["rubric", "checklist"])
def used_version(request):
    return request.getfixturevalue(f"used_{request.param}")


@pytest.fixture(params=["rubric", "checklist"])
def unused_version(request, db):
    if request.param == "rubric":
        return copy_version(Rubric.objects.get(key="siap-ekspor-default", version=1))
    return copy_version(PackagingChecklist.objects.order_by("version").first())


def snapshot(version):
    version = type(version).objects.get(pk=version.pk)
    fields = ["key", "weight", "floor"] if isinstance(version, Rubric) else ["key", "mandatory"]
    return (str(version), version.key, list(parts(version).values_list(*fields)))


@pytest.mark.parametrize("change", CHANGES)
def test_a_used_version_cannot_be_changed(used_version, change):
    before = snapshot(used_version)

    with pytest.raises(ValidationError) as refusal:
        change(used_version)

    assert LOCKED in refusal.value.messages[0]
    assert snapshot(used_version) == before


@pytest.mark.parametrize("change", [rename, change_part, add_part, delete_part])
def test_an_unused_version_can_be_changed(unused_version, change):
    before = snapshot(unused_version)
    change(unused_version)
    assert snapshot(unused_version) != before


def test_an_unused_version_can_be_deleted(unused_version):
    model, pk = type(unused_version), unused_version.pk
    unused_version.delete()
    assert not model.objects.filter(pk=pk).exists()


def test_copying_a_used_rubric_makes_the_next_version_with_the_same_criteria(used_rubric):
    original = Rubric.objects.get(pk=used_rubric.pk)

    copy = copy_version(used_rubric)

    assert copy.pk != original.pk
    assert (copy.key, copy.version) == (original.key, original.version + 1)
    assert (copy.pass_mark, copy.grades, copy.min_curators) == (
        original.pass_mark,
        original.grades,
        original.min_curators,
    )
    fields = ["key", "position", "weight", "floor", "floor_applies_to", "label_en", "anchors"]
    assert list(copy.criteria.values_list(*fields)) == list(original.criteria.values_list(*fields))
    assert not copy.is_used


def test_the_copy_is_editable_while_the_used_original_stays_as_it_was(used_rubric):
    before = snapshot(used_rubric)
    copy = copy_version(Rubric.objects.get(pk=used_rubric.pk))

    legality = copy.criteria.get(key="legality")
    legality.floor = 4
    legality.save()
    copy.criteria.get(key="management_traceability").delete()
    copy.pass_mark = 75
    copy.save()

    copy.refresh_from_db()
    assert copy.pass_mark == 75
    assert copy.criteria.get(key="legality").floor == 4
    assert not copy.criteria.filter(key="management_traceability").exists()
    assert snapshot(used_rubric) == before
    with pytest.raises(ValidationError):
        rename(Rubric.objects.get(pk=used_rubric.pk))


def test_copying_twice_numbers_the_versions_in_order(used_rubric):
    first = copy_version(Rubric.objects.get(pk=used_rubric.pk))
    second = copy_version(Rubric.objects.get(pk=used_rubric.pk))
    assert (first.version, second.version) == (used_rubric.version + 1, used_rubric.version + 2)


def test_copying_a_used_checklist_makes_an_editable_next_version(used_checklist):
    copy = copy_version(PackagingChecklist.objects.get(pk=used_checklist.pk))

    assert copy.version == used_checklist.version + 1
    assert list(copy.items.values_list("key", "mandatory", "applies")) == list(
        used_checklist.items.values_list("key", "mandatory", "applies")
    )
    change_part(copy)  # does not raise


@pytest.mark.parametrize("model", [Rubric, Criterion])
def test_the_admin_shows_a_used_version_read_only_and_an_unused_one_editable(
    rf, used_rubric, model
):
    root = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]
    copy = copy_version(Rubric.objects.get(pk=used_rubric.pk))
    used, unused = (
        (used_rubric, copy)
        if model is Rubric
        else (used_rubric.criteria.first(), copy.criteria.first())
    )

    assert not model_admin.has_change_permission(request, used)
    assert not model_admin.has_delete_permission(request, used)
    assert model_admin.has_change_permission(request, unused)
    assert model_admin.has_delete_permission(request, unused)


def test_a_used_rubric_is_retired_by_switching_on_its_edited_copy(client, office, bring_to):
    from assessments.admin import copy_version
    from assessments.models import Rubric
    from curation import services
    from tests.factories import ProductFactory, UserFactory

    application = bring_to("submitted")
    used = application.rubric
    copy = copy_version(used)
    assert copy.is_active is False
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/assessments/rubric/",
        {"action": "make_active", "_selected_action": [copy.pk]},
    )

    assert response.status_code == 302
    used.refresh_from_db()
    copy.refresh_from_db()
    assert (used.is_active, copy.is_active) == (False, True)
    application.refresh_from_db()
    assert application.rubric == used
    later = services.application_create(
        product=ProductFactory(business=office.business), by=office.msme
    )
    assert later.rubric == copy
    assert Rubric.objects.filter(key=used.key).count() == 2
