from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.models import CoachingProgramme


def criterion_choices(criteria) -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in criteria]


class ProgrammeForm(forms.ModelForm):
    criteria = forms.MultipleChoiceField(
        label=_("Criteria it addresses"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The rubric criteria a business improves by taking it."),
    )

    class Meta:
        model = CoachingProgramme
        fields = [
            "name",
            "organiser",
            "starts_on",
            "ends_on",
            "place",
            "description",
            "criteria",
            "is_active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = criterion_choices(criteria)
        known = {key for key, _label in choices}
        # A criterion a newer rubric dropped stays listed on the programmes that named it.
        choices += [(key, key) for key in (self.instance.criteria or []) if key not in known]
        self.fields["criteria"].choices = choices

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The programme cannot end before it starts."))
        return cleaned

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.name} ({programme.organiser}, {programme.starts_on:%d/%m/%Y})"


class ReferralForm(forms.Form):
    programme = ProgrammeChoiceField(
        label=_("Programme"), queryset=CoachingProgramme.objects.none(), empty_label=None
    )
    criteria = forms.MultipleChoiceField(
        label=_("What to improve"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Ticked: those this application scored below the export-ready level on. Only "
            "the criteria the programme addresses are kept; none ticked: all of them."
        ),
    )
    note = forms.CharField(
        label=_("Note to the business"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "What it should take from the programme. The business reads it as you write it."
        ),
    )

    def __init__(self, *args, programmes, criteria=(), low=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["criteria"].choices = criterion_choices(criteria)
        self.fields["criteria"].initial = list(low)
