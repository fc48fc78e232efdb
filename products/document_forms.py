"""Forms of the documents an MSME uploads: one document at a time (`DocumentForm`), or
every file of one slot of a product's documents page (`SlotForm`, a slot of
`products.slots`). They check and convert what was typed; the service in
products.document_services decides and stores."""

from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from products.forms import DATE_WIDGET
from products.models import DocumentType
from products.uploads import ACCEPTED_TYPES


class DocumentForm(forms.Form):
    kind = forms.ModelChoiceField(queryset=DocumentType.objects.none(), label=_("Document"))
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=50,
        help_text=_(
            "As printed on the document; dots, dashes and spaces are fine. "
            "Photos and lab reports have none."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=DATE_WIDGET)
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty if it does not expire. We remind you before it does."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG, PNG or WebP, up to %(mb)s MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_TYPES)}),
    )
    # Offered by the page only once the number was doubted (products.numbers), with the
    # entry the doubts were about (`entry_key`): a confirmation holds for that entry only,
    # not for a number or date changed while ticking the box.
    number_confirmed = forms.BooleanField(
        label=_("The number is right: save the document as it is"),
        required=False,
    )
    confirmed_entry = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, scope, max_mb, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = DocumentType.objects.filter(scope=scope).order_by("label_en")
        self.fields["kind"].empty_label = _("Choose the document")
        self.fields["file"].help_text = self.fields["file"].help_text % {"mb": max_mb}

    def entry_key(self) -> str:
        """The valid entry's type, number and dates, which a confirmation is about."""
        data = self.cleaned_data
        kind = data.get("kind")
        values = [kind.pk if kind else "", data.get("number", "").strip()]
        values += [data.get("issued_on") or "", data.get("expires_on") or ""]
        return "|".join(str(value) for value in values)

    def confirms_entry(self) -> bool:
        """Whether the number was confirmed for exactly what is entered now."""
        data = self.cleaned_data
        return bool(data.get("number_confirmed")) and data.get("confirmed_entry") == (
            self.entry_key()
        )

    @cached_property
    def document_types(self) -> list[DocumentType]:
        """The types offered, read once for the page (its list of checks uses them too)."""
        return list(self.fields["kind"].queryset)

    @property
    def expiring_kinds(self) -> str:
        """The ids of the types that expire, for the page's script: the expiry date is
        asked only for them (not for a halal certificate or an NIB)."""
        return " ".join(str(t.pk) for t in self.document_types if t.expires)

    @property
    def asks_expiry(self) -> bool:
        """Whether the type chosen so far (preselected or posted) expires; until one is
        chosen, the expiry date is asked."""
        chosen = str(self.fields["kind"].prepare_value(self["kind"].value()) or "")
        kind = next((t for t in self.document_types if str(t.pk) == chosen), None)
        return kind is None or kind.expires


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field. Each file is checked by the service that stores it
    (`products.uploads.inspect_upload`), one by one, so that a bad file is named alone."""

    widget = MultipleFileInput

    def to_python(self, data):
        return [file for file in (data or []) if file]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class SlotForm(DocumentForm):
    """One slot of the documents page (`products.slots`): its files, with the number and
    dates they share. Prefixed by the slot's key, so that every slot of the page goes in
    one POST. The number the business already gave (NIB, NPWP) is not asked again."""

    files = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args, slot, max_mb, **kwargs):
        super().__init__(*args, scope=slot.types[0].scope, max_mb=max_mb, prefix=slot.key, **kwargs)
        self.slot = slot
        self.doubts: list[str] = []  # what products.numbers doubts about the number
        self.fields["files"].help_text = self.fields.pop("file").help_text
        self.fields["files"].widget.attrs["accept"] = ",".join(ACCEPTED_TYPES)
        kind = self.fields["kind"]
        if len(slot.types) == 1:
            kind.initial = slot.types[0].pk
            kind.widget = forms.HiddenInput()
        else:
            kind.label = _("Which one you have")
            kind.widget = forms.RadioSelect()
            kind.empty_label = None
        # Set after the widget: the queryset gives the new widget its choices.
        kind.queryset = kind.queryset.filter(pk__in=[t.pk for t in slot.types])
        if not any(t.has_number for t in slot.types) or slot.known_numbers:
            del self.fields["number"]
        if not any(t.expires for t in slot.types):
            del self.fields["issued_on"]
            del self.fields["expires_on"]

    @property
    def has_files(self) -> bool:
        return bool(self.is_bound and self.files.getlist(self.add_prefix("files")))

    def number_for(self, kind: DocumentType) -> str:
        """The number typed, or the one the business already holds for `kind`."""
        return self.slot.known_numbers.get(kind.key) or self.cleaned_data.get("number", "")
