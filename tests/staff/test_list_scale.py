"""The lists built to scale (a hundred thousand applications) show exactly what they
showed before: who sees which application (read from the user's businesses, regions and
assignments first, and from the region copied onto each application), the work queues,
the region filter's choices; and pages counted only as far as they need, which say so.

The reference is the access rule itself, written with the business's own region and the
joins, never with the copy or the selectors' shortcuts."""

import pytest
from django.contrib import admin
from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse

from curation import services
from curation.models import Application, CuratorAssignment
from curation.selectors import (
    applications_visible_to,
    get_application_for_user,
    region_choices,
    visible_among,
    work_queues,
)
from kernel import pagination
from kernel.pagination import BoundedPaginator, SearchPaginator
from kernel.roles import Role
from kernel.states import State
from products.models import Membership, Region
from tests import factories as f
from tests.staff.page_helpers import page

REGIONAL = {Role.COORDINATOR, Role.PACKAGING_REVIEWER, Role.CERTIFYING_OFFICER, Role.REGIONAL_ADMIN}
QUEUE_STATES = {
    Role.COORDINATOR: State.SUBMITTED,
    Role.PACKAGING_REVIEWER: State.PACKAGING_REVIEW,
    Role.CERTIFYING_OFFICER: State.AWAITING_CERTIFICATION,
}


def reference_visible(user) -> set[int]:
    """Members see their businesses' applications; regional staff those of the businesses
    of their regions; curators those they are assigned to."""
    roles = set(user.groups.values_list("name", flat=True))
    rule = Q(product__business__memberships__user=user)
    if roles & REGIONAL:
        rule |= Q(product__business__region__served_by__office__staff__user=user)
    if Role.CURATOR in roles:
        rule |= Q(assignments__curator=user)
    return set(Application.objects.filter(rule).values_list("pk", flat=True))


def reference_queues(user) -> dict[str, set[int]]:
    roles = set(user.groups.values_list("name", flat=True))
    visible = Application.objects.filter(pk__in=reference_visible(user))
    queues = {
        role: set(visible.filter(state=state).values_list("pk", flat=True))
        for role, state in QUEUE_STATES.items()
        if role in roles
    }
    if Role.CURATOR in roles:
        curating = visible.filter(state=State.IN_CURATION, assignments__curator=user)
        queues[Role.CURATOR] = set(curating.values_list("pk", flat=True))
    return queues


@pytest.fixture
def world(office, bring_to):
    """Applications in both regions and in many states, and people who see them in more
    than one way: a coordinator who is also a member of a business of the other region,
    the other region's staff who also curate one application of this one, a curator who
    moved to another region and keeps the application they curate."""
    blitar = f.region("35.72")
    for state in ("draft", "submitted", "in_curation", "packaging_review", "certified"):
        product = f.ProductFactory(business=office.business)
        f.complete_documents(product, by=office.msme)
        bring_to(state, office.new_application(product))
    far = f.BusinessFactory(name="Keripik Blitar", region=blitar)
    far_owner = f.make_member(far, "blitar-owner")
    for submit in (False, True):
        product = f.ProductFactory(business=far)
        f.complete_documents(product, by=far_owner)
        application = services.application_create(product=product, by=far_owner)
        if submit:
            services.application_submit(application=application, by=far_owner)
    Membership.objects.create(business=far, user=office.coordinator)
    curated = Application.objects.filter(state=State.IN_CURATION).first()
    CuratorAssignment.objects.create(
        application=curated, curator=office.foreign_coordinator, assigned_by=office.coordinator
    )
    # The curator moves to Blitar: the Kediri application they curate stays theirs.
    f.join_office(office.curator, f.office_for(blitar))
    return office


def people(office):
    return [*office.personas.values()]


def assert_same_as_the_rule(office):
    applications = list(Application.objects.select_related("product__business"))
    for user in people(office):
        expected = reference_visible(user)
        assert set(applications_visible_to(user).values_list("pk", flat=True)) == expected, user
        assert visible_among(user, [a.pk for a in applications]) == expected, user
        for application in applications:
            if application.pk in expected:
                assert get_application_for_user(user, application.pk).pk == application.pk
            else:
                with pytest.raises(Http404):
                    get_application_for_user(user, application.pk)
        regions = Region.objects.filter(businesses__products__applications__pk__in=expected)
        assert list(region_choices(user)) == list(regions.distinct().order_by("code")), user
        queues = {role: set(q.values_list("pk", flat=True)) for role, q in work_queues(user)}
        assert queues == reference_queues(user), user


def test_everyone_sees_what_the_access_rule_says(world):
    assert len({a.region_id for a in Application.objects.all()}) == 2
    assert_same_as_the_rule(world)


def test_a_business_that_moves_takes_its_applications_to_the_new_region(world):
    kediri, blitar = f.region("35.71"), f.region("35.72")
    world.business.region = blitar
    world.business.save()
    assert set(
        Application.objects.filter(product__business=world.business).values_list(
            "region", flat=True
        )
    ) == {blitar.pk}
    assert not applications_visible_to(world.coordinator).filter(region=kediri).exists()
    assert_same_as_the_rule(world)


def test_a_product_given_to_another_business_takes_its_applications_along(world):
    blitar_business = f.BusinessFactory(name="UD Blitar", region=f.region("35.72"))
    product = world.business.products.filter(applications__isnull=False).first()
    product.business = blitar_business
    product.save()
    assert set(product.applications.values_list("region__code", flat=True)) == {"35.72"}
    assert_same_as_the_rule(world)


def test_the_region_of_every_application_is_its_business_s(world):
    assert Application.objects.count() >= 7
    assert not Application.objects.exclude(region=F("product__business__region")).exists()


# Pages counted only as far as they need.


def test_a_bounded_count_stops_past_the_counted_pages_and_says_there_are_more(world):
    rows = Application.objects.order_by("pk")
    total = rows.count()
    assert total >= 7
    paginator = BoundedPaginator(rows, 2, counted_pages=2)
    page = paginator.get_page(1)
    assert paginator.count == 5  # two pages and one row past them
    assert paginator.more and page.has_next()
    assert [a.pk for a in page] == [a.pk for a in rows[:2]]
    # Asked for a page past them, it counts up to that page, and one row past it.
    far = BoundedPaginator(rows, 2, counted_pages=2)
    last = (total + 1) // 2
    page = far.get_page(last)
    assert far.count == total and not far.more
    assert not page.has_next() and [a.pk for a in page] == [a.pk for a in rows[(last - 1) * 2 :]]
    # A small list is counted to its end, as before.
    small = BoundedPaginator(rows, 50, counted_pages=2)
    small.get_page(1)
    assert small.count == total and small.num_pages == 1 and not small.more


def test_a_search_page_holds_the_same_rows_as_a_counted_one(world):
    rows = Application.objects.filter(product__name__icontains="a").order_by("-created_at", "-pk")
    for number in (1, 2, 3):
        searched = SearchPaginator(rows, 2, counted_pages=1).get_page(number)
        counted = BoundedPaginator(rows, 2, counted_pages=1).get_page(number)
        assert [a.pk for a in searched] == [a.pk for a in counted]
        assert searched.paginator.count == counted.paginator.count
        assert searched.paginator.more == counted.paginator.more


def test_the_list_says_page_n_of_more_than_m_when_it_stopped_counting(world, login, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    monkeypatch.setattr(pagination, "COUNTED_PAGES", 1)
    client = login(world.regional_admin)
    assert applications_visible_to(world.regional_admin).count() > 3
    html = page(client, reverse("curation:applications"))
    assert "Page 1 of more than 1" in html
    html = page(client, reverse("curation:applications") + "?page=2")
    assert "Page 2 of more than 2" in html
    # The coordinator's overview of open applications, counted as far as one page.
    client = login(world.coordinator)
    html = page(client, reverse("curation:overview"))
    assert "More than 2 open applications, oldest in their state first." in html


def test_a_short_list_still_counts_its_pages(world, login):
    client = login(world.msme)
    html = page(client, reverse("curation:applications"))
    assert "Page " not in html  # one page: no pagination at all
    assert "More than" not in html


# The admin's application list.


def test_the_admin_list_counts_no_further_than_its_pages(world, client, monkeypatch):
    superuser = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    superuser.profile.language = "en"
    superuser.profile.save(update_fields=["language"])
    client.force_login(superuser)
    model_admin = admin.site._registry[Application]
    monkeypatch.setattr(model_admin, "list_per_page", 1)
    url = reverse("admin:curation_application_changelist")
    response = client.get(url)
    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.full_result_count is None and changelist.date_hierarchy is None
    assert "More than 2 applications" in response.content.decode()
    html = client.get(url + "?q=a").content.decode()
    assert "More than 2 results" in html
    # In Indonesian, the site's language.
    superuser.profile.language = "id"
    superuser.profile.save(update_fields=["language"])
    html = client.get(url + "?q=a").content.decode()
    assert "Lebih dari 2 hasil" in html and "Lebih dari 2 pengajuan" in html
    # Its grade filter offers the rubric's grades, and filters by them.
    response = client.get(url + "?grade=A")
    assert response.status_code == 200
    changelist = response.context["cl"]
    grades = [choice["display"] for choice in changelist.filter_specs[3].choices(changelist)]
    assert grades[1:] == ["A", "B", "C", "D"]


# The any_of lookup.


def test_any_of_finds_what_in_finds(world):
    ids = list(Application.objects.values_list("pk", flat=True)[:3]) + [None, 10**9]
    assert set(Application.objects.filter(pk__any_of=ids).values_list("pk", flat=True)) == set(
        Application.objects.filter(pk__in=ids).values_list("pk", flat=True)
    )
    assert not Application.objects.filter(pk__any_of=[]).exists()
    assigned = CuratorAssignment.objects.values("application_id")
    assert set(Application.objects.filter(pk__any_of=assigned).values_list("pk", flat=True)) == (
        set(assigned.values_list("application_id", flat=True))
    )
