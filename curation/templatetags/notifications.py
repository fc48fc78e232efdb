from django import template

from curation.notices import render

register = template.Library()


@register.simple_tag
def notice_subject(notice) -> str:
    """A notice's subject in the reader's language (notices store the event, not text)."""
    return render(notice)[0]
