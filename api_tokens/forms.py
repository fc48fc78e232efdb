from django import forms
from django.utils.translation import gettext_lazy as _

from api_tokens.models import Scope


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What uses it, e.g. “our order system”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
    )
