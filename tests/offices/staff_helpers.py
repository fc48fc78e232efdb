"""Helpers of the office administration tests: an office with its administrator."""

import re

from django.contrib.auth.models import Group

from kernel.roles import Role
from tests import factories as f


def office_of_kediri(office):
    """Kediri's office (the `office` fixture's staff work for it)."""
    return f.office_for(office.business.region)


def make_admin(office, username="admin-kediri", **kwargs):
    """An administrator of Kediri's office (and nothing else), reading English."""
    return english(
        f.UserFactory(
            username=username,
            first_name=kwargs.pop("first_name", "Dewi Admin"),
            roles=[Role.OFFICE_ADMIN],
            office=office_of_kediri(office),
            **kwargs,
        )
    )


def english(user):
    """Pages in English for `user` (the texts asserted are the source strings)."""
    user.profile.language = "en"
    user.profile.save(update_fields=["language"])
    return user


def sign_in(client, user):
    client.force_login(english(user))
    return client


def give_role(user, role):
    user.groups.add(Group.objects.get_or_create(name=role)[0])


def link_in(mail) -> str:
    match = re.search(r"https?://\S+/office/join/[^/\s]+/", mail.body)
    assert match, mail.body
    return match.group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]
