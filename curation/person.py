"""Who a person is to the people they work with: their full name, a phone or WhatsApp
number and the language they read. Asked at sign-up (`curation.signup`) and changed on
the account page (`curation.views.account`).

The full name is kept in the user's `first_name`, so that every page that names people
(the greeting, the history, the staff pages) shows it through `get_full_name()` instead
of the login; the phone and the language are on the profile.

This module must not import `allauth.account.forms` (allauth imports the sign-up form,
which builds on this one, from there).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from products.validators import normalize_phone


class PersonDetailsForm(forms.Form):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        help_text=_("As the office and the curators should address you."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Phone or WhatsApp number"),
        max_length=30,
        help_text=_("The office calls or messages you on it about your applications."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the pages and e-mails"),
        choices=settings.LANGUAGES,
        required=False,  # left out: the language of the page it was sent from
    )

    def __init__(self, *args, phone_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = self._page_language()
        # The office calls a business and its own staff; an exporter or buyer may leave
        # it out (`curation.signup` decides at sign-up, by the kind of account).
        self.fields["phone"].required = phone_required

    @staticmethod
    def _page_language() -> str:
        return translation.get_language() or settings.LANGUAGE_CODE

    def clean_language(self):
        return self.cleaned_data["language"] or self._page_language()

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return normalize_phone(phone) if phone.strip() else ""


def initial_details(user) -> dict:
    """The details form's initial values for `user`."""
    return {
        "full_name": user.get_full_name(),
        "phone": user.profile.phone,
        "language": user.profile.language,
    }


def save_person_details(user, *, full_name: str, phone: str, language: str) -> None:
    """Keep a person's name, phone and language (checked by `PersonDetailsForm`)."""
    with transaction.atomic():
        user.first_name, user.last_name = full_name, ""
        user.save(update_fields=["first_name", "last_name"])
        profile = user.profile
        profile.phone, profile.language = phone, language
        profile.save(update_fields=["phone", "language"])
