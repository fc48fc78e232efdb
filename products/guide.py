"""The MSME's guided path from sign-up to a submitted application: account, business,
product, documents, review and submit. Each page of the path shows where she is and what
is left (`templates/products/_steps.html`), from `guided_steps`.

A step is done when what it asks for is there (a business, a product, every required
document current), not merely when its page was visited: going back to fix something
keeps the later steps' true state.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kernel.states import FINAL_STATES, State
from products.models import Business, Product
from products.rules import document_problems

ACCOUNT, BUSINESS, PRODUCT, DOCUMENTS, REVIEW = (
    "account",
    "business",
    "product",
    "documents",
    "review",
)
LABELS = {
    ACCOUNT: _("Your account"),
    BUSINESS: _("Your business"),
    PRODUCT: _("Your product"),
    DOCUMENTS: _("Documents"),
    REVIEW: _("Review and submit"),
}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    number: int
    url: str  # empty when the step has no page to go back to yet
    done: bool
    current: bool


@dataclass(frozen=True)
class Guide:
    steps: list[Step]

    @property
    def current(self) -> Step:
        return next(step for step in self.steps if step.current)

    @property
    def left(self) -> list[Step]:
        """The steps still to do after this one."""
        return [s for s in self.steps if not s.done and s.number > self.current.number]

    @property
    def undone_before(self) -> list[Step]:
        """Earlier steps not done yet (a document that expired since)."""
        return [s for s in self.steps if not s.done and s.number < self.current.number]


def on_guided_path(product: Product | None) -> bool:
    """Whether `product` is still on its way to a submission: no application of it is
    with the office (none yet, a draft, or only finished ones: it may apply again)."""
    if product is None or product.pk is None:
        return True
    return not product.applications.exclude(state__in=(State.DRAFT, *FINAL_STATES)).exists()


def _link(name: str, *args: object) -> str:
    """The page's URL; empty when it is not installed (the account and review pages are
    the workflow's, a layer above)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def guided_steps(
    current: str, *, business: Business | None = None, product: Product | None = None
) -> Guide:
    """The path's steps, `current` being the page shown, for `business` and `product`
    as far as they exist."""
    business = business or (product.business if product is not None else None)
    documents_done = product is not None and not document_problems(product)
    state = {
        ACCOUNT: (True, _link("curation:account")),
        BUSINESS: (
            business is not None,
            _link("products:business_edit", business.pk) if business else "",
        ),
        PRODUCT: (product is not None, _link("products:edit", product.pk) if product else ""),
        DOCUMENTS: (documents_done, _link("products:documents", product.pk) if product else ""),
        REVIEW: (False, _link("curation:product_review", product.pk) if product else ""),
    }
    return Guide(
        steps=[
            Step(
                key=key,
                label=str(LABELS[key]),
                number=number,
                url=url,
                done=done,
                current=key == current,
            )
            for number, (key, (done, url)) in enumerate(state.items(), start=1)
        ]
    )
