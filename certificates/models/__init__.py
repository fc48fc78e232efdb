"""The certificates app's models, a module per noun; every public name is importable from
here (`from certificates.models import Certificate`), as before the split.

- `certificates`: the certificate, its number's counter, its audit trail;
- `dossier_files`: the stored files of its export dossier;
- `shares`: the certified products a business shares with exporters;
- `shipments`: the shipments recorded under a certificate, their lines and cartons.
"""

from certificates.models.certificates import (
    Certificate,
    CertificateCounter,
    CertificateEvent,
    CertificateQuerySet,
    CertificateStatement,
    EventKind,
    Status,
    Verdict,
)
from certificates.models.dossier_files import DossierFile
from certificates.models.shares import ProductShare, ProductShareQuerySet
from certificates.models.shipments import (
    INCOTERMS_NAMED_AT_ORIGIN,
    Currency,
    Incoterm,
    Shipment,
    ShipmentCarton,
    ShipmentLine,
    ShipmentQuerySet,
    carton_volume_m3,
)

__all__ = [
    "INCOTERMS_NAMED_AT_ORIGIN",
    "Certificate",
    "CertificateCounter",
    "CertificateEvent",
    "CertificateQuerySet",
    "CertificateStatement",
    "Currency",
    "DossierFile",
    "EventKind",
    "Incoterm",
    "ProductShare",
    "ProductShareQuerySet",
    "Shipment",
    "ShipmentCarton",
    "ShipmentLine",
    "ShipmentQuerySet",
    "Status",
    "Verdict",
    "carton_volume_m3",
]
