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
from offices.routing import is_served, offices_near
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


def office_problems(application) -> list[str]:
    """An application goes to the office serving its business's region: in a region no
    office serves, nobody would receive it (WORKFLOW.md, "Roles")."""
    return region_problems(application.product.business.region)


def region_problems(region) -> list[str]:
    """Why nothing can be submitted from `region` (none when an office serves it)."""
    if is_served(region.pk):
        return []
    problem = _(
        "No curation office serves %(region)s yet, so the application cannot be submitted: "
        "nobody would receive it. Ask the trade and cooperative office (Dinas) of "
        "%(region)s when an office will serve it; the administrators of Siap Ekspor have "
        "been told. Your product and its documents stay as they are."
    ) % {"region": region.name}
    near = offices_near(region)
    if near:
        problem += " " + _("Offices in %(province)s: %(offices)s.") % {
            "province": region.province,
            "offices": ", ".join(office.name for office in near),
        }
    return [problem]


def submit_problems(application) -> list[str]:
    back = _application_url(application)
    product = application.product
    return (
        office_problems(application)
        + product_rules.product_problems(product, application.target_markets, next_url=back)
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
    region_id = application.product.business.region_id
    if application.office_id is None and not is_served(region_id):
        # Its region's office stopped serving it, and no other serves it yet.
        problems.append(
            _(
                "No office serves %(region)s now: a superuser must make an office serve it "
                "before the certificate can be issued in that office's name."
            )
            % {"region": application.product.business.region.name}
        )
    problems += assessment_rules.packaging_approval_problems(application)
    problems += document_problems(application)
    return problems
