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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The office calls a business about its applications; an exporter or buyer has
        # none, so it may leave the phone out (`clean`: required of a business only).
        phone = self.fields["phone"]
        phone.required = False
        phone.help_text = _(
            "The office calls or messages you on it about your applications. A business "
            "must give one; for an exporter or buyer it is optional."
        )

    @property
    def signs_up_exporter(self) -> bool:
        """Whether the form was sent for an exporter or buyer (its page then shows no
        MSME step indicator)."""
        return self.is_bound and self.data.get("account_kind") == "exporter"

    def clean(self):
        cleaned = super().clean()
        if (
            SIGNUP_ROLES.get(cleaned.get("account_kind") or "msme") == Role.MSME
            and not cleaned.get("phone")
            and "phone" not in self.errors
        ):
            self.add_error(
                "phone",
                forms.ValidationError(
                    _("Enter a phone number: the office calls you about your applications."),
                    code="required",
                ),
            )
        return cleaned

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
