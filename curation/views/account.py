"""The account page's own part: the person's name, phone and language (`curation.person`);
the e-mail addresses, password and second factor are allauth's pages beside it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from curation.person import PersonDetailsForm, initial_details, save_person_details
from kernel.roles import Role, user_roles


@login_required
def account_details(request):
    user = request.user
    form = PersonDetailsForm(
        request.POST or None,
        initial=initial_details(user),
        # An exporter or buyer has no application the office would call about.
        phone_required=not user_roles(user) <= {Role.EXPORTER},
    )
    if request.method == "POST" and form.is_valid():
        save_person_details(user, **form.cleaned_data)
        # The message is in the language just chosen, as the next page will be.
        translation.activate(form.cleaned_data["language"])
        messages.success(request, _("Your details are saved."))
        return redirect("curation:account")
    return render(request, "curation/account.html", {"form": form})
