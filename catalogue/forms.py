"""Forms of the catalogue: the list's filters (read from the address, so the list works
without JavaScript and every filtered list can be shared), the business's listing choices
and an office's collection. They check and convert; the services decide and change."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalogue.enquiries import MESSAGE_MAX_LENGTH
from catalogue.models import Collection, Enquiry, Listing
from catalogue.selectors import CatalogueFilters, FilterChoices
from products.forms import DATE_WIDGET
from products.models import Region

# Addresses under /catalogue/collections/ that are pages, not collections.
RESERVED_SLUGS = {"new"}
# Longer searches are cut: nobody types more, and every word is a condition.
QUERY_MAX_LENGTH = 100


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=QUERY_MAX_LENGTH)
    category = forms.ChoiceField(label=_("Category"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    market = forms.ChoiceField(label=_("Certified for"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)

    def __init__(self, data, *, choices: FilterChoices):
        super().__init__(data)
        everything = [("", _("All"))]
        self.fields["category"].choices = everything + [
            (c.key, c.label) for c in choices.categories
        ]
        self.fields["region"].choices = everything + [(r.code, r.name) for r in choices.regions]
        self.fields["market"].choices = everything + [(m.key, m.name) for m in choices.markets]
        self.fields["grade"].choices = everything + [(g, g) for g in choices.grades]

    def filters(self) -> CatalogueFilters:
        """The valid filters; one with a value the list does not offer (an old link, a
        region with nothing listed any more) is left out rather than emptying the list."""
        self.is_valid()
        data = {name: self.cleaned_data.get(name) or "" for name in self.fields}
        return CatalogueFilters(
            query=data["q"].strip(),
            category=data["category"],
            region=data["region"],
            market=data["market"],
            grade=data["grade"],
        )


class ListingForm(forms.ModelForm):
    """The consent: the button is all of it. What the listing shows of the business (its
    links, its export contact) is chosen on the business profile (`products.forms`)."""

    class Meta:
        model = Listing
        fields: list[str] = []


class CollectionForm(forms.ModelForm):
    published = forms.BooleanField(
        label=_("Published"),
        required=False,
        help_text=_("Shown to everyone at its address and listed in the catalogue."),
    )

    class Meta:
        model = Collection
        fields = [
            "name",
            "slug",
            "region",
            "starts_on",
            "ends_on",
            "description_id",
            "description_en",
            "products",
        ]
        widgets = {
            "starts_on": DATE_WIDGET,
            "ends_on": DATE_WIDGET,
            "description_id": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "products": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, regions, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(pk__in=regions).order_by("name")
        self.fields["region"].empty_label = None
        self.fields["products"].queryset = products
        self.fields["products"].label_from_instance = lambda p: (
            f"{p.name} · {p.business.name} ({p.business.region.name})"
        )
        self.fields["products"].required = False
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The end of its address, /catalogue/collections/…/: letters, digits and dashes. "
            "Left empty, it is made from the name."
        )
        if self.instance.pk:
            self.fields["published"].initial = self.instance.is_published

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name"):
            data["slug"] = slugify(data["name"])[:80]
        if data.get("slug") in RESERVED_SLUGS:
            self.add_error("slug", ValidationError(_("This address is taken; choose another.")))
        return data


def _single_line(value: str) -> None:
    # A name or a company is one line; a line break in one would also reach an e-mail's
    # subject, where it is refused.
    if any(char in value for char in "\r\n\t\v\f"):
        raise ValidationError(_("Write this on one line."))


class EnquiryForm(forms.ModelForm):
    """A buyer's enquiry, from a product's public page. `website_url` is a honeypot: a
    field hidden from people (and from screen readers' reading order) that only a script
    fills; the view drops such a post silently."""

    HONEYPOT = "website_url"

    website_url = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    class Meta:
        model = Enquiry
        fields = ["buyer_type", "name", "company", "country", "email", "quantity", "message"]
        widgets = {
            "buyer_type": forms.RadioSelect,
            "message": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {"buyer_type": _("I am writing for")}
        help_texts = {
            "quantity": _("For example: 500 kg a month, or one container."),
            "country": _("Where the goods would go. Left empty for a buyer in Indonesia."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer_type"].choices = Enquiry.BuyerType.choices  # no empty choice
        self.fields["country"].required = False
        self.fields["message"].max_length = MESSAGE_MAX_LENGTH
        self.fields["message"].widget.attrs["maxlength"] = MESSAGE_MAX_LENGTH
        for name in ("name", "company", "country", "quantity"):
            self.fields[name].validators.append(_single_line)
        autocomplete = {
            "name": "name",
            "company": "organization",
            "country": "country-name",
            "email": "email",
        }
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        honeypot = self.fields[self.HONEYPOT].widget.attrs
        honeypot.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_spam(self) -> bool:
        """The honeypot was filled: only a script does that."""
        return bool(self.data.get(self.add_prefix(self.HONEYPOT), "").strip())

    def clean(self):
        data = super().clean()
        buyer_type = data.get("buyer_type")
        if not data.get("country"):
            if buyer_type == Enquiry.BuyerType.ABROAD:
                self.add_error("country", _("Say which country the goods would go to."))
            else:
                data["country"] = "Indonesia"
        return data
