"""The conditions of the workflow's transitions, as lists of what is still wrong.

Every function takes an application and returns the unmet conditions as sentences an
MSME or officer understands (empty when the transition may go ahead). The model's
`@transition(conditions=...)` uses them, the services raise them as a WorkflowError, and
the pages show them as a to-do list, so a rule is written once.

The rules themselves live with the data they read: the product's completeness and its
documents in `products.rules`, the curation result and the packaging checklist in
`assessments.rules`. Here they are composed for an application, their links leading
back to its page.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from assessments import rules as assessment_rules
from products import rules as product_rules


def _application_url(application) -> str:
    """Where a page linked from the application's checklist leads back to once done."""
    if application.pk is None:
        return ""
    try:
        return reverse("curation:application", args=[application.pk])
    except NoReverseMatch:
        return ""


def document_problems(application, today=None) -> list[str]:
    """Missing, expired or wrongly numbered documents required for this application."""
    return product_rules.document_problems(
        application.product, today, next_url=_application_url(application)
    )


def submit_problems(application) -> list[str]:
    back = _application_url(application)
    product = application.product
    return (
        product_rules.product_problems(product, application.target_markets, next_url=back)
        + product_rules.business_problems(product.business, next_url=back)
        + document_problems(application)
    )


def packaging_resubmit_problems(application) -> list[str]:
    return assessment_rules.packaging_resubmit_problems(
        application, next_url=_application_url(application)
    )


def certify_problems(application) -> list[str]:
    problems = []
    if application.final_score is None:
        problems.append(_("The application has no curation result."))
    problems += assessment_rules.packaging_approval_problems(application)
    problems += document_problems(application)
    return problems
