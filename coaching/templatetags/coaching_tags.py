"""The coaching part of the application page: the application's referrals (each with
its programme and what to improve), whether the viewer may refer the business, and
whether they may say it attended, worked out once here so the template only shows it."""

from django import template

from coaching.permissions import COACHING_GRADES, can_refer, is_referred_business_member
from coaching.selectors import criterion_labels, referrals_of
from kernel.roles import Role, user_roles
from products.permissions import is_business_member

register = template.Library()

# The decisions a referral follows (`coaching.permissions.calls_for_coaching`).
REFERRED_AFTER = ("request_revision", "reject")


def _may_have_referrals(context, application) -> bool:
    """Whether the application can have a referral, from what the page already read: a
    referral follows a revision request or a rejection (in the history the page shows) or
    a grade C or D. Without one there is none to read, and the page spends no query."""
    timeline = context.get("timeline")
    if timeline is None or application.grade in COACHING_GRADES:
        return True
    return any(entry.transition in REFERRED_AFTER for entry in timeline)


@register.simple_tag(takes_context=True)
def coaching_panel(context, application):
    """None when there is nothing to show the user: no referral, and no right to make one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not application:
        return None
    may_refer = can_refer.test(user, application)
    # Referrals are the business's, its referrers' and the coordinators' concern; the
    # reviewer's and the officer's pages, near their query budget, do not read them.
    concerned = (
        may_refer
        or Role.COORDINATOR.value in user_roles(user)
        or is_business_member.test(user, application)
    )
    referrals = (
        referrals_of(application) if concerned and _may_have_referrals(context, application) else []
    )
    if not referrals and not may_refer:
        return None
    labels = criterion_labels({key for r in referrals for key in r.criteria}) if referrals else {}
    for referral in referrals:
        # The referral's application is this one: its checks read the page's instance.
        referral.application = application
    return {
        "referrals": [
            (referral, [labels.get(key, key) for key in referral.criteria])
            for referral in referrals
        ],
        "can_refer": may_refer,
        "can_attend": bool(referrals) and is_referred_business_member.test(user, referrals[0]),
    }
