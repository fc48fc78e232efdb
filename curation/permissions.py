"""Who may do what to an application: the `rules` predicates, in one place.

Each predicate takes (user, application). Separation of duties lives here too, so the
UI, the API, the admin and `@transition(permission=...)` all enforce it the same way:
nobody acts on a product of a business they belong to, and the certifying officer is
never one of the application's curators.
"""

import rules

from curation.roles import Role


def _role(role: Role):
    return rules.is_group_member(role.value)


@rules.predicate
def is_business_member(user, application) -> bool:
    if not user.is_authenticated:
        return False
    return application.product.business.memberships.filter(user=user).exists()


@rules.predicate
def works_in_application_region(user, application) -> bool:
    if not user.is_authenticated:
        return False
    from curation.models import Profile

    return Profile.objects.filter(
        user=user, regions=application.product.business.region_id
    ).exists()


@rules.predicate
def is_assigned_curator(user, application) -> bool:
    if not user.is_authenticated:
        return False
    return application.assignments.filter(curator=user).exists()


@rules.predicate
def is_lead_curator(user, application) -> bool:
    if not user.is_authenticated:
        return False
    return application.assignments.filter(curator=user, is_lead=True).exists()


def _in_state(*states):
    @rules.predicate(name=f"in_state_{'_'.join(states)}")
    def predicate(user, application) -> bool:
        return application.state in states

    return predicate


is_msme_member = _role(Role.MSME) & is_business_member
# Staff act only on their own region's applications and never on their own business's.
is_region_coordinator = _role(Role.COORDINATOR) & works_in_application_region & ~is_business_member
is_region_packaging_reviewer = (
    _role(Role.PACKAGING_REVIEWER) & works_in_application_region & ~is_business_member
)
is_region_certifying_officer = (
    _role(Role.CERTIFYING_OFFICER) & works_in_application_region & ~is_business_member
)
is_acting_curator = _role(Role.CURATOR) & is_assigned_curator & ~is_business_member
is_acting_lead_curator = _role(Role.CURATOR) & is_lead_curator & ~is_business_member
is_regional_admin = _role(Role.REGIONAL_ADMIN) & works_in_application_region

can_submit = is_msme_member
can_withdraw = is_msme_member
can_resubmit = is_msme_member
can_assign_curators = is_region_coordinator
can_request_revision = is_acting_lead_curator | is_region_coordinator
can_pass_curation = is_acting_lead_curator
can_review_packaging = is_region_packaging_reviewer
# The officer who certifies must not have curated the product.
can_certify = is_region_certifying_officer & ~is_assigned_curator
# Each role rejects only from the stage it owns.
can_reject = (
    (_in_state("submitted") & is_region_coordinator)
    | (_in_state("in_curation") & is_acting_lead_curator)
    | (_in_state("packaging_review") & is_region_packaging_reviewer)
    | (_in_state("awaiting_certification") & can_certify)
)

# Changing who curates is not a transition: the coordinator does it while scoring runs.
can_reassign_curators = _in_state("in_curation") & is_region_coordinator

# The staff pages beside the application page (assessments.views).
can_score = is_acting_curator
can_view_curation = is_acting_curator | is_region_coordinator
can_view_packaging_review = is_region_packaging_reviewer | is_region_coordinator
can_view_dossier = is_region_certifying_officer | is_region_coordinator | is_regional_admin

can_view_application = (
    is_business_member
    | is_region_coordinator
    | is_acting_curator
    | is_region_packaging_reviewer
    | is_region_certifying_officer
    | is_regional_admin
)

rules.add_perm("curation.view_application_object", can_view_application)
