"""`legal_number`: a business's or a document's number as its document prints it, the same
on every page and PDF (`products.validators.format_number`).

    {% load legal_numbers %}
    {{ business.npwp|legal_number:"npwp" }}  {{ document.number|legal_number:document.kind.key }}
"""

from django import template

from products.validators import format_number

register = template.Library()


@register.filter
def legal_number(value, kind) -> str:
    return format_number(str(kind), value or "")
