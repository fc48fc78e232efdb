"""What a transition of the application's state machine is made of: `TransitionSpec`
(its name for people, the role its actor is recorded in, the text it asks for
(`WrittenInput`), who is told of it and what (`Notice`, `Message`), what its conditions
read, and the service that takes it) and the types these use.

The specs themselves, one per transition, are declared in `curation.transitions`
(`SPECS`), which also registers each transition's service (`service_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from curation import recipients
from curation.models import Application
from kernel.roles import Role

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User


Text = str | Promise  # a translatable text, translated when shown
# (application, the state it left) -> the users to tell.
Recipients = Callable[[Application, str], Iterable[Any]]
# (application before the transition, actor) -> the role the actor takes it in.
RoleOf = Callable[[Application, "_User"], Role]
Service = Callable[..., Application]
# A registered service keeps its own signature for its callers.
S = TypeVar("S", bound=Service)


@dataclass(frozen=True)
class WrittenInput:
    """The text a transition asks for. The form and the API call it `comment`; the service
    takes it as `field`, and the audit row keeps it as its comment."""

    field: str
    label: Text
    # Set for a required text: the refusal when it is left blank.
    missing: Text | None = None
    # The MSME reads it in the application's history (else it is a note for the office).
    shown_to_msme: bool = True
    # Why the text is asked for on this application, shown above the field (the reasons
    # of a stricter input: `TransitionSpec.written_input_when`).
    reasons: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return self.missing is not None


# A transition that asks for no particular text takes an optional comment.
COMMENT = WrittenInput(field="comment", label=_("Comment"))


@dataclass(frozen=True)
class Message:
    """A notice's subject and text (with %(product)s, %(business)s and the notice's own
    details), translated when shown."""

    subject: Text
    body: Text


@dataclass(frozen=True)
class Notice:
    """Who is told of an event, what they read and which page it opens for them.

    Two audiences: the business's members (`to_business`: what happened and what comes
    next for them; every member, the one who acted too, as the confirmation of their
    step; it opens the application), and the others concerned (`subject` and `body`:
    the staff whose turn it is, or the exporters the product is shared with;
    `recipients`, and the people the service names, minus whoever acted; it opens `link`,
    else the application)."""

    subject: Text | None = None
    body: Text | None = None
    recipients: Recipients = recipients.nobody
    # The page it opens for the others: a path, from the application as the change left it.
    link: Callable[[Application], str] | None = None
    to_business: Message | None = None

    @property
    def messages(self) -> list[Message]:
        """What each audience reads."""
        told = [self.to_business] if self.to_business is not None else []
        if self.subject is not None and self.body is not None:
            told.append(Message(self.subject, self.body))
        return told


@dataclass(frozen=True)
class TransitionSpec:
    """One transition, as the pages, the admin, the API, the audit trail and the
    notifications need it."""

    # The `@transition` method of Application; also the key of its audit rows and notices.
    name: str
    # The button, the page title and the history line.
    label: Text
    # What the actor is told once it is done (with %(product)s and %(business)s): what
    # happened and what comes next, not the button again.
    done: Text
    # The role the actor is recorded in (the MSME sees it instead of a name): one role, or
    # a function of the application before the transition and the actor.
    acting_role: Role | RoleOf
    notice: Notice
    written_input: WrittenInput = COMMENT
    # A stricter written input (same field) that an application may call for now, or None
    # where `written_input` serves: a function of the application.
    written_input_when: Callable[[Application], WrittenInput | None] | None = None
    # Also takes the curators and the lead (`curators`, `lead`), chosen on the page.
    picks_curators: bool = False
    # What its conditions read several times (lookups of `curation.prefetches`), loaded
    # once by a page that offers it (`read_by`); its service reads them again on the
    # application it locks. Passing curation reads the current round's scoresheets and
    # the rubric's criteria; approving the packaging and certifying, the packaging
    # reviews with their results and the checklist's items; asking for packaging
    # changes, the reviews with their results (the items only to name one that lacks a
    # note). The other transitions read what they read once, or nothing.
    reads: tuple[str | Prefetch, ...] = ()

    def input_for(self, application: Application) -> WrittenInput:
        """The written input this transition asks for on `application` now: what the form
        shows and requires, and what the service insists on."""
        if self.written_input_when is not None:
            stricter = self.written_input_when(application)
            if stricter is not None:
                return stricter
        return self.written_input

    def done_message(self, application: Application) -> str:
        """What the actor is told once the transition is taken, in the active language."""
        product = application.product
        return str(self.done) % {"product": product.name, "business": product.business.name}

    def role_of(self, application: Application, user: _User) -> Role:
        if isinstance(self.acting_role, Role):
            return self.acting_role
        return self.acting_role(application, user)

    def service_kwargs(
        self, *, comment: str, curators: Iterable[_User] = (), lead: _User | None = None
    ) -> dict[str, Any]:
        """The service's keyword arguments (besides `application` and `by`) for what a form
        or the API received."""
        kwargs: dict[str, Any] = {self.written_input.field: comment}
        if self.picks_curators:
            kwargs |= {"curators": list(curators), "lead": lead}
        return kwargs

    @property
    def service(self) -> Service:
        """The function of `curation.services` that takes this transition."""
        try:
            return SERVICES[self.name]
        except KeyError:
            raise ImproperlyConfigured(
                f"No service takes the transition {self.name!r}: is curation.services loaded?"
            ) from None


# Filled by `curation.transitions.service_for`, read through `TransitionSpec.service`.
SERVICES: dict[str, Service] = {}
