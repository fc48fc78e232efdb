"""Reminders of certificates about to expire, to the business's members and the exporters
the product is shared with, and of the permits a valid certificate rested on that expired
without a renewal, to the region's office: the certificates' part of `curation.reminders`,
which claims and sends them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from operator import attrgetter

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.formats import date_format

from certificates.models import Certificate, Status
from curation import recipients
from curation.models import Reminder
from curation.notices import in_each_language
from curation.reminders import PASSED, Due, people, threshold_reached
from products.models import Document

# Days before the last valid day: two months to certify a renewal (a new application goes
# through curation again), and a last call two weeks before.
CERTIFICATE_THRESHOLDS = (60, 14)


def certificates_expiring(today: date) -> Iterator[Due]:
    """Valid certificates whose last valid day is within CERTIFICATE_THRESHOLDS days. A
    revoked or superseded (renewed) certificate is never reminded of."""
    certificates = (
        Certificate.objects.filter(
            status=Status.VALID,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=max(CERTIFICATE_THRESHOLDS)),
        )
        .select_related("application__product__business")
        .order_by("valid_until", "pk")
    )
    for certificate in certificates:
        days = (certificate.valid_until - today).days
        threshold = threshold_reached(days, CERTIFICATE_THRESHOLDS)
        if threshold is None:
            continue
        application = certificate.application
        yield Due(
            kind=Reminder.Kind.CERTIFICATE_EXPIRING,
            subject_id=certificate.pk,
            threshold=threshold,
            recipients=people(
                recipients.business_members_and_linked_exporters(application, application.state)
            ),
            # The certificate's page: the business's members and the exporters see it.
            path=reverse("certificates:detail", args=[certificate.pk]),
            params={
                # As the certificate states them, whatever the product is called now.
                "number": certificate.number,
                "product": certificate.product_name,
                "business": certificate.business_name,
                "date": in_each_language(date_format, certificate.valid_until),
                "days": days,
            },
            application=application,
        )


def permits_expired(today: date) -> Iterator[Due]:
    """The product documents of a type that expires (a P-IRT, a BPOM MD) that a valid
    certificate rested on (uploaded before it was issued) and that expired without a
    renewal: to the coordinators and certifying officers of its region, once per document.
    A renewed one (a later upload of the type expiring later) ends it, as it ends the
    note on the public verification page (`certificates.verification`)."""
    resting_on = Certificate.objects.filter(
        product=OuterRef("product"),
        status=Status.VALID,
        valid_until__gte=today,
        issued_at__gte=OuterRef("uploaded_at"),
    )
    documents = (
        Document.objects.filter(product__isnull=False, expires_on__lt=today)
        .expiring_kinds()
        .not_superseded()
        .annotate(certificate_id=Subquery(resting_on.order_by("-issued_at").values("pk")[:1]))
        .filter(certificate_id__isnull=False)
        .select_related("kind")
        .order_by("expires_on", "pk")
    )
    documents = list(documents)
    certificates = Certificate.objects.select_related("application__product__business").in_bulk(
        {document.certificate_id for document in documents}
    )
    for document in documents:
        certificate = certificates[document.certificate_id]
        application = certificate.application
        yield Due(
            kind=Reminder.Kind.PERMIT_EXPIRED,
            subject_id=document.pk,
            threshold=PASSED,
            recipients=people(
                [
                    *recipients.region_coordinators(application, application.state),
                    *recipients.region_certifying_officers(application, application.state),
                ]
            ),
            # The application's page: its certificate, and the product's documents beside.
            path=reverse("curation:application", args=[application.pk]),
            params={
                "document": in_each_language(attrgetter("label"), document.kind),
                "number": certificate.number,
                "product": certificate.product_name,
                "business": certificate.business_name,
                "date": in_each_language(date_format, document.expires_on),
            },
            application=application,
        )
