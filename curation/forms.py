from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from curation.assignments import curator_problems
from curation.selectors import curators_offered
from curation.transition_specs import TransitionSpec
from kernel.states import State
from products.models import ConflictOfInterest

# The one answer to a choice of curator the page did not offer, whatever was sent: an
# unknown id, something that is not an id, or a person who may not curate here. It names
# no id, so nobody learns which accounts exist.
NOT_OFFERED = _("Choose curators from those offered for this application.")


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


class CuratorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return person_name(user)


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return person_name(user)


class UnavailableOptionsMixin:
    """A choice widget whose options for curators who may not curate this business are
    disabled, with the reason beside the name. (The admin renders these widgets; the
    site's page renders `CuratorPickerMixin.curator_rows` as a table instead.)"""

    def __init__(self, *args, reasons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reasons = reasons or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reason = self.reasons.get(getattr(value, "value", value))
        if reason:
            option["attrs"]["disabled"] = True
            option["label"] = f"{label} ({reason})"
        return option


class CuratorCheckboxes(UnavailableOptionsMixin, forms.CheckboxSelectMultiple):
    pass


class LeadRadios(UnavailableOptionsMixin, forms.RadioSelect):
    pass


class CuratorPickerMixin:
    """The curators and lead fields shared by assigning and reassigning curators.

    Offered: the active curators working in the application's region (and any already
    assigned). A curator with a declared conflict of interest, or a member of the
    business, is shown but cannot be chosen; a forged choice is refused by the same
    `curator_problems` the service runs, with the same message.
    """

    def add_curator_fields(self, application, *, initial_curators=(), initial_lead=None):
        self.application = application
        business = application.product.business
        # Selected by id, then annotated, so the selector's joins cannot multiply the count.
        self.candidates = (
            curators_offered(application)
            .annotate(
                open_assignments=Count(
                    "curator_assignments",
                    filter=Q(curator_assignments__application__state=State.IN_CURATION),
                )
            )
            .order_by("first_name", "last_name", "username")
        )
        self.reasons = {}
        for conflict in ConflictOfInterest.objects.filter(business=business):
            self.reasons[conflict.curator_id] = (
                _("declared a conflict of interest: %(reason)s") % {"reason": conflict.reason}
                if conflict.reason.strip()
                else _("declared a conflict of interest with this business")
            )
        for user_id in business.memberships.values_list("user_id", flat=True):
            self.reasons[user_id] = _("a member of this business")
        minimum = application.rubric.min_curators
        self.fields["curators"] = CuratorChoiceField(
            queryset=self.candidates,
            label=_("Curators"),
            widget=CuratorCheckboxes(reasons=self.reasons),
            initial=[c.pk for c in initial_curators],
            help_text=_(
                "At least %(count)s. Curators with a declared conflict of interest and "
                "members of the business cannot be chosen."
            )
            % {"count": minimum},
            error_messages={
                "required": _("Choose at least %(count)s curators.") % {"count": minimum},
                "invalid_choice": NOT_OFFERED,
                "invalid_pk_value": NOT_OFFERED,
            },
        )
        self.fields["lead"] = LeadChoiceField(
            queryset=self.candidates,
            label=_("Lead curator"),
            widget=LeadRadios(reasons=self.reasons),
            empty_label=None,
            initial=initial_lead.pk if initial_lead else None,
            help_text=_("One of the chosen curators: decides after everyone has scored."),
            error_messages={
                "required": _("Choose the lead among the chosen curators."),
                "invalid_choice": NOT_OFFERED,
            },
        )

    def clean_curator_choice(self, cleaned):
        curators = list(cleaned.get("curators") or [])
        lead = cleaned.get("lead")
        if not curators or lead is None:
            return cleaned
        if lead not in curators:
            self.add_error("lead", _("Choose the lead among the chosen curators."))
            return cleaned
        for problem in curator_problems(application=self.application, curators=curators, lead=lead):
            self.add_error("curators", problem)
        return cleaned

    def curator_rows(self, sheets=None):
        """What the page shows per curator: name, workload, why they cannot be chosen,
        whether they are ticked or lead, and (when reassigning) their scoresheet."""
        if not hasattr(self, "_rows"):
            chosen = {str(v) for v in (self["curators"].value() or [])}
            lead = str(self["lead"].value() or "")
            self._rows = [
                {
                    "pk": user.pk,
                    "name": person_name(user),
                    "reason": self.reasons.get(user.pk),
                    "checked": str(user.pk) in chosen and user.pk not in self.reasons,
                    "lead": str(user.pk) == lead and user.pk not in self.reasons,
                    "open_assignments": user.open_assignments,
                    "sheet": (sheets or {}).get(user.pk),
                }
                for user in self.candidates
            ]
        return self._rows


class TransitionForm(CuratorPickerMixin, forms.Form):
    """The input of one transition, as its spec declares it: its written input (required
    where the workflow says so) and, for assigning curators, who and who leads. Used by the
    pages and the admin."""

    comment = forms.CharField(widget=forms.Textarea)

    def __init__(self, *args, spec: TransitionSpec, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        # What this application asks for now: the page shows `written_input.reasons`.
        self.written_input = spec.input_for(application)
        self.fields["comment"].label = self.written_input.label
        self.fields["comment"].required = self.written_input.required
        if self.written_input.missing is not None:
            # The service's own refusal, so the page and the API say the same thing.
            self.fields["comment"].error_messages["required"] = self.written_input.missing
        if spec.picks_curators:
            self.add_curator_fields(application)
            self.fields["comment"].widget.attrs["rows"] = 3
            self.order_fields(["curators", "lead", "comment"])

    def clean(self):
        cleaned = super().clean()
        if self.spec.picks_curators:
            self.clean_curator_choice(cleaned)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return self.spec.service_kwargs(
            comment=data["comment"], curators=data.get("curators", ()), lead=data.get("lead")
        )


class ReassignCuratorsForm(CuratorPickerMixin, forms.Form):
    """Change the curators of an application in curation (not a transition)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Why do the curators change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the curator history; not shown to the MSME or the curators."),
    )

    def __init__(self, *args, application, version, **kwargs):
        super().__init__(*args, **kwargs)
        assignments = list(application.assignments.select_related("curator"))
        self.add_curator_fields(
            application,
            initial_curators=[a.curator for a in assignments],
            initial_lead=next((a.curator for a in assignments if a.is_lead), None),
        )
        self.fields["version"].initial = version
        self.order_fields(["curators", "lead", "comment", "version"])

    def clean(self):
        return self.clean_curator_choice(super().clean())

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "curators": list(data["curators"]),
            "lead": data["lead"],
            "comment": data["comment"],
            "seen_version": data["version"],
        }
