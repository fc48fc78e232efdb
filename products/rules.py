"""The rules about a product and its business, as lists of what is still wrong.

Each function takes a product (a business, a category) and returns the unmet conditions
as sentences an MSME understands, each a `Problem` that links to the page where it is
fixed (empty when nothing is wrong). The workflow composes them into the conditions of
its transitions (`curation.checks`); the portal asks them directly, so a rule is written
once and needs no application to be asked.

`next_url` is where a linked page leads back to once its form is saved (the application
page, from an application's checklist).

A page that asks a rule twice (the certification review shows the documents' problems,
and the certify step's conditions ask them again) reads the document types once per
request, and a product's documents once per request for that instance of the product
(`product_documents`, which the certification review's own table of documents reads
too; `kernel.request_cache`: a transition's locked application has its own).
"""

from datetime import date
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kernel import request_cache
from products.models import Business, Category, Document, DocumentType, Market, Product
from products.validators import validate_nib, validate_npwp


class Problem(str):
    """A sentence saying what is wrong, that is also a string everywhere a string is
    expected, with `link`: where the MSME fixes it (empty when nothing on a page does)."""

    link: str = ""

    def __new__(cls, text: str, link: str = "") -> Self:
        problem = super().__new__(cls, text)
        problem.link = link
        return problem


def page_link(name: str, pk: object, *, next_url: str = "", **query: Any) -> str:
    """The URL of the page named `name` for object `pk`, leading back to `next_url` once
    done; empty when no such page is installed."""
    try:
        url = reverse(name, args=[pk])
    except NoReverseMatch:
        return ""
    if next_url:
        query["next"] = next_url
    return url + ("?" + urlencode(query) if query else "")


def upload_link(document_type: DocumentType, product: Product, *, next_url: str = "") -> str:
    """Where a required document of `document_type` for `product` (or its business) is
    uploaded: its slot on the product's documents page (`products.slots`), with the
    product's other documents, so that what is missing goes in one upload."""
    url = page_link("products:documents", product.pk, next_url=next_url)
    return f"{url}#doc-{document_type.key}" if url else ""


def product_problems(
    product: Product, markets: QuerySet[Market], *, next_url: str = ""
) -> list[Problem]:
    """What the product's data lacks, and whether `markets` (the markets it is offered
    for, a queryset) names at least one."""
    edit = page_link("products:edit", product.pk, next_url=next_url)
    problems: list[Problem] = []
    missing = [
        label
        for label, present in [
            (_("HS code"), product.hs_code),
            (_("description"), product.description.strip()),
            (_("materials or ingredients"), product.materials.strip()),
            (_("monthly capacity"), product.monthly_capacity and product.capacity_unit),
            (_("FOB price"), product.fob_price),
        ]
        if not present
    ]
    if product.category.is_food and not product.shelf_life_days:
        missing.append(_("shelf life"))
    if missing:
        problems.append(
            Problem(
                _("Complete the product data: %(fields)s.") % {"fields": ", ".join(missing)}, edit
            )
        )
    if not markets.exists():
        problems.append(
            Problem(_("Choose at least one target market."), edit + "#markets" if edit else "")
        )
    return problems


def business_problems(business: Business, *, next_url: str = "") -> list[Problem]:
    """The business's NIB and NPWP, checked as the registries number them."""
    edit = page_link("products:business_edit", business.pk, next_url=next_url)
    problems: list[Problem] = []
    for validator, value in ((validate_nib, business.nib), (validate_npwp, business.npwp)):
        try:
            validator(value)
        except ValidationError as e:
            problems.extend(Problem(message, edit) for message in e.messages)
    return problems


def submission_problems(product: Product, *, next_url: str = "") -> list[Problem]:
    """Everything that keeps `product` from being submitted for the markets it names now
    (an application's own check, `curation.checks.submit_problems`, asks the same of the
    application's markets)."""
    return (
        product_problems(product, product.target_markets.all(), next_url=next_url)
        + business_problems(product.business, next_url=next_url)
        + document_problems(product, next_url=next_url)
    )


def required_document_types(category: Category) -> list[list[DocumentType]]:
    """The documents a product of `category` needs: each entry lists the types that
    satisfy it (food needs a P-IRT or a BPOM MD, so that entry has two)."""
    types = request_cache.memoized(
        "required_document_types",
        lambda: list(DocumentType.objects.exclude(required_for=DocumentType.RequiredFor.NONE)),
    )
    needed = []
    registration = []
    for doc_type in types:
        match doc_type.required_for:
            case DocumentType.RequiredFor.ALL:
                needed.append([doc_type])
            case DocumentType.RequiredFor.FOOD if category.is_food:
                needed.append([doc_type])
            case DocumentType.RequiredFor.FOOD_REGISTRATION if category.is_food:
                registration.append(doc_type)
    if registration:
        needed.append(registration)
    return needed


def product_documents(product: Product) -> list[Document]:
    """The documents of `product` and the business-wide ones of its business, each with
    its type: read once per request for this instance of the product, by the rules and
    by a page that lists them (unordered: a page sorts them as it shows them)."""
    return request_cache.memoized_for(
        product,
        "documents",
        lambda: list(
            Document.objects.filter(
                Q(business=product.business, product__isnull=True) | Q(product=product)
            ).select_related("kind")
        ),
    )


def document_problems(
    product: Product, today: date | None = None, *, next_url: str = ""
) -> list[Problem]:
    """Missing, expired or wrongly numbered documents the product (and its business)
    must have."""
    today = today or timezone.localdate()
    by_kind: dict[int, list[Document]] = {}
    for document in product_documents(product):
        by_kind.setdefault(document.kind_id, []).append(document)

    problems: list[Problem] = []
    for alternatives in required_document_types(product.category):
        names = _(" or ").join(str(t.label) for t in alternatives)
        candidates = [d for t in alternatives for d in by_kind.get(t.pk, [])]
        if not candidates:
            problems.append(
                Problem(
                    _("Upload the %(document)s.") % {"document": names},
                    # Where there is a choice (P-IRT or BPOM MD), the slot asks which.
                    upload_link(alternatives[0], product, next_url=next_url),
                )
            )
            continue
        current = [d for d in candidates if d.is_current(today)]
        if not current:
            # None of them is current, so every one has an expiry date in the past.
            latest = max(candidates, key=lambda d: d.expires_on or date.min)
            assert latest.expires_on is not None
            problems.append(
                Problem(
                    _("The %(document)s expired on %(date)s: upload the current one.")
                    % {
                        "document": latest.kind.label,
                        "date": formats.date_format(latest.expires_on),
                    },
                    upload_link(latest.kind, product, next_url=next_url),
                )
            )
            continue
        numbered = [d for d in current if d.kind.has_number]
        for document in numbered[:1]:
            problem = (
                document.kind.number_problem(document.number)
                if document.number
                else _("the number is missing")
            )
            if problem:
                problems.append(
                    Problem(
                        _("The %(document)s number is not valid: %(problem)s")
                        % {"document": document.kind.label, "problem": problem},
                        upload_link(document.kind, product, next_url=next_url),
                    )
                )
    return problems
