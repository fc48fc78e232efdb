"""What the certificates app does when the workflow or the accounts say so: a certified
application gets its certificate (`certificates.issuing.certificate_issue`, inside the
certify transaction); pending shares find their exporter when a user signs in or verifies
an e-mail address (if they hold the exporter role; `certificates.sharing.product_shares_claim`)."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from certificates.issuing import certificate_issue
from certificates.sharing import product_shares_claim
from curation.signals import application_certified


@receiver(application_certified, dispatch_uid="certificates_issue_on_certify")
def issue_certificate(sender, application, by, **kwargs):
    return certificate_issue(application=application, by=by)


# Django's signal, not allauth's: it is sent by every way of signing in (allauth's pages,
# which call Django's login, and anything else that does).
@receiver(user_logged_in, dispatch_uid="certificates_claim_shares_on_login")
def claim_shares_on_login(sender, request, user, **kwargs):
    product_shares_claim(user=user)


@receiver(email_confirmed, dispatch_uid="certificates_claim_shares_on_email_confirmed")
def claim_shares_on_email_confirmed(sender, request, email_address, **kwargs):
    product_shares_claim(user=email_address.user)
