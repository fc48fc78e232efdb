from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group
from django.utils import translation

from curation.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Whoever signs up is an MSME member; staff roles are given by an administrator."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user.groups.add(Group.objects.get_or_create(name=Role.MSME)[0])
            # The language the visitor used while signing up becomes their choice.
            user.profile.language = translation.get_language() or user.profile.language
            user.profile.save(update_fields=["language"])
        return user
