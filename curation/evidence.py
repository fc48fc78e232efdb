"""The evidence beside the score: what staff judge an application from, for the one panel
every staff page about it shows (templates/curation/_evidence.html). The product's facts,
its photos, every document of the product and of its business (type, number, issuer,
dates), and the earlier scoring rounds: what the curators asked, what the business
answered, and what it changed.

Curators must not score blind (issue #10), so the scoresheet and the curation result show
it as well as the packaging, certification and application pages. Read in a fixed number
of queries whatever the number of documents or rounds: the documents once per request
(`products.rules.product_documents`, shared with the rules that check them), the revision
requests in one query, the markets from the page's prefetch where it made one. Each file
opens through `curation:evidence`, which checks again that the user sees the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.translation import ngettext

from assessments.selectors import EVIDENCE_KINDS
from products.models import Document, Market, Product
from products.rules import product_documents
from products.uploads import ACCEPTED_TYPES

if TYPE_CHECKING:
    from curation.models import Application, RevisionRequest


@dataclass(frozen=True)
class EvidenceFile:
    document: Document
    open_url: str  # shown by the browser itself (a PDF in its viewer, a photo full size)
    image_url: str  # drawn in the page; only for a photo
    file_type: str  # "PDF", "JPG", ...
    new: bool  # uploaded since `Evidence.new_since`


@dataclass(frozen=True)
class Change:
    """One thing the business changed in answer to a revision request, with what it was
    when the revision was asked for ("" when empty; None where not shown)."""

    label: str
    before: str | None


@dataclass(frozen=True)
class EarlierRound:
    """A scoring round that ended in a revision request, and the business's answer."""

    number: int
    request: RevisionRequest
    changes: list[Change]


@dataclass(frozen=True)
class Evidence:
    product: Product
    markets: list[Market]
    photos: list[EvidenceFile]
    documents: list[EvidenceFile]
    rounds: list[EarlierRound]
    new_since: datetime | None

    @property
    def latest_round(self) -> EarlierRound | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def has_new(self) -> bool:
        return any(file.new for file in (*self.photos, *self.documents))


def evidence_for(
    application: Application, *, new_since: datetime | None = None, revised: bool = True
) -> Evidence:
    """The panel's evidence. A file uploaded after `new_since` is marked new (the packaging
    review passes when its last review closed); by default, after the last revision
    request, so the curators of a new round find what the business added. `revised`:
    False when the page's history shows that no revision was ever requested (most
    applications), which spares the revision requests' query."""
    requests = list(application.revision_requests.select_related("requested_by")) if revised else []
    requests.sort(key=lambda r: (r.requested_at, r.pk))
    if new_since is None and requests:
        new_since = requests[-1].requested_at
    photos: list[EvidenceFile] = []
    documents: list[EvidenceFile] = []
    for document in _by_type_newest_first(product_documents(application.product)):
        # A photo is drawn; label artwork sent as a PDF is listed with the documents.
        is_image = document.content_type.startswith("image/")
        is_photo = is_image and document.kind.key in EVIDENCE_KINDS
        (photos if is_photo else documents).append(
            _file(application, document, new_since, is_photo=is_photo)
        )
    return Evidence(
        product=application.product,
        markets=list(application.target_markets.all()),
        photos=sorted(photos, key=lambda f: f.document.uploaded_at, reverse=True),
        documents=documents,
        # Request n closed round n; the answer opened round n + 1 (`curation.services`).
        rounds=[
            EarlierRound(number=n, request=request, changes=_changes(request))
            for n, request in enumerate(requests, start=1)
        ],
        new_since=new_since,
    )


def _by_type_newest_first(documents: list[Document]) -> list[Document]:
    # The business's documents (NIB, NPWP) first, then the product's, each type together.
    newest_first = sorted(documents, key=lambda d: (d.uploaded_at, d.pk), reverse=True)
    return sorted(newest_first, key=lambda d: (d.kind.scope, d.kind.key))


def _file(
    application: Application,
    document: Document,
    new_since: datetime | None,
    *,
    is_photo: bool,
) -> EvidenceFile:
    args = [application.pk, document.pk]
    return EvidenceFile(
        document=document,
        open_url=reverse("curation:evidence", args=args),
        image_url=reverse("curation:evidence_image", args=args) if is_photo else "",
        file_type=ACCEPTED_TYPES.get(document.content_type, "").lstrip(".").upper(),
        new=new_since is not None and document.uploaded_at > new_since,
    )


def _changes(request: RevisionRequest) -> list[Change]:
    """`RevisionRequest.changes` (`curation.snapshots.snapshot_changes`: the product's
    fields, and "documents_added:<n>" / "documents_removed:<n>") in words, each field
    with its value when the revision was asked for."""
    changes = []
    for change in request.changes:
        key, _colon, count = change.partition(":")
        if key == "documents_added":
            label = ngettext("%(n)s document added", "%(n)s documents added", int(count))
            changes.append(Change(label % {"n": count}, None))
        elif key == "documents_removed":
            label = ngettext("%(n)s document removed", "%(n)s documents removed", int(count))
            changes.append(Change(label % {"n": count}, None))
        else:
            before = request.snapshot.get(key, "")
            changes.append(
                Change(
                    _field_label(key),
                    # The category and the markets are kept as keys: only said to change.
                    before if isinstance(before, str) and key != "category" else None,
                )
            )
    return changes


def _field_label(name: str) -> str:
    try:
        field = Product._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))
