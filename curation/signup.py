"""The public sign-up form's own fields, added by allauth to its form
(`ACCOUNT_SIGNUP_FORM_CLASS`): who is signing up. The account's role follows from it in
`curation.accounts.AccountAdapter.save_user`.

This module must not import `allauth.account.forms` (allauth imports it from there)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from curation.person import PersonDetailsForm, save_person_details
from kernel.roles import Role

# What a visitor can sign up as: the two roles nobody has to be given by the office.
SIGNUP_ROLES = {"msme": Role.MSME, "exporter": Role.EXPORTER}


class SignupForm(PersonDetailsForm):
    """Who signs up (`PersonDetailsForm`: name, phone, language) and as what."""

    field_order = ["account_kind", "full_name", "phone", "language"]

    account_kind = forms.ChoiceField(
        label=_("Who is signing up?"),
        choices=[
            ("msme", _("I run a business (UMKM)")),
            ("exporter", _("I am an exporter or buyer")),
        ],
        initial="msme",
        # Preselected, so a form sent without it (a script) signs up a business, as
        # before the choice; a value that is not a choice is refused.
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "A business registers its products for curation; an exporter or buyer sees the "
            "certified products that businesses share with them."
        ),
    )

    def signup(self, request, user):
        # allauth calls it after saving the user; the role is given in save_user.
        data = self.cleaned_data
        save_person_details(
            user, full_name=data["full_name"], phone=data["phone"], language=data["language"]
        )


def signup_role(form) -> Role:
    """The role the sign-up form asked for (MSME when the form has no such choice)."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    return SIGNUP_ROLES.get(cleaned.get("account_kind"), Role.MSME)
