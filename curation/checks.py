"""The conditions of each transition, as lists of what is still wrong.

Every function takes an application and returns the unmet conditions as sentences an
MSME or officer understands (empty when the transition may go ahead). The model's
`@transition(conditions=...)` uses them, the services raise them as a WorkflowError, and
the pages show them as a to-do list, so a rule is written once.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from assessments.scoring import aggregate
from products.models import Document, DocumentType
from products.validators import validate_nib, validate_npwp


class Problem(str):
    """A sentence saying what is wrong, that is also a string everywhere a string is
    expected, with `link`: where the MSME fixes it (empty when nothing on a page does)."""

    link: str = ""

    def __new__(cls, text, link: str = ""):
        problem = super().__new__(cls, text)
        problem.link = link
        return problem


def _link(name: str, pk, application=None, **query) -> str:
    """The URL of the page named `name`; from an application's checklist, the page leads
    back to the application once done."""
    try:
        url = reverse(name, args=[pk])
        if application is not None and application.pk is not None:
            query["next"] = reverse("application", args=[application.pk])
    except NoReverseMatch:
        return ""
    return url + ("?" + urlencode(query) if query else "")


def _upload_link(document_type, application, *, preselect=True) -> str:
    product = application.product
    query = {"kind": document_type.key} if preselect else {}
    if document_type.scope == DocumentType.Scope.BUSINESS:
        return _link("products:business_document_upload", product.business_id, application, **query)
    return _link("products:document_upload", product.pk, application, **query)


def _product_problems(application) -> list[str]:
    product = application.product
    edit = _link("products:edit", product.pk, application)
    problems = []
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
    if application.is_food and not product.shelf_life_days:
        missing.append(_("shelf life"))
    if missing:
        problems.append(
            Problem(
                _("Complete the product data: %(fields)s.") % {"fields": ", ".join(missing)}, edit
            )
        )
    if not application.target_markets.exists():
        problems.append(
            Problem(_("Choose at least one target market."), edit + "#markets" if edit else "")
        )
    return problems


def _business_problems(application) -> list[str]:
    business = application.product.business
    edit = _link("products:business_edit", business.pk, application)
    problems = []
    for validator, value in ((validate_nib, business.nib), (validate_npwp, business.npwp)):
        try:
            validator(value)
        except ValidationError as e:
            problems.extend(Problem(message, edit) for message in e.messages)
    return problems


def required_document_types(application) -> list[list[DocumentType]]:
    """The documents this application needs: each entry lists the types that satisfy it
    (food needs a P-IRT or a BPOM MD, so that entry has two)."""
    types = list(DocumentType.objects.exclude(required_for=DocumentType.RequiredFor.NONE))
    needed = []
    registration = []
    for doc_type in types:
        match doc_type.required_for:
            case DocumentType.RequiredFor.ALL:
                needed.append([doc_type])
            case DocumentType.RequiredFor.FOOD if application.is_food:
                needed.append([doc_type])
            case DocumentType.RequiredFor.FOOD_REGISTRATION if application.is_food:
                registration.append(doc_type)
    if registration:
        needed.append(registration)
    return needed


def document_problems(application, today=None) -> list[str]:
    """Missing, expired or wrongly numbered documents required for this application."""
    today = today or timezone.localdate()
    product = application.product
    documents = Document.objects.filter(
        Q(business=product.business, product__isnull=True) | Q(product=product)
    ).select_related("kind")
    by_kind: dict[int, list[Document]] = {}
    for document in documents:
        by_kind.setdefault(document.kind_id, []).append(document)

    problems = []
    for alternatives in required_document_types(application):
        names = _(" or ").join(str(t.label) for t in alternatives)
        candidates = [d for t in alternatives for d in by_kind.get(t.pk, [])]
        if not candidates:
            problems.append(
                Problem(
                    _("Upload the %(document)s.") % {"document": names},
                    # Where there is a choice (P-IRT or BPOM MD), the MSME picks the type.
                    _upload_link(alternatives[0], application, preselect=len(alternatives) == 1),
                )
            )
            continue
        current = [d for d in candidates if d.is_current(today)]
        if not current:
            latest = max(candidates, key=lambda d: d.expires_on)
            problems.append(
                Problem(
                    _("The %(document)s expired on %(date)s: upload the current one.")
                    % {
                        "document": latest.kind.label,
                        "date": formats.date_format(latest.expires_on),
                    },
                    _upload_link(latest.kind, application),
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
                        _upload_link(document.kind, application),
                    )
                )
    return problems


def submit_problems(application) -> list[str]:
    return (
        _product_problems(application)
        + _business_problems(application)
        + document_problems(application)
    )


def curation_result(application):
    """The aggregate of the current round's submitted scoresheets, or None."""
    current = application.current_round
    if current is None:
        return None
    # Only the curators assigned now count: a curator removed by a reassignment takes
    # their already submitted scores out of the round with them.
    sheets = list(
        current.scoresheets.filter(
            submitted_at__isnull=False, curator__curator_assignments__application=application
        ).prefetch_related("scores")
    )
    if not sheets:
        return None
    return aggregate(application.rubric, sheets, is_food=application.is_food)


def pass_curation_problems(application) -> list[str]:
    current = application.current_round
    if current is None:
        return [_("No scoring round is open.")]
    submitted = set(
        current.scoresheets.filter(submitted_at__isnull=False).values_list("curator_id", flat=True)
    )
    waiting = [
        a.curator
        for a in application.assignments.select_related("curator")
        if a.curator_id not in submitted
    ]
    if waiting:
        return [
            _("Waiting for the scores of: %(curators)s.")
            % {"curators": ", ".join(u.get_full_name() or u.get_username() for u in waiting)}
        ]
    result = curation_result(application)
    problems = []
    if result.total < result.pass_mark:
        problems.append(
            _("The weighted score %(total)s is below the pass mark %(pass_mark)s.")
            % {"total": result.total, "pass_mark": result.pass_mark}
        )
    labels = {c.key: c.label for c in application.rubric.criteria.all()}
    for criterion in result.criteria:
        if criterion.gate_failed:
            problems.append(
                _("%(criterion)s scores %(mean)s, below its minimum of %(floor)s.")
                % {
                    "criterion": labels[criterion.key],
                    "mean": criterion.mean,
                    "floor": criterion.floor,
                }
            )
    return problems


def packaging_items(application):
    """The checklist items that apply to this product and its target markets."""
    return application.packaging_checklist.items_for(
        is_food=application.is_food,
        market_keys=application.target_markets.values_list("key", flat=True),
    )


def _packaging_results(application) -> dict:
    review = application.current_packaging_review
    if review is None:
        return {}
    return {r.item_id: r for r in review.results.all()}


def packaging_changes_problems(application) -> list[str]:
    results = _packaging_results(application)
    failed = [r for r in results.values() if r.result == "fail"]
    if not failed:
        return [_("Mark at least one checklist item as failed to request changes.")]
    without_note = [r for r in failed if not r.note.strip()]
    if without_note:
        items = {i.pk: i for i in packaging_items(application)}
        return [
            _("Say what must change for: %(items)s.")
            % {
                "items": ", ".join(
                    str(items[r.item_id].label) if r.item_id in items else str(r.item_id)
                    for r in without_note
                )
            }
        ]
    return []


def packaging_approval_problems(application) -> list[str]:
    results = _packaging_results(application)
    unmet = [
        item.label
        for item in packaging_items(application)
        if item.mandatory and (item.pk not in results or results[item.pk].result != "pass")
    ]
    if unmet:
        return [
            _("These mandatory items have not passed: %(items)s.") % {"items": "; ".join(unmet)}
        ]
    return []


def packaging_resubmit_problems(application) -> list[str]:
    review = application.current_packaging_review
    since = review.closed_at if review and review.closed_at else application.state_changed_at
    new_evidence = Document.objects.filter(
        product=application.product,
        kind__key="packaging_photo",
        uploaded_at__gt=since,
    ).exists()
    if not new_evidence:
        upload = _link(
            "products:document_upload", application.product_id, application, kind="packaging_photo"
        )
        return [
            Problem(_("Upload new packaging photos or label artwork before resubmitting."), upload)
        ]
    return []


def certify_problems(application) -> list[str]:
    problems = []
    if application.final_score is None:
        problems.append(_("The application has no curation result."))
    problems += packaging_approval_problems(application)
    problems += document_problems(application)
    return problems
