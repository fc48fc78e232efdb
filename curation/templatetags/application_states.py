"""The state badge of an application (templates/curation/_state.html)."""

from django import template

from curation.next_steps import certificate_badge

register = template.Library()


@register.simple_tag
def state_badge(application, badge=None):
    """The badge a page worked out (its next step's), else the certificate's when a
    certified application's certificate no longer stands; None: the state's own label."""
    return badge or certificate_badge(application)
