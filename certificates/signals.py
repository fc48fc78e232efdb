"""What the certificates app does when the workflow or the accounts say so: a certified
application gets its certificate (`certificates.issuing.certificate_issue`, inside the
certify transaction); pending shares find their exporter when a user signs in or verifies
an e-mail address (if they hold the exporter role; `certificates.sharing.product_shares_claim`);
a product document uploaded may renew a permit its valid certificate rested on, so that
certificate's public verification page is read afresh (`certificates.verification`)."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from certificates import verification
from certificates.issuing import certificate_issue
from certificates.models import Certificate, Status
from certificates.sharing import product_shares_claim
from curation.signals import application_certified
from products.models import Document


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


@receiver(post_save, sender=Document, dispatch_uid="certificates_forget_verification_on_upload")
def forget_verification_on_upload(sender, instance, created, **kwargs):
    # A renewed P-IRT or BPOM MD ends the page's note that the one before has expired.
    if not created or instance.product_id is None or instance.expires_on is None:
        return
    codes = Certificate.objects.filter(
        product_id=instance.product_id, status=Status.VALID
    ).values_list("verification_code", flat=True)
    verification.forget(*codes)
