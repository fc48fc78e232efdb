"""Loading the reference data (curation/reference_data, a copy of shared/domain) brings
the database up to the files: a corrected row is updated, a changed checklist or rubric
becomes a new version while whatever used the old one keeps it, and loading twice
changes nothing."""

import json
import shutil

import pytest
from django.core.management import call_command

from assessments.models import PackagingChecklist, PackagingItemResult, Rubric
from assessments.rules import packaging_items
from curation.reference import DATA_DIR, load_reference_data
from kernel.states import State
from products.models import DocumentType, Market
from tests import factories as f

pytestmark = pytest.mark.django_db

CHECKLIST = "export-packaging-default"


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the shipped files, to change as a later release would."""
    copy = tmp_path / "reference_data"
    shutil.copytree(DATA_DIR, copy)
    return copy


def edit(directory, name, change):
    path = directory / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def item(data, key):
    return next(i for i in data["items"] if i["key"] == key)


def test_loading_the_shipped_files_again_writes_nothing():
    assert set(load_reference_data().values()) == {0}


def test_a_corrected_row_is_updated():
    # As the rows were before the corrections to shared/domain.
    Market.objects.filter(key="kr").update(origin_proof="Form AK (AKFTA)")
    DocumentType.objects.filter(key="halal").update(expires=True, rule="")

    counts = load_reference_data()

    assert (counts["markets"], counts["document types"], counts["regions"]) == (1, 1, 0)
    assert "IK-CEPA" in Market.objects.get(key="kr").origin_proof
    halal = DocumentType.objects.get(key="halal")
    assert not halal.expires and "UU 6/2023 art. 42" in halal.rule


def test_the_shipped_checklist_narrows_food_rules_to_food():
    checklist = PackagingChecklist.objects.get(key=CHECKLIST, is_active=True)
    categories = dict(checklist.items.values_list("key", "categories"))
    assert categories["gacc_registration"] == categories["eu_legibility"] == ["food"]
    assert categories["origin_marking"] == []


def test_a_changed_checklist_is_a_new_version_and_an_old_review_keeps_its_own(
    office, bring_to, data_dir
):
    application = bring_to(State.PACKAGING_REVIEW)
    f.review_all(application, office.reviewer)
    review = application.current_packaging_review
    used = review.checklist
    before = list(used.items.values_list("key", "mandatory", "label_en"))
    edit(
        data_dir,
        "packaging-checklist.json",
        lambda data: item(data, "barcode").update(mandatory=True),
    )

    counts = load_reference_data(data_dir)

    assert counts["checklists"] == 1 and counts["rubrics"] == 0
    added = PackagingChecklist.objects.get(key=CHECKLIST, is_active=True)
    # The file's number is taken by the used version, so the next free one.
    assert added.version == used.version + 1
    assert added.items.get(key="barcode").mandatory
    used.refresh_from_db()
    assert not used.is_active
    assert list(used.items.values_list("key", "mandatory", "label_en")) == before
    review.refresh_from_db()
    application.refresh_from_db()
    assert review.checklist == used and application.packaging_checklist == used
    assert PackagingItemResult.objects.filter(review=review, item__checklist=used).exists()
    assert not any(i.key == "barcode" and i.mandatory for i in packaging_items(application))

    # A new application gets the new version; loading again adds nothing.
    later = office.new_application(f.ProductFactory(business=office.business))
    assert later.packaging_checklist == added
    assert load_reference_data(data_dir)["checklists"] == 0
    assert PackagingChecklist.objects.filter(key=CHECKLIST).count() == 2


def test_a_new_version_number_in_the_file_is_kept(data_dir):
    edit(data_dir, "rubric-default.json", lambda data: data.update(version=7, pass_mark=75))

    assert load_reference_data(data_dir)["rubrics"] == 1

    rubric = Rubric.objects.get(is_active=True)
    assert (rubric.version, rubric.pass_mark) == (7, 75)
    assert Rubric.objects.filter(key=rubric.key).count() == 2


def test_a_checklist_naming_an_unknown_category_is_refused_whole(data_dir):
    def misspell(data):
        item(data, "gacc_registration")["categories"] = ["fod"]
        data["version"] = 9

    edit(data_dir, "packaging-checklist.json", misspell)
    Market.objects.filter(key="kr").update(origin_proof="Form AK (AKFTA)")

    with pytest.raises(ValueError, match="'gacc_registration': fod is neither a category"):
        load_reference_data(data_dir)

    assert not PackagingChecklist.objects.filter(version=9).exists()
    assert Market.objects.get(key="kr").origin_proof == "Form AK (AKFTA)"  # all or nothing


def test_the_command_says_what_it_changed(capsys):
    Market.objects.filter(key="kr").update(origin_proof="Form AK (AKFTA)")
    call_command("load_reference_data")
    out = capsys.readouterr().out
    assert "markets: 1 created or changed" in out
    assert "checklists: 0 created or changed" in out
