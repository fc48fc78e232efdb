"""Forms of the catalogue: the list's filters (read from the address, so the list works
without JavaScript and every filtered list can be shared), the business's listing choices
and an office's collection. They check and convert; the services decide and change."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalogue.models import Collection, Listing
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


def _https_by_default(field, **kwargs):
    # An address typed without its scheme ("toko.example") is taken as https, as Django
    # 6 will do by default.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ListingForm(forms.ModelForm):
    """What the business shows besides its products; the consent is the button."""

    class Meta:
        model = Listing
        formfield_callback = _https_by_default
        fields = ["website", "shop_url", "social_url", "show_email", "show_phone"]
        widgets = {
            name: forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"})
            for name in ("website", "shop_url", "social_url")
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        # Say what would be shown, so nobody publishes a private address by surprise.
        self.fields["show_email"].help_text = business.email or _("The business has no e-mail.")
        self.fields["show_phone"].help_text = business.phone or _("The business has no phone.")


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
