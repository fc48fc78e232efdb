"""Numbers and money as the reader's language writes them (config/formats/: 1.234,50 in
Indonesian, 1,234.50 in English), and in both languages at once for the bilingual PDFs.

    {% load local_formats %}
    {{ product.fob_price|money:product.fob_currency }}        USD 2,50 / USD 2.50
    {{ carton.net_kg|number:-3 }} kg                          7,5 kg / 7.5 kg
    {% bilingual %}{{ carton.row_volume|number:3 }}{% endbilingual %}   3,430 and, beneath, 3.430

Dates use the named formats only: `|date:"DATE_FORMAT"` or `"SHORT_DATE_FORMAT"` (and
`iso_date` first for a date kept as text).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, translation
from django.utils.html import format_html

from products.models import CURRENCY_EXPONENT

register = template.Library()


@register.filter
def number(value, places=-3) -> str:
    """`value` grouped in the active language to `places` decimals; negative `places`:
    at most that many, trailing zeros dropped ("7,5" where `floatformat` gives "7,500",
    which an English reader takes for seven and a half thousand)."""
    if value is None or value == "":
        return ""
    places = int(places)
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-abs(places)), rounding=ROUND_HALF_UP)
    if places < 0:
        rounded = rounded.normalize()
        places = max(0, -rounded.as_tuple().exponent)
    return formats.number_format(rounded, places, force_grouping=True)


@register.filter
def money(amount, currency) -> str:
    """The currency's code and the amount with its minor units, grouped in the active
    language: "USD 1.234,50" in Indonesian, "USD 1,234.50" in English, "JPY 300"."""
    if amount is None or amount == "":
        return ""
    return f"{currency} {number(amount, CURRENCY_EXPONENT.get(str(currency), 2))}"


@register.filter
def iso_date(value) -> date | None:
    """A date kept as ISO text (the dossier's snapshot) as a date, for `|date:"DATE_FORMAT"`."""
    return date.fromisoformat(value) if value else None


class BilingualNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        texts = {}
        for language in ("id", "en"):
            with translation.override(language):
                texts[language] = self.nodelist.render(context)
        if texts["id"] == texts["en"]:
            return texts["id"]
        return format_html('{}<span class="en">{}</span>', texts["id"], texts["en"])


@register.tag
def bilingual(parser, token):
    """`{% bilingual %}...{% endbilingual %}`: what the block prints in Indonesian, with
    the English beneath (the PDFs' `.en` line) where it is written differently, for a
    bilingual PDF's cell that holds numbers or dates: "375" once, "3,430" and "3.430"
    both, so neither reader takes the other's 3.430 for three thousand."""
    nodelist = parser.parse(("endbilingual",))
    parser.delete_first_token()
    return BilingualNode(nodelist)
