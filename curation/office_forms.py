"""The forms of the office's own administration (`curation.views.office`) and of a
curator's conflicts of interest (`curation.views.conflicts`)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assessments.models import PackagingChecklist, Rubric
from curation.person import PersonDetailsForm
from kernel.roles import Role
from offices.models import DEFAULT_TARGET_DAYS
from products.models import Business


def role_choices(roles: list[Role]) -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in roles]


class StaffInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation link goes to this address; it works once, for 7 days."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, grantable: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(grantable)


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        required=False,
    )

    def __init__(self, *args, grantable: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = role_choices(grantable)


class StageTargetsForm(forms.Form):
    """One field per state the workflow waits on: its target in working days."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[row.state] = forms.IntegerField(
                label=row.label,
                min_value=1,
                max_value=250,
                initial=row.days,
                help_text=_("Working days (default %(days)s)") % {"days": row.default},
            )

    def targets(self) -> dict[str, int]:
        return {state.value: self.cleaned_data[state.value] for state in DEFAULT_TARGET_DAYS}


class AssessmentVersionsForm(forms.Form):
    rubric = forms.ModelChoiceField(
        label=_("Rubric version"),
        queryset=Rubric.objects.filter(is_active=True).order_by("key", "-version"),
        required=False,
        empty_label=_("Always the newest version"),
    )
    packaging_checklist = forms.ModelChoiceField(
        label=_("Packaging checklist version"),
        queryset=PackagingChecklist.objects.filter(is_active=True).order_by("key", "-version"),
        required=False,
        empty_label=_("Always the newest version"),
    )


class StaffJoinForm(PersonDetailsForm):
    """Someone invited who has no account yet: who they are and their password."""

    field_order = ["full_name", "phone", "language", "password1", "password2"]

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ConflictForm(forms.Form):
    business = forms.ModelChoiceField(
        label=_("A business whose product you curate"),
        queryset=Business.objects.none(),
        required=False,
        empty_label=_("Another business (give its NIB below)"),
    )
    nib = forms.CharField(
        label=_("Or its NIB"),
        max_length=13,
        required=False,
        help_text=_("The business's 13-digit business identification number."),
    )
    reason = forms.CharField(
        label=_("Why you must not curate it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: a relative owns it, you advise it, you hold a share in it."),
    )

    def __init__(self, *args, businesses, region_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = Business.objects.filter(
            pk__in=[b.pk for b in businesses]
        ).order_by("name")
        self.region_ids = region_ids

    def clean(self):
        cleaned = super().clean()
        business, nib = cleaned.get("business"), (cleaned.get("nib") or "").strip()
        if business is None and nib:
            # Only a business the curator's office serves: the NIB of any other is nothing
            # they curate, and the form does not say whether it exists.
            business = Business.objects.filter(nib=nib, region__in=self.region_ids).first()
            if business is None:
                self.add_error(
                    "nib", _("No business with this NIB is registered in your office's regions.")
                )
        elif business is None:
            self.add_error("business", _("Choose the business, or give its NIB."))
        cleaned["business"] = business
        return cleaned
