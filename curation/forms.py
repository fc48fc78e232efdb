from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from curation.roles import Role
from products.models import ConflictOfInterest

# The written input a transition takes, by the service's keyword, and its label.
WRITTEN_INPUT = {
    "request_revision": ("message", _("What must the MSME fix?")),
    "resubmit": ("answer", _("Your answer to the revision request")),
    "reject": ("reason", _("Reason for the rejection")),
}


class CuratorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class TransitionForm(forms.Form):
    """The input of one transition: a comment (required where the workflow says so) and,
    for assigning curators, who and who leads. Used by the pages and the admin."""

    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea, required=False)

    def __init__(self, *args, name, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        if name in WRITTEN_INPUT:
            self.fields["comment"].required = True
            self.fields["comment"].label = WRITTEN_INPUT[name][1]
        if name == "assign_curators":
            curators = (
                get_user_model()
                .objects.filter(groups__name=Role.CURATOR, is_active=True)
                .order_by("first_name", "username")
            )
            conflicted = set(
                ConflictOfInterest.objects.filter(
                    business=application.product.business
                ).values_list("curator_id", flat=True)
            )
            self.conflicted = conflicted
            self.fields["curators"] = CuratorChoiceField(
                queryset=curators,
                label=_("Curators"),
                widget=forms.CheckboxSelectMultiple,
                help_text=_(
                    "At least %(count)s; curators with a declared conflict of interest "
                    "with this business cannot be chosen."
                )
                % {"count": application.rubric.min_curators},
            )
            self.fields["lead"] = forms.ModelChoiceField(
                queryset=curators, label=_("Lead curator"), empty_label=None
            )
            self.fields["lead"].label_from_instance = self.fields["curators"].label_from_instance

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if self.name == "assign_curators":
            return {
                "curators": list(data["curators"]),
                "lead": data["lead"],
                "comment": data["comment"],
            }
        key = WRITTEN_INPUT.get(self.name, ("comment",))[0]
        return {key: data["comment"]}
