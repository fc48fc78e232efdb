"""The one domain error every service raises, and how a page shows it."""

from collections.abc import Iterable, Mapping

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest
from django.utils.functional import Promise

# One message, or messages translated or still lazy.
Messages = str | Iterable[str | Promise]


class WorkflowError(Exception):
    """A refused action, with what the user needs to know, in their language.

    `messages` are about the whole action; `fields` maps a form field's name to the
    messages about what was entered there. `self.messages` lists them all (the whole
    action's first), for a page or an answer that shows them in one list. Views show them
    with `workflow_error_to_form` or `show_workflow_error`; the API answers 409 (state
    changed) or 400 with the same messages.
    """

    def __init__(
        self,
        messages: Messages = (),
        *,
        fields: Mapping[str, Messages] | None = None,
        stale: bool = False,
    ) -> None:
        if isinstance(messages, str):
            messages = [messages]
        self.non_field_messages = [str(m) for m in messages]
        self.fields = {
            name: [str(m) for m in ([found] if isinstance(found, str) else found)]
            for name, found in (fields or {}).items()
        }
        self.messages = self.non_field_messages + [
            message for found in self.fields.values() for message in found
        ]
        self.stale = stale
        super().__init__(" ".join(self.messages))


def show_workflow_error(request: HttpRequest, error: WorkflowError) -> None:
    """Each of the error's messages as an error message on the next page."""
    for message in error.messages:
        messages.error(request, message)


def workflow_error_to_form(form: BaseForm, error: WorkflowError) -> None:
    """The error's messages on the form: each field's beside its input (above the form
    when the form has no such input), the others above the form."""
    for message in error.non_field_messages:
        form.add_error(None, message)
    for name, found in error.fields.items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)
