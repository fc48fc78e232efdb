"""What a request reads once (kernel/request_cache.py) never lets a changed permission
through: outside a request nothing is kept; inside one, a write empties the cache, and a
transition checks again on the application it locked, whose curators it reads afresh."""

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from curation import services
from curation.identity import who_is
from curation.models import CuratorAssignment, Notification, Profile
from curation.permissions import can_pass_curation, is_assigned_curator
from kernel import request_cache
from kernel.errors import WorkflowError
from kernel.roles import Role, user_roles
from kernel.states import State
from products.models import Membership
from products.permissions import (
    is_business_member,
    is_region_coordinator,
    member_business_roles,
    staff_region_ids,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@contextmanager
def queries_in_a_request():
    with request_cache.request_scope(), CaptureQueriesContext(connection) as queries:
        yield queries


def test_outside_a_request_every_check_reads_the_database(office):
    user = office.outsider
    assert user_roles(user) == set()
    user.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR)[0])
    assert user_roles(user) == {Role.COORDINATOR}

    assert not is_business_member(user, office.product)
    Membership.objects.create(business=office.business, user=user)
    assert is_business_member(user, office.product)


def test_a_request_reads_who_the_user_is_once(office):
    coordinator = office.coordinator
    with queries_in_a_request() as queries:
        for _ in range(3):
            assert is_region_coordinator(coordinator, office.product)
    # Roles, memberships and regions: one query each, however many checks.
    assert len(queries) == 3


def test_a_write_in_the_request_is_seen_by_the_next_check(office):
    user = office.outsider
    with request_cache.request_scope():
        assert not is_business_member(user, office.product)
        assert user_roles(user) == set()
        Membership.objects.create(business=office.business, user=user)
        user.groups.add(Group.objects.get_or_create(name=Role.MSME)[0])
        assert is_business_member(user, office.product)
        assert user_roles(user) == {Role.MSME}
        Membership.objects.filter(user=user).delete()
        assert not is_business_member(user, office.product)


def test_each_instance_reads_its_own_curators(office, bring_to):
    application = bring_to(State.IN_CURATION)
    with request_cache.request_scope():
        assert is_assigned_curator(office.curator, application)
        # A change that sends no signal: the page's instance keeps what it read, a fresh
        # instance (the one a transition locks) reads again.
        CuratorAssignment.objects.filter(curator=office.curator).update(
            curator=office.spare_curator
        )
        assert is_assigned_curator(office.curator, application)
        fresh = type(application).objects.get(pk=application.pk)
        assert not is_assigned_curator(office.curator, fresh)


def test_a_transition_checks_the_curators_of_the_application_it_locked(office, bring_to):
    application = bring_to(State.IN_CURATION)
    f.score_all(application, office.lead)
    f.score_all(application, office.curator)
    with request_cache.request_scope():
        # The page offered the step to the lead...
        assert can_pass_curation.test(office.lead, application)
        assert services.is_offered(user=office.lead, application=application, name="pass_curation")
        # ...then, before they press it, the coordinator made the other curator lead.
        CuratorAssignment.objects.filter(application=application).update(is_lead=False)
        CuratorAssignment.objects.filter(application=application, curator=office.curator).update(
            is_lead=True
        )
        with pytest.raises(WorkflowError):
            services.application_pass_curation(application=application, by=office.lead)
    application.refresh_from_db()
    assert application.state == State.IN_CURATION


def test_a_member_made_in_the_request_is_refused_staff_work(office, bring_to):
    """Separation of duties holds for a membership made earlier in the same request."""
    application = bring_to(State.SUBMITTED)
    with request_cache.request_scope():
        assert services.is_offered(
            user=office.coordinator, application=application, name="assign_curators"
        )
        Membership.objects.create(business=office.business, user=office.coordinator)
        assert not services.is_offered(
            user=office.coordinator, application=application, name="assign_curators"
        )


def test_who_the_user_is_is_read_in_one_query_and_answers_as_each_check_would(office, bring_to):
    """`curation.identity`, which every request reads first: the roles, businesses,
    regions, language and unread notices in one query; then the checks read nothing, and
    answer as they do on their own."""
    user = office.coordinator
    other = f.BusinessFactory(name="Kopi Bu Wati", region=office.business.region)
    Membership.objects.create(business=other, user=user, role=Membership.Role.STAFF)
    bring_to(State.SUBMITTED)  # the coordinator is told
    alone = (user_roles(user), member_business_roles(user), sorted(staff_region_ids(user)))
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    assert unread and alone[1] == {other.pk: Membership.Role.STAFF} and alone[2]

    with queries_in_a_request() as queries:
        identity = who_is(user)
        assert (user_roles(user), member_business_roles(user), identity.region_ids) == alone
        assert is_region_coordinator(user, office.product)
        assert not is_region_coordinator(user, other)  # separation of duties
    assert len(queries) == 1
    assert identity.unread_notices == unread
    assert identity.language == Profile.objects.get(user=user).language


def test_after_a_write_in_the_request_who_the_user_is_is_read_again(office):
    user = office.outsider
    with request_cache.request_scope():
        assert who_is(user).memberships == {}
        assert not is_business_member(user, office.product)
        Membership.objects.create(business=office.business, user=user)
        assert is_business_member(user, office.product)
        assert who_is(user).memberships == {office.business.pk: Membership.Role.STAFF}
