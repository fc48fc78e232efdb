"""The curator's scoresheet and the packaging reviewer's checklist as forms.

Both are built from data (the application's rubric criteria, the checklist items that
apply to it) and only validate the shape of the input; what makes a scoresheet
submittable or a checklist approvable is checked by the services and the transitions.
"""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from assessments.models import PackagingItemResult, Scoresheet

LEVELS = range(1, 6)


def in_language(texts: dict | None) -> str:
    """{"id": ..., "en": ...} in the active language (Indonesian when unsure)."""
    if not texts:
        return ""
    language = "en" if (get_language() or "id").startswith("en") else "id"
    return texts.get(language) or texts.get("id") or texts.get("en") or ""


class ScoresheetForm(forms.Form):
    """A score (1 to 5) and a comment per criterion, a recommendation and an overall
    comment. Every field is optional: a draft may be partial; `scoresheet_save(submit=True)`
    insists on a complete one."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Scoresheet.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label=_("Overall comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Shown to the lead curator and the office."),
    )

    def __init__(self, *args, criteria, levels: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.level_names = {n: in_language(levels.get(str(n))) for n in LEVELS}
        for criterion in criteria:
            self.fields[f"score_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=[(n, str(n)) for n in LEVELS],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"comment_{criterion.key}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.label},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            note = (cleaned.get(f"comment_{criterion.key}") or "").strip()
            if note and cleaned.get(f"score_{criterion.key}") is None:
                self.add_error(
                    f"score_{criterion.key}", _("Choose a score to keep your comment on it.")
                )
        return cleaned

    def scores(self) -> dict:
        """{criterion key: (score, comment)} for the criteria scored (also on an invalid
        form, for the running total)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        scores = {}
        for criterion in self.criteria:
            score = data.get(f"score_{criterion.key}")
            if score is not None:
                scores[criterion.key] = (score, data.get(f"comment_{criterion.key}", ""))
        return scores

    def service_kwargs(self) -> dict:
        return {
            "scores": self.scores(),
            "recommendation": self.cleaned_data["recommendation"],
            "comment": self.cleaned_data["comment"],
            "seen": self.cleaned_data["seen"],
        }

    def rows(self, *, is_food: bool):
        """Per criterion what the page shows: the criterion, its fields, its gate floor if
        it applies, and each level with its name and, where the rubric has one, what it
        means for this criterion."""
        for criterion in self.criteria:
            score_field = self[f"score_{criterion.key}"]
            value = score_field.value()
            yield {
                "criterion": criterion,
                "floor": criterion.floor if criterion.gate_applies(is_food=is_food) else None,
                "score": score_field,
                "comment": self[f"comment_{criterion.key}"],
                "value": str(value) if value not in (None, "") else "",
                "levels": [
                    {
                        "value": str(n),
                        "name": self.level_names[n],
                        "anchor": in_language(criterion.anchors.get(str(n))),
                    }
                    for n in LEVELS
                ],
            }


class PackagingReviewForm(forms.Form):
    """Pass / fail / not applicable and a note per checklist item."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"result_{item.key}"] = forms.ChoiceField(
                label=item.label,
                choices=PackagingItemResult.Result.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"note_{item.key}"] = forms.CharField(
                label=_("Note on “%(item)s”") % {"item": item.label},
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            result = cleaned.get(f"result_{item.key}")
            note = (cleaned.get(f"note_{item.key}") or "").strip()
            if note and not result:
                self.add_error(
                    f"result_{item.key}", _("Choose pass, fail or not applicable for this note.")
                )
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "results": {
                item.key: (data[f"result_{item.key}"], data.get(f"note_{item.key}", ""))
                for item in self.items
                if data.get(f"result_{item.key}")
            },
            "seen": data["seen"],
        }
