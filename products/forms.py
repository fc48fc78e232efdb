"""Forms of the MSME portal: the business and its profile, the product, an invitation to
join a business, and the office's registry upload and owner invitation; the forms of
documents are in products.document_forms. They check and convert what was typed; the
services in products.services decide and change."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from kernel.decimals import TypedDecimalField
from products.links import MAX_LINKS, validate_link_url
from products.models import Business, Category, DocumentType, Market, Product
from products.rules import required_document_types
from products.validators import format_number, normalize_phone, strip_punctuation, validate_hs_code

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class LinksField(forms.CharField):
    """Web addresses, one per line (pasted from the browser or the marketplace's app):
    a list of addresses, each checked by `products.links.validate_link_url`, every
    problem named by its address. One written without https:// is taken as https."""

    widget = forms.Textarea(
        attrs={"rows": 3, "inputmode": "url", "autocomplete": "off", "spellcheck": "false"}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _(
                "One per line: your shop on Tokopedia, Shopee or another marketplace, your "
                "website, your Instagram, Facebook or TikTok page. Buyers see them on your "
                "page in the public catalogue."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:  # type: ignore[override]
        urls: list[str] = []
        for line in str(value or "").splitlines():
            url = line.strip()
            if not url:
                continue
            if "://" not in url:
                url = "https://" + url
            if url not in urls:
                urls.append(url)
        return urls

    def validate(self, value):
        if len(value) > MAX_LINKS:
            raise forms.ValidationError(
                _("Give at most %(count)s addresses."), params={"count": MAX_LINKS}
            )
        errors = []
        for url in value:
            try:
                validate_link_url(url)
            except forms.ValidationError as e:
                errors.extend(e.error_list)
        if errors:
            raise forms.ValidationError(errors)

    def run_validators(self, value):
        pass  # CharField's length validators do not apply to a list


# The registry's fields of the business form (`products.registry`), in an optional fold.
REGISTRY_FORM_FIELDS = (
    "legal_form", "kbli", "founded_year", "workforce", "turnover_band", "women_led",
)  # fmt: skip


class BusinessForm(forms.ModelForm):
    class Meta:
        model = Business
        fields = [
            "name", "nib", "npwp", "address", "region", "size", "email", "phone",
            "export_contact_name", "export_contact_email", "export_contact_phone",
            "export_contact_whatsapp", "show_contact_email", "show_contact_phone",
            *REGISTRY_FORM_FIELDS,
        ]  # fmt: skip
        labels = {
            "name": _("Business name"),
            "nib": _("NIB (Business Identification Number)"),
            "npwp": _("NPWP (tax ID)"),
            "email": _("Business e-mail"),
            "phone": _("Business phone"),
            "export_contact_name": _("Name"),
            "export_contact_email": _("E-mail"),
            "export_contact_phone": _("Phone or WhatsApp"),
            "export_contact_whatsapp": _("This number takes WhatsApp messages"),
            "show_contact_email": _("Show this e-mail to buyers in the public catalogue"),
            "show_contact_phone": _("Show this number to buyers in the public catalogue"),
        }
        help_texts = {
            "nib": _("13 digits, from your OSS business licence, for example 1234567890123."),
            "npwp": _(
                "16 digits since 2024 (your NIK, or 0 followed by the old 15 digits), or the "
                "old 15 digits as printed (99.999.999.9-999.999); dots and dashes are fine."
            ),
            "region": _("The regency or city where you produce: its office curates your products."),
            "size": _(
                "As on your NIB (micro, small or medium enterprise). When you give the "
                "annual sales below, the size follows from them."
            ),
            "turnover_band": _(
                "Sales bands of PP 7/2021: up to Rp 2 billion is a micro enterprise, up to "
                "15 billion small, up to 50 billion medium."
            ),
            "women_led": _("Whether a woman owns or leads the business."),
            "export_contact_name": _(
                "Who answers buyers, for example the owner or a staff member who reads English."
            ),
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "nib": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "npwp": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "export_contact_email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "export_contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "kbli": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "founded_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "workforce": forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"}),
            "women_led": forms.NullBooleanSelect,
        }

    links = LinksField(label=_("Web addresses of the business"))

    def __init__(self, *args, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "links" not in self.initial:
            links = self.instance.links.of_business_itself()
            self.initial["links"] = [link.url for link in links]
        self.fields["region"].empty_label = _("Choose the region")
        for name in ("nib", "npwp"):
            if self.initial.get(name):
                # Shown as printed, as on every page (stored as digits).
                self.initial[name] = format_number(name, self.initial[name])
            # Typed as printed, with dots and dashes: the stored digits are checked.
            field = self.fields[name]
            field.max_length = 30
            field.validators = [
                v for v in field.validators if not isinstance(v, MaxLengthValidator)
            ]
            field.widget.attrs["maxlength"] = "30"
        for name in locked:
            self.fields[name].disabled = True
            self.fields[name].help_text = _(
                "Your applications are with the office of this region: ask the office to change it."
            )

    def clean_nib(self):
        return strip_punctuation(self.cleaned_data["nib"])

    def clean_kbli(self):
        return strip_punctuation(self.cleaned_data["kbli"])

    @property
    def registry_fields(self) -> list:
        """The registry's fields, in the form's optional fold."""
        return [self[name] for name in REGISTRY_FORM_FIELDS]

    @property
    def registry_open(self) -> bool:
        """Whether the fold opens: one of its fields has a value or an error."""
        return any(
            field.errors or field.value() not in (None, "", "unknown")
            for field in self.registry_fields
        )

    def clean_npwp(self):
        return strip_punctuation(self.cleaned_data["npwp"])

    def clean_export_contact_phone(self):
        phone = self.cleaned_data["export_contact_phone"]
        return normalize_phone(phone) if phone else ""

    def validate_unique(self):
        # The service checks the NIB (stored without punctuation) and says what to do
        # about a business that is already registered.
        pass


class ProductForm(forms.ModelForm):
    """The product's data. The fields and their help follow the category: food asks for
    ingredients and shelf life and names the registrations it needs."""

    target_markets = forms.ModelMultipleChoiceField(
        queryset=Market.objects.order_by("name_en"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Target markets"),
        help_text=_("Where you want to sell. The documents and labels checked depend on them."),
    )
    # "2,40" or "2.40", shown back as the reader writes it (`kernel.decimals`).
    monthly_capacity = TypedDecimalField(
        label=_("Monthly production capacity"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
    )
    fob_price = TypedDecimalField(
        label=_("FOB price per unit"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text=_("Price loaded on the ship at the Indonesian port (Free On Board)."),
    )
    links = LinksField(
        label=_("Web addresses of the product"),
        help_text=_(
            "One per line: the product's own page on Tokopedia, Shopee or another "
            "marketplace, or on your website. Buyers see them on its page in the public "
            "catalogue."
        ),
    )

    class Meta:
        model = Product
        fields = [
            "name",
            "category",
            "description",
            "hs_code",
            "materials",
            "shelf_life_days",
            "monthly_capacity",
            "capacity_unit",
            "fob_price",
            "fob_currency",
            "target_markets",
        ]
        labels = {
            "name": _("Product name"),
            "capacity_unit": _("Unit of capacity"),
            "fob_currency": _("Currency"),
            "shelf_life_days": _("Shelf life (days)"),
        }
        help_texts = {
            "description": _("What it is, how it is made and packed, for the curators and buyers."),
            "capacity_unit": _("For example jars, kg, pieces."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "materials": forms.Textarea(attrs={"rows": 3}),
            "hs_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def __init__(self, *args, businesses=None, refresh_url=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "links" not in self.initial:
            self.initial["links"] = [link.url for link in self.instance.links.all()]
        if businesses is not None and len(businesses) > 1:
            self.fields["business"] = forms.ModelChoiceField(
                queryset=Business.objects.filter(pk__in=[b.pk for b in businesses]),
                label=_("Business"),
                empty_label=None,
            )
            self.order_fields(["business"])
        # Typed as printed (2103.90.90): the stored digits are checked.
        self.fields["hs_code"].max_length = 20
        self.fields["hs_code"].validators = []
        self.fields["hs_code"].widget.attrs["maxlength"] = "20"
        self.fields["category"].queryset = Category.objects.order_by("kind", "label_en")
        self.fields["category"].empty_label = _("Choose the category")
        if refresh_url:
            # With htmx, changing the category redraws only the fields that depend on it.
            self.fields["category"].widget.attrs.update(
                {
                    "hx-post": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#category-fields",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-vals": '{"refresh": "category"}',
                }
            )
        self.fields["description"].required = True
        self.fields["materials"].required = True
        self.chosen_category = self._chosen_category()
        if self.chosen_category is not None and self.chosen_category.is_food:
            self.fields["materials"].label = _("Ingredients")
            self.fields["materials"].help_text = _(
                "In descending order of weight, as on the label; name the allergens "
                "(peanuts, milk, wheat, soy, ...)."
            )
            shelf_life = self.fields["shelf_life_days"]
            shelf_life.required = True
            shelf_life.validators.append(MinValueValidator(1))
            shelf_life.widget.attrs["min"] = 1
            shelf_life.help_text = _("How many days the product keeps, unopened, from production.")
        else:
            self.fields["materials"].label = _("Materials")
            self.fields["materials"].help_text = _("What the product is made of.")
            del self.fields["shelf_life_days"]
        headings = ", ".join(self.chosen_category.hs_headings) if self.chosen_category else ""
        hs_help = _("6 to 10 digits; Indonesian tariff lines have 8, for example 2103.90.90.")
        if headings:
            hs_help = _("Usual HS headings for %(category)s: %(headings)s. ") % {
                "category": self.chosen_category.label,
                "headings": headings,
            } + str(hs_help)
        self.fields["hs_code"].help_text = hs_help

    def _chosen_category(self) -> Category | None:
        """The category the form is about: the one just chosen, else the saved one."""
        field = self.fields["category"]
        raw = self.data.get(self.add_prefix("category")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("category")
        if isinstance(raw, Category):
            return raw
        if raw:
            try:
                return field.queryset.get(pk=raw)
            except (Category.DoesNotExist, ValueError, TypeError):
                return None
        return self.instance.category if self.instance.category_id else None

    def required_documents(self) -> list[list[DocumentType]]:
        """The documents a product of the chosen category needs (each entry: the types
        that satisfy it), from the same rule the submit check uses."""
        if self.chosen_category is None:
            return []
        return required_document_types(self.chosen_category)

    def clean_hs_code(self):
        value = self.cleaned_data["hs_code"]
        if value:
            validate_hs_code(value)
        return strip_punctuation(value)

    def clean(self):
        data = super().clean()
        capacity, unit = data.get("monthly_capacity"), (data.get("capacity_unit") or "").strip()
        if capacity and not unit:
            self.add_error("capacity_unit", _("Say what the capacity is counted in."))
        if unit and not capacity and "monthly_capacity" not in self.errors:
            self.add_error("monthly_capacity", _("Enter how many you can make in a month."))
        return data

    def _post_clean(self):
        # The product is saved by products.services.product_create/product_update, which
        # validate the model; the form only checks what was typed.
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("business", None)
        return data


def form_initial_from(form_class, data, **kwargs) -> dict:
    """What was typed, as initial values of an unbound form: for re-drawing a form after a
    change of category without showing errors for fields the user has not reached."""
    fields = form_class(**kwargs).fields
    initial = {}
    for name, field in fields.items():
        if name not in data:
            continue
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            initial[name] = data.getlist(name)
        else:
            initial[name] = data.get(name)
    # A category-specific field (shelf life) is not in the base form's fields.
    for name in ("shelf_life_days", "category"):
        if name in data:
            initial[name] = data.get(name)
    return initial


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        help_text=_("They receive a link that works once, for seven days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Registry file (CSV or XLSX)"),
        help_text=_("At most %(mb)s MB and %(rows)s businesses; the first row names the columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args, max_mb, max_rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_mb * 1_048_576
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "mb": max_mb,
            "rows": max_rows,
        }

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if file.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is over %(mb)s MB: split it into parts."),
                params={"mb": self.max_bytes // 1_048_576},
            )
        return file


class OwnerInvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Owner's e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
