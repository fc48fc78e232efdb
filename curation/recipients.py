"""Who is told of what: the people a notice goes to.

Each function takes the application (as the change left it) and the state it left, and
returns the users concerned. `notifications.notify` leaves out whoever acted and adds
the people the service names itself (the curators it added, the exporter it shared with);
the business's members hear of the events that have a text for them (`Notice.to_business`)
through `business_members`.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model

from kernel.roles import Role
from kernel.states import State
from products.models import Membership


def _region_staff(application, role: Role):
    business = application.product.business
    return (
        get_user_model()
        .objects.filter(
            groups__name=role.value,
            # The staff of the office that serves the business's region.
            profile__office__served__region=business.region_id,
            is_active=True,
        )
        .exclude(memberships__business=business)
        .distinct()
    )


def nobody(application, source):
    return []


def business_members(application, source):
    return get_user_model().objects.filter(
        memberships__business=application.product.business, is_active=True
    )


def members_by_business(business_ids):
    """The active members of each of these businesses, in one query (the reminders of
    many documents at once)."""
    members = defaultdict(list)
    memberships = Membership.objects.filter(business__in=business_ids, user__is_active=True)
    for membership in memberships.select_related("user").order_by("pk"):
        members[membership.business_id].append(membership.user)
    return members


def assigned_curators(application, source):
    return get_user_model().objects.filter(curator_assignments__application=application)


def lead_curator(application, source):
    return get_user_model().objects.filter(
        curator_assignments__application=application, curator_assignments__is_lead=True
    )


def region_coordinators(application, source):
    return _region_staff(application, Role.COORDINATOR)


def region_packaging_reviewers(application, source):
    return _region_staff(application, Role.PACKAGING_REVIEWER)


def region_certifying_officers(application, source):
    # Not the application's curators: they may not certify it (separation of duties).
    return _region_staff(application, Role.CERTIFYING_OFFICER).exclude(
        curator_assignments__application=application
    )


def linked_exporters(application, source):
    # The exporters the business shares the product with (certificates.ProductShare).
    return get_user_model().objects.filter(
        product_shares__product=application.product_id,
        product_shares__stopped_at__isnull=True,
        groups__name=Role.EXPORTER.value,
        is_active=True,
    )


def business_members_and_linked_exporters(application, source):
    return [*business_members(application, source), *linked_exporters(application, source)]


def whoever_was_working_on_it(application, source):
    """When the MSME stops: whoever had the application in hand in the state it left."""
    working = {
        State.SUBMITTED: region_coordinators,
        State.REVISION_REQUESTED: assigned_curators,
        State.PACKAGING_REVISION: region_packaging_reviewers,
    }.get(source)
    return working(application, source) if working else get_user_model().objects.none()


# Who takes an application's next step in each state it can wait in: the MSME when asked
# to fix something, else the staff whose step it is. A coordinator's own step (assigning
# curators) has no one else.
NEXT_STEP = {
    State.SUBMITTED: nobody,
    State.IN_CURATION: lead_curator,
    State.REVISION_REQUESTED: business_members,
    State.PACKAGING_REVIEW: region_packaging_reviewers,
    State.PACKAGING_REVISION: business_members,
    State.AWAITING_CERTIFICATION: region_certifying_officers,
}


def next_step_and_coordinators(application, source):
    """When an application stays in a state (`source`) past its target: whoever takes its
    next step there, and the region's coordinators, who watch the pace."""
    return [
        *NEXT_STEP[source](application, source),
        *region_coordinators(application, source),
    ]
