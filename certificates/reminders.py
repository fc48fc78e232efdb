"""Reminders of certificates about to expire, to the business's members and the exporters
the product is shared with: the certificates' part of `curation.reminders`, which claims
and sends them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import reverse
from django.utils.formats import date_format

from certificates.models import Certificate, Status
from curation import recipients
from curation.models import Reminder
from curation.notices import in_each_language
from curation.reminders import Due, people, threshold_reached

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
