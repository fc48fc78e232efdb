"""The office chooses the rubric and packaging checklist versions its new applications use;
by default the newest active ones."""

from django.urls import reverse

from assessments.models import Criterion, PackagingChecklist, Rubric
from tests.offices.staff_helpers import make_admin
from tests.staff.page_helpers import page


def newer_rubric():
    """A version 2 of the default rubric, as the reference data would load one."""
    current = Rubric.objects.filter(is_active=True).order_by("-version").first()
    criteria = list(current.criteria.all())
    newer = Rubric.objects.create(
        key=current.key,
        version=current.version + 1,
        title_id=current.title_id,
        title_en=current.title_en + " (revised)",
        pass_mark=current.pass_mark,
        min_curators=current.min_curators,
        grades=current.grades,
        levels=current.levels,
    )
    for criterion in criteria:
        criterion.pk = None
        criterion.rubric = newer
        criterion.save()
    return current, newer


def test_the_newest_by_default_and_the_office_s_choice_after(office, client):
    current, newer = newer_rubric()
    assert office.new_application().rubric == newer
    office.product.applications.all().delete()

    admin = make_admin(office)
    client.force_login(admin)
    html = page(client, reverse("curation:office_versions"))
    assert str(newer) in html
    checklist = PackagingChecklist.objects.filter(is_active=True).order_by("-version").first()
    response = client.post(
        reverse("curation:office_versions"),
        {"rubric": str(current.pk), "packaging_checklist": str(checklist.pk)},
    )
    assert response.status_code == 302

    application = office.new_application()
    assert application.rubric == current
    assert application.packaging_checklist == checklist
    assert Criterion.objects.filter(rubric=newer).count() == current.criteria.count()
