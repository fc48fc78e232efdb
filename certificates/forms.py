"""Forms of the certificate pages. They only read what was typed; every rule (who may,
positive quantities, gross not below net, ...) is checked by the service, which says
what is wrong in words the page shows."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from certificates.models import Currency, Incoterm
from products.models import Market


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public verification page and sent to the business."),
    )


class ShareForm(forms.Form):
    email = forms.EmailField(
        label=_("Exporter's e-mail address"),
        help_text=_(
            "The exporter sees the product once they sign in to Siap Ekspor with this "
            "address; an address without an account is sent an invitation to open one."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class InvitationAcceptForm(forms.Form):
    """The password of the invited exporter's new account, checked by the site's password
    rules against the account it will be (its address)."""

    # Shown, never taken from the form: the link says which address it is.
    email = forms.EmailField(
        label=_("E-mail address"),
        disabled=True,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("The password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["email"].initial = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(username=self.email.split("@")[0], email=self.email)
            try:
                password_validation.validate_password(first, user)
            except ValidationError as e:
                self.add_error("password1", e)
        return cleaned


def _number(**attrs):
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


class ShipmentForm(forms.Form):
    buyer_name = forms.CharField(label=_("Buyer"), max_length=200)
    buyer_address = forms.CharField(
        label=_("Buyer address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    buyer_country = forms.CharField(label=_("Buyer country"), max_length=100)
    market = forms.ModelChoiceField(
        label=_("Destination market"), queryset=Market.objects.none(), empty_label=None
    )
    incoterm = forms.ChoiceField(
        label=_("Incoterm (Incoterms 2020)"),
        choices=Incoterm.choices,
        initial=Incoterm.FOB,
        help_text=_(
            "EXW, FCA, FAS and FOB name the port of loading; the others the port of discharge."
        ),
    )
    port_of_loading = forms.CharField(
        label=_("Port of loading"), max_length=100, help_text=_("e.g. Tanjung Perak, Surabaya")
    )
    port_of_discharge = forms.CharField(label=_("Port of discharge"), max_length=100)
    currency = forms.ChoiceField(label=_("Currency of the prices"), choices=Currency.choices)

    def __init__(self, *args, certificate, **kwargs):
        super().__init__(*args, **kwargs)
        keys = [m["key"] for m in certificate.markets]
        self.fields["market"].queryset = Market.objects.filter(key__in=keys).order_by("key")
        self.fields["market"].help_text = _("The markets the certificate covers.")
        self.fields["currency"].initial = certificate.product.fob_currency


class LineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, widget=_number())
    unit = forms.CharField(
        label=_("Unit"),
        max_length=20,
        widget=forms.TextInput(attrs={"list": "units", "autocomplete": "off"}),
    )
    unit_price = forms.CharField(label=_("Unit price"), max_length=20, widget=_number())


class CartonForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of cartons"),
        initial=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    net_kg = forms.CharField(label=_("Net weight per carton (kg)"), max_length=20, widget=_number())
    gross_kg = forms.CharField(
        label=_("Gross weight per carton (kg)"), max_length=20, widget=_number()
    )
    length_cm = forms.CharField(
        label=_("Length (cm)"), max_length=20, required=False, widget=_number()
    )
    width_cm = forms.CharField(
        label=_("Width (cm)"), max_length=20, required=False, widget=_number()
    )
    height_cm = forms.CharField(
        label=_("Height (cm)"), max_length=20, required=False, widget=_number()
    )


LineFormSet = forms.formset_factory(LineForm, extra=2, max_num=50, absolute_max=50)
CartonFormSet = forms.formset_factory(CartonForm, extra=2, max_num=50, absolute_max=50)


def filled_rows(formset) -> list[dict]:
    """The rows someone typed into (a blank row is skipped), each with its row number as
    the page shows it, for the service's messages."""
    rows = []
    for number, form in enumerate(formset.forms, start=1):
        if form.has_changed() and form.is_valid():
            rows.append({**form.cleaned_data, "row": number})
    return rows
