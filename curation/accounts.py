from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from curation.signup import signup_role
from curation.two_factor import has_two_factor, signed_in_recently
from kernel import site
from kernel.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Whoever signs up is an MSME member or an exporter, as they chose on the form
    (`curation.signup`); staff roles are given by an administrator."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=signup_role(form))[0])
            # The language the visitor used while signing up becomes their choice.
            user.profile.language = translation.get_language() or user.profile.language
            user.profile.save(update_fields=["language"])
        return user

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # Staff are sent to set up their second factor straight after signing in (see
        # curation/two_factor.py): asking again for the password typed a moment ago only
        # gets in the way. Once a factor exists, changing it asks as usual.
        request = getattr(self, "request", None)
        user = getattr(request, "user", None)
        if (
            app == "allauth.mfa"
            and user is not None
            and user.is_authenticated
            and not has_two_factor(user)
            and signed_in_recently(request)
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    # allauth's e-mails name the site and link to it: from the settings (kernel/site.py),
    # never from the request's host (without django.contrib.sites allauth would write
    # "[127.0.0.1:8000]" and "Hello from 127.0.0.1:8000", or a forged Host header).

    def format_email_subject(self, subject: str) -> str:
        return site.email_subject(str(subject))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"current_site": site.current(), **context})

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site.absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site.absolute_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": site.absolute_url(reverse("account_signup")),
                "password_reset_url": site.absolute_url(reverse("account_reset_password")),
            },
        )

    def get_client_ip(self, request) -> str:
        # allauth's rate limits count per address the same way as every other limit.
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


def email_in_use(email: str, *, other_than) -> bool:
    """Whether an account other than `other_than` (a user, saved or not) already has
    `email`, as an allauth address or its own e-mail field, compared without case as
    allauth compares them (ACCOUNT_UNIQUE_EMAIL)."""
    addresses = EmailAddress.objects.filter(email__iexact=email)
    users = get_user_model().objects.filter(email__iexact=email)
    if other_than.pk is not None:
        addresses = addresses.exclude(user=other_than)
        users = users.exclude(pk=other_than.pk)
    return addresses.exists() or users.exists()


def email_vouched_for(user) -> EmailAddress | None:
    """Record the user's e-mail as their verified, primary address: a superuser who types
    it in the admin vouches for it. allauth's mandatory verification would otherwise stop
    staff made there at their first sign-in, with a confirmation e-mail nobody told them
    to expect. (The admin form refuses an address another account has: `email_in_use`.)"""
    email = user.email.strip().lower()
    if not email:
        return None
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email}
    )
    # One primary address per user (allauth's constraint): the old one steps down first.
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    if not (address.verified and address.primary):
        address.verified = address.primary = True
        address.save(update_fields=["verified", "primary"])
    return address


def attempted_account(request, credentials=None) -> str | None:
    """The account a sign-in attempt is for, as django-axes counts failures.

    allauth authenticates with `username=` or `email=` (whichever the visitor typed into
    its one "login" field), so both name the same account here: an e-mail address is
    turned into its account's user name, and names are compared without case, as
    allauth does. An address that belongs to no account is counted as itself."""
    credentials = credentials or {}
    given = credentials.get("username") or credentials.get("email")
    if not given and request is not None:
        given = request.POST.get("login") or request.POST.get("username")
    if not given:
        return None
    given = str(given).strip()
    if "@" in given:
        owner = (
            EmailAddress.objects.filter(email__iexact=given).values_list("user__username").first()
            or get_user_model().objects.filter(email__iexact=given).values_list("username").first()
        )
        if owner:
            given = owner[0]
    return given.lower()
