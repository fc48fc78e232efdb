"""The access rules of the certificates' pages (certificates, dossier, sharing,
shipments, verification); see access_rules.py."""

from __future__ import annotations

from django.urls import reverse

from certificates.invitations import invitation_token
from certificates.models import Certificate
from certificates.sharing import product_share
from tests.security.access_world import (
    MEMBERS,
    PIRT_NUMBER,
    SEES,
    Rule,
    _certified_and_shared,
    _with_shipment,
    allow,
    everyone,
    product_name,
    shipment_data,
)


def _certified_and_invited(office, bring_to):
    """A certificate whose product the business shares with an address no account uses:
    the share waits, and its invitation link is e-mailed."""
    application = bring_to("certified")
    certificate = Certificate.objects.get(application=application)
    share = product_share(certificate=certificate, by=office.msme, email="buyer@abroad.test")
    return application, {"certificate": certificate, "token": invitation_token(share)}


CERTIFICATE_RULES = [
    # Certificates.
    Rule(
        "certificates:verify",
        "verify",
        lambda w: reverse(
            "certificates:verify", args=[w.application.certificate.verification_code]
        ),
        setup="certified",
        allowed=everyone(),
        anonymous=200,
        # Public: never the MSME's documents or their numbers.
        secret=lambda w: PIRT_NUMBER,
        shows_to=frozenset(),
    ),
    Rule(
        "certificates:detail",
        "certificate",
        lambda w: reverse("certificates:detail", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        allowed=allow(SEES | {"exporter"}),
    ),
    Rule(
        "certificates:download",
        "certificate-download",
        lambda w: reverse("certificates:download", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        # The PDF is rendered after the commit, which these tests do not run: whoever may
        # download it is told it is being prepared (503), after the same access check.
        allowed=allow(SEES | {"exporter"}, 503),
    ),
    Rule(
        "certificates:dossier",
        "dossier-download",
        lambda w: reverse("certificates:dossier", args=[w.extra["certificate"].pk, "zip"]),
        setup=_certified_and_shared,
        allowed=allow(SEES | {"exporter"}, 503),  # not rendered yet, as above
    ),
    Rule(
        "certificates:revoke",
        "certificate-revoke",
        lambda w: reverse("certificates:revoke", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        method="GET+POST",
        allowed=allow({"officer"}),
        data=lambda w: {"reason": "The P-IRT was withdrawn by the health office."},
        actor="officer",
    ),
    Rule(
        "certificates:share",
        "certificate-share",
        lambda w: reverse("certificates:share", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        method="POST",
        allowed=allow(MEMBERS),
        # Who sees the certificate is sent back to it with the reason; the rest get 404.
        refused=(302, 403, 404),
        data=lambda w: {"email": w.user("other_exporter").email},
        actor="msme",
    ),
    Rule(
        "certificates:share_stop",
        "certificate-share-stop",
        lambda w: reverse(
            "certificates:share_stop", args=[w.extra["certificate"].pk, w.extra["share"].pk]
        ),
        setup=_certified_and_shared,
        method="POST",
        allowed=allow(MEMBERS),
        refused=(302, 403, 404),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "certificates:shipment_new",
        "shipment-new",
        lambda w: reverse("certificates:shipment_new", args=[w.extra["certificate"].pk]),
        setup=_certified_and_shared,
        method="GET+POST",
        # The business and the exporter it shares with record shipments; staff do not.
        allowed=allow(MEMBERS | {"exporter"}),
        data=shipment_data,
        actor="msme",
    ),
    Rule(
        "certificates:shipment",
        "shipment",
        lambda w: reverse("certificates:shipment", args=[w.extra["shipment"].pk]),
        setup=_with_shipment,
        # Prices and buyers are the business's: an exporter sees only its own shipments.
        allowed=allow(MEMBERS),
    ),
    Rule(
        "certificates:shipment_document",
        "shipment-invoice",
        lambda w: reverse(
            "certificates:shipment_document", args=[w.extra["shipment"].pk, "invoice"]
        ),
        setup=_with_shipment,
        allowed=allow(MEMBERS, 503),  # rendered after the commit, as above
    ),
    Rule(
        "certificates:invitation",
        "exporter-invitation",
        lambda w: reverse("certificates:invitation", args=[w.extra["token"]]),
        setup=_certified_and_invited,
        # The link is the secret: whoever holds it reads who shares what with the address;
        # only a visitor who is not signed in opens the account with it (a POST by each
        # persona, refused with the page saying why: test_exporter_invitation.py).
        allowed=everyone(),
        anonymous=200,
    ),
    Rule(
        "certificates:shared",
        "shared-with-me",
        lambda w: reverse("certificates:shared"),
        setup=_certified_and_shared,
        allowed=allow({"exporter", "other_exporter"}),
        secret=product_name,
        shows_to=frozenset({"exporter"}),
        must_show=frozenset({"exporter"}),
    ),
]
