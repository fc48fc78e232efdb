"""Who is told of what: the people a notice goes to.

Each function takes the application (as the change left it) and the state it left, and
returns the users concerned. `notifications.notify` leaves out whoever acted and adds
the people the service names itself (the curators it added, the exporter it shared with).
"""

from django.contrib.auth import get_user_model

from kernel.roles import Role
from kernel.states import State


def _region_staff(application, role: Role):
    business = application.product.business
    return (
        get_user_model()
        .objects.filter(
            groups__name=role.value, profile__regions=business.region_id, is_active=True
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


def assigned_curators(application, source):
    return get_user_model().objects.filter(curator_assignments__application=application)


def region_coordinators(application, source):
    return _region_staff(application, Role.COORDINATOR)


def region_packaging_reviewers(application, source):
    return _region_staff(application, Role.PACKAGING_REVIEWER)


def region_certifying_officers(application, source):
    # Not the application's curators: they may not certify it (separation of duties).
    return _region_staff(application, Role.CERTIFYING_OFFICER).exclude(
        curator_assignments__application=application
    )


def business_members_and_packaging_reviewers(application, source):
    return [
        *business_members(application, source),
        *region_packaging_reviewers(application, source),
    ]


def business_members_and_linked_exporters(application, source):
    # The exporters the business shares the product with (certificates.ProductShare).
    exporters = get_user_model().objects.filter(
        product_shares__product=application.product_id,
        product_shares__stopped_at__isnull=True,
        groups__name=Role.EXPORTER.value,
        is_active=True,
    )
    return [*business_members(application, source), *exporters]


def whoever_was_working_on_it(application, source):
    """When the MSME stops: whoever had the application in hand in the state it left."""
    working = {
        State.SUBMITTED: region_coordinators,
        State.REVISION_REQUESTED: assigned_curators,
        State.PACKAGING_REVISION: region_packaging_reviewers,
    }.get(source)
    return working(application, source) if working else get_user_model().objects.none()
