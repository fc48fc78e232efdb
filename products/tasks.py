"""Background work of the businesses app (django-tasks, like curation.tasks)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from kernel import site
from products.models import BusinessInvitation


@task()
def send_invitation_email(invitation_id: int) -> bool:
    """E-mail the invitation link, in the inviting owner's language (the invitee has no
    account yet, or none we know). A cancelled, used or expired invitation is not sent."""
    invitation = (
        BusinessInvitation.objects.select_related("business", "invited_by__profile")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending():
        return False
    profile = getattr(invitation.invited_by, "profile", None)
    with translation.override(getattr(profile, "language", None) or settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.email,
            "link": site.absolute_url(reverse("products:invitation", args=[invitation.token])),
            "expires": timezone.localtime(invitation.expires_at),
        }
        subject = render_to_string("products/email/invitation_subject.txt", context).strip()
        body = render_to_string("products/email/invitation_body.txt", context)
    send_mail(site.email_subject(subject), body, None, [invitation.email])
    return True
