"""What the public verification page reads: a lean record per verification code, kept in
the shared cache.

The page is the one anyone can hit, as often as they like (a QR code scanned at a trade
fair, a buyer's script), so it reads as little as it can: the columns it shows, in one
query with two joins (the region; the successor, when there is one; the issuing
office's name is the certificate's own column, as printed), and then
from Django's cache (`settings.CACHES`: Redis when several processes serve the site), not
the database, for `CACHE_SECONDS`. What the record holds is the certificate's own, and
public: never a user's, so one cached record serves every visitor and both languages
(the labels in both are in it; the page picks one when it renders).

What it says changes at four moments, and each one refreshes it:

- revoked or superseded: `certificate_revoke` and the supersession in `certificate_issue`
  call `forget`, in their transaction and again after their commit;
- its signed PDF stored (its SHA-256 shown, uploads compared): `storing` calls `forget`;
- a permit it rested on renewed (a later-expiring document of its type uploaded for the
  product): `certificates.signals` calls `forget`;
- expired: nothing is stored for it. The verdict is worked out from `valid_until` and
  today's date each time the page is shown, so a cached record turns "expired" the day
  after its last valid day, whenever it was cached; so does the note that a permit it
  rested on (a P-IRT, a BPOM MD) has expired, from the permits' dates in the record.

`forget` does not only delete the record: it leaves a marker for `SETTLE_SECONDS`, and
while the marker is there every reader goes to the database and caches nothing. A reader
that read the database just before the change committed cannot then put the old record
back (its `add` finds the marker and stores nothing), so a revoked certificate reads
revoked from the request after the revocation on, in every process.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from certificates.models import Certificate, CertificateStatement, Status
from certificates.ratelimit import NOT_READ
from products.models import Document

logger = logging.getLogger(__name__)

CACHE_SECONDS = 10 * 60
SETTLE_SECONDS = 5
_PREFIX = "certificates:verify:v2:"  # v2: with the issuing office's name
_CHANGED = "changed"  # the marker `forget` leaves: read the database, cache nothing
# The form verification codes take (`numbering.new_verification_code`), with room to spare;
# anything else is not a code, and not looked up.
_CODE = re.compile(r"[a-z0-9]{1,40}")

# The columns the page shows, and nothing else.
_COLUMNS = (
    "number",
    "verification_code",
    "business_name",
    "product_name",
    "hs_code",
    "grade",
    "grade_id_label",
    "grade_en_label",
    "markets",
    "issued_at",
    "valid_until",
    "status",
    "revoked_at",
    "revocation_reason",
    "pdf_sha256",
    "office_name",
    "region__name",
    "region__code",
    "superseded_by__number",
    "superseded_by__verification_code",
)


@dataclass(frozen=True)
class IssuingRegion:
    name: str
    code: str


@dataclass(frozen=True)
class Successor:
    number: str
    verification_code: str

    @property
    def verification_url(self) -> str:
        return f"{settings.SITE_URL}/verify/{self.verification_code}/"


@dataclass(frozen=True)
class Permit:
    """A document of a type that expires that the certificate rested on, current (not
    renewed): the page says when it has expired. Its date is kept, not whether it has
    expired, so a cached record turns on the right day, like the verdict."""

    label_id: str
    label_en: str
    expires_on: date

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "").startswith("en") else self.label_id


@dataclass(frozen=True)
class VerifiedCertificate(CertificateStatement):
    """What the verification page shows of a certificate; reads like the model where the
    page uses it (`verdict()`, `grade_label`, `market_names`, `is_ready`...)."""

    number: str
    verification_code: str
    business_name: str
    product_name: str
    hs_code: str
    grade: str
    grade_id_label: str
    grade_en_label: str
    markets: list[dict[str, str]]
    issued_at: datetime
    valid_until: date
    status: str
    revoked_at: datetime | None
    revocation_reason: str
    pdf_sha256: str
    office_name: str  # as printed (`issuer_name`: the region's for an older certificate)
    region: IssuingRegion
    superseded_by: Successor | None
    permits: tuple[Permit, ...] = ()

    @property
    def expired_permits(self) -> list[Permit]:
        """The permits it rested on that have expired and were not renewed: a valid
        certificate's page says so beside its status."""
        today = timezone.localdate()
        return [permit for permit in self.permits if permit.expires_on < today]

    @property
    def is_ready(self) -> bool:
        """Whether the signed PDF is stored: its SHA-256 is recorded with it, at once."""
        return bool(self.pdf_sha256)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> VerifiedCertificate:
        fields = {name: row[name] for name in _COLUMNS if "__" not in name}
        successor = None
        if row["superseded_by__number"]:
            successor = Successor(
                number=row["superseded_by__number"],
                verification_code=row["superseded_by__verification_code"],
            )
        return cls(
            **fields,
            region=IssuingRegion(name=row["region__name"], code=row["region__code"]),
            superseded_by=successor,
            permits=tuple(Permit(*permit) for permit in row.get("permits", ())),
        )


def normalised(code: str) -> str | None:
    """The verification code as stored, or None for what cannot be one (never looked up)."""
    code = (code or "").strip().lower()
    return code if _CODE.fullmatch(code) else None


def cache_key(code: str) -> str:
    """Where a normalised code's record is cached (`ratelimit.count` reads it ahead)."""
    return _PREFIX + code


def _lookup(code: str) -> dict[str, Any] | None:
    # The code is unique: no ordering (the model's default would be compiled for nothing).
    rows = (
        Certificate.objects.filter(verification_code=code)
        .order_by()
        .values(*_COLUMNS, "product_id")[:1]
    )
    row = next(iter(rows), None)
    if row is not None:
        row["permits"] = _permits(row) if row["status"] == Status.VALID else []
        del row["product_id"]
    return row


def _permits(row: dict[str, Any]) -> list[tuple[str, str, date]]:
    """The product's documents of the types that expire that the certificate rested on
    (uploaded before it was issued) and that no later upload renewed: one query, on a
    cache miss only, by the documents' product index. A renewal uploaded later drops the
    cached record (`certificates.signals`)."""
    documents = (
        Document.objects.filter(
            product_id=row["product_id"],
            uploaded_at__lte=row["issued_at"],
            expires_on__isnull=False,
        )
        .expiring_kinds()
        .not_superseded()
        .order_by("expires_on", "pk")
        .values_list("kind__label_id", "kind__label_en", "expires_on")
    )
    return list(documents)


def verified_certificate(code: str, *, read_ahead: Any = NOT_READ) -> VerifiedCertificate | None:
    """The certificate a verification code names, as the public page shows it, or None.

    From the cache when it holds it (`read_ahead`: what the page already read of
    `cache_key(code)`, with its rate-limit count); otherwise from the database, then
    cached (unless a change is settling, see `forget`). A cache that fails is read
    around: the page then reads the database, as it would without a cache."""
    code = normalised(code) or ""
    if not code:
        return None
    key = cache_key(code)
    if read_ahead is not NOT_READ:
        cached = read_ahead
    else:
        try:
            cached = cache.get(key)
        except Exception:
            logger.warning("The verification cache cannot be read", exc_info=True)
            cached = _CHANGED  # neither trust nor write it
    if isinstance(cached, dict):
        return VerifiedCertificate.from_row(cached)
    row = _lookup(code)
    if row is None:
        # Unknown codes are not cached: guessing them fills no one's cache.
        return None
    if cached is None:
        try:
            # `add`, not `set`: a marker left meanwhile by `forget` stays.
            cache.add(key, row, timeout=CACHE_SECONDS)
        except Exception:
            logger.warning("The verification cache cannot be written", exc_info=True)
    return VerifiedCertificate.from_row(row)


def forget(*codes: str) -> None:
    """What the page says of these certificates has changed (or is about to, in the
    current transaction): drop their cached records, now and again after the commit, and
    keep them out of the cache until the change has settled.

    Called by the services that change what the page shows (revocation, supersession,
    the signed PDF stored). A cache that fails now is logged, not raised, so it never
    undoes the change itself; a record it could not drop lives at most `CACHE_SECONDS`."""
    keys = {cache_key(code): _CHANGED for code in codes if code}
    if not keys:
        return

    def mark() -> None:
        try:
            cache.set_many(keys, timeout=SETTLE_SECONDS)
        except Exception:
            logger.error(
                "Could not clear the verification page of %s from the cache",
                ", ".join(codes),
                exc_info=True,
            )

    mark()  # readers stop caching before the commit...
    transaction.on_commit(mark)  # ...and go to the database once it is done
