"""{% guide_at "account" as guide %}: the guided path's steps for a page whose view does
not hand them over (the sign-up page is allauth's), for templates/products/_steps.html."""

from django import template

from products.guide import Guide, guided_steps

register = template.Library()


@register.simple_tag
def guide_at(step: str) -> Guide:
    return guided_steps(step)
