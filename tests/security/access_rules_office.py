"""The access rules of the office's own administration (its staff, invitations, stage
targets, rubric and checklist versions), the invitation link, and a curator's conflicts of
interest; see access_rules.py.

In these rules' world the regional head of Kediri's office is also its administrator
(`office_admin`), and the coordinator of the other office ("foreign_coordinator", every
staff role) administers that office: what either may do to their own office, neither may
do to the other's."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from curation import office_staff
from kernel.roles import Role
from offices.models import AssessmentVersions, StaffInvitation, StageTarget
from products.models import ConflictOfInterest
from tests import factories as f
from tests.security.access_world import Rule, allow, everyone

ADMINS = frozenset({"regional_admin", "foreign_coordinator"})  # each of their own office
MANAGERS = ADMINS | {"coordinator"}  # who manage their office's staff
CURATORS = frozenset({"lead", "curator", "spare_curator", "foreign_coordinator"})
NEW_ADDRESS = "new-curator@example.test"


def _offices(office, bring_to):
    """Kediri's office with its administrator, a member of staff to manage and a pending
    invitation; Blitar's office administered by its coordinator."""
    admin_group = Group.objects.get_or_create(name=Role.OFFICE_ADMIN)[0]
    office.regional_admin.groups.add(admin_group)
    office.foreign_coordinator.groups.add(admin_group)
    kediri = f.office_for(office.business.region)
    member = f.UserFactory(
        username="kediri-staff",
        first_name="Staf Kediri",
        roles=[Role.CURATOR],
        office=kediri,
    )
    invitation = office_staff.staff_invite(
        office=kediri, email=NEW_ADDRESS, roles=[Role.CURATOR], by=office.regional_admin
    )
    return None, {"office": kediri, "member": member, "invitation": invitation}


def _deactivated(office, bring_to):
    application, extra = _offices(office, bring_to)
    extra["member"].is_active = False
    extra["member"].save(update_fields=["is_active"])
    return application, extra


def _member_url(name):
    return lambda w: reverse(name, args=[w.extra["member"].pk])


def _roles_of_member(w):
    return sorted(w.extra["member"].groups.values_list("name", flat=True))


def _member_active(w):
    w.extra["member"].refresh_from_db()
    return w.extra["member"].is_active


def _pending_invitations(w):
    return StaffInvitation.objects.pending().count()


def _targets(w):
    return sorted(StageTarget.objects.filter(office=w.extra["office"]).values_list("state", "days"))


def _target_data(w):
    return {
        "submitted": "4",
        "in_curation": "12",
        "packaging_review": "6",
        "awaiting_certification": "2",
    }


OFFICE_RULES = [
    Rule(
        "curation:office_staff",
        "office-staff",
        lambda w: reverse("curation:office_staff"),
        setup=_offices,
        allowed=allow(MANAGERS),
        # Each office's page lists its own staff only.
        secret=lambda w: "Staf Kediri",
        shows_to=frozenset({"coordinator", "regional_admin"}),
        must_show=frozenset({"coordinator", "regional_admin"}),
    ),
    Rule(
        "curation:office_invite",
        "office-invite",
        lambda w: reverse("curation:office_invite"),
        setup=_offices,
        method="GET+POST",
        allowed=allow(MANAGERS),
        data=lambda w: {"email": "another@example.test", "roles": [Role.CURATOR.value]},
        actor="regional_admin",
        effect=lambda w: StaffInvitation.objects.count(),
    ),
    Rule(
        "curation:office_invitation_cancel",
        "office-invitation-cancel",
        lambda w: reverse("curation:office_invitation_cancel", args=[w.extra["invitation"].pk]),
        setup=_offices,
        method="POST",
        allowed=allow({"coordinator", "regional_admin"}),
        data=lambda w: {},
        actor="regional_admin",
        effect=_pending_invitations,
    ),
    Rule(
        "curation:office_member",
        "office-member",
        _member_url("curation:office_member"),
        setup=_offices,
        method="GET+POST",
        allowed=allow({"coordinator", "regional_admin"}),
        data=lambda w: {"roles": [Role.CURATOR.value, Role.PACKAGING_REVIEWER.value]},
        actor="regional_admin",
        effect=_roles_of_member,
    ),
    Rule(
        "curation:office_member_deactivate",
        "office-member-deactivate",
        _member_url("curation:office_member_deactivate"),
        setup=_offices,
        method="POST",
        allowed=allow({"regional_admin"}),
        data=lambda w: {},
        actor="regional_admin",
        effect=_member_active,
    ),
    Rule(
        "curation:office_member_reactivate",
        "office-member-reactivate",
        _member_url("curation:office_member_reactivate"),
        setup=_deactivated,
        method="POST",
        allowed=allow({"regional_admin"}),
        data=lambda w: {},
        actor="regional_admin",
        effect=_member_active,
    ),
    Rule(
        "curation:office_targets",
        "office-targets",
        lambda w: reverse("curation:office_targets"),
        setup=_offices,
        method="GET+POST",
        allowed=allow(ADMINS),
        data=_target_data,
        actor="regional_admin",
        effect=_targets,
    ),
    Rule(
        "curation:office_versions",
        "office-versions",
        lambda w: reverse("curation:office_versions"),
        setup=_offices,
        method="GET+POST",
        allowed=allow(ADMINS),
        data=lambda w: {"rubric": "", "packaging_checklist": ""},
        actor="regional_admin",
        effect=lambda w: AssessmentVersions.objects.filter(office=w.extra["office"]).count(),
    ),
    Rule(
        "curation:office_join",
        "office-join",
        lambda w: reverse("curation:office_join", args=[w.extra["invitation"].token]),
        setup=_offices,
        # The link is the secret: whoever holds it reads which office invites; only the
        # invited address joins (tests/offices/test_staff_invitations.py), so a signed-in
        # account of another address reads why not.
        allowed=everyone(),
        anonymous=200,
        refused=(200,),
    ),
    Rule(
        "curation:conflicts",
        "conflicts",
        lambda w: reverse("curation:conflicts"),
        setup=_offices,
        method="GET+POST",
        allowed=allow(CURATORS),
        data=lambda w: {"business": "", "nib": w.office.business.nib, "reason": "My sister."},
        actor="spare_curator",
        effect=lambda w: ConflictOfInterest.objects.count(),
    ),
]
