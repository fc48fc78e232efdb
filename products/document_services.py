"""The function that stores a document of a business or of its product
(`document_upload`): the checks of its type, number and dates, of the file's content,
and the warnings on what was accepted but deserves a second look.

As every service of products.services: keyword arguments and the acting user (`by`),
`WorkflowError` for a refusal, which changes nothing and stores no file.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kernel.errors import WorkflowError
from products.models import Business, Document, DocumentType, Product
from products.numbers import UnconfirmedNumber, number_warnings, pirt_doubts
from products.services import require_member
from products.uploads import inspect_upload

if TYPE_CHECKING:
    # Stub-only aliases that mypy's Django plugin resolves to settings.AUTH_USER_MODEL.
    from django.contrib.auth.models import _User

# Documents.


def _add_years(day: date, years: int) -> date:
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def document_upload(
    *,
    business: Business,
    product: Product | None = None,
    kind: DocumentType,
    number: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
    file: File | None,
    by: _User,
    number_confirmed: bool = False,
) -> Document:
    """Store one document of `business` (and `product` for a product document).

    The file's type is decided from its content, its name made by the server, and it is
    written through the storage API only once everything else has been checked. Returns
    the Document; `document.warnings` lists what was accepted but deserves a second look.
    A number that disagrees with the other data (`products.numbers`) raises
    `UnconfirmedNumber` until it comes with `number_confirmed`.
    """
    require_member(by, business)
    errors: dict[str, list[str]] = {}
    warnings: list[str] = []
    today = timezone.localdate()

    if kind.scope == DocumentType.Scope.BUSINESS:
        product = None
    elif product is None:
        errors.setdefault("kind", []).append(
            _("A %(document)s belongs to a product: upload it from the product's page.")
            % {"document": kind.label}
        )
    elif product.business_id != business.pk:
        raise WorkflowError(_("This product belongs to another business."))

    number = (number or "").strip()
    if not kind.has_number:
        number = ""
    elif not number:
        errors.setdefault("number", []).append(
            _("Enter the number printed on the %(document)s.") % {"document": kind.label}
        )
    else:
        problem = kind.number_problem(number)
        if problem:
            errors.setdefault("number", []).append(problem)
        else:
            warnings += number_warnings(kind, number, business)

    if issued_on and issued_on > today:
        errors.setdefault("issued_on", []).append(_("The issue date cannot be in the future."))
    if not kind.expires:
        # A type that does not expire has no expiry date to keep (a halal certificate is
        # valid while ingredients and process are unchanged, UU 6/2023 art. 42): a date
        # given anyway is not stored, checked or reminded of.
        expires_on = None
    if expires_on is None and kind.expires and issued_on and kind.validity_years:
        expires_on = _add_years(issued_on, kind.validity_years)
        warnings.append(
            _(
                "The expiry date was set to %(date)s, %(years)s years after the issue date. "
                "Upload it again with the printed date if it differs."
            )
            % {"date": formats.date_format(expires_on), "years": kind.validity_years}
        )
    if expires_on is not None:
        if issued_on and expires_on < issued_on:
            errors.setdefault("expires_on", []).append(
                _("The expiry date is before the issue date.")
            )
        elif expires_on < today:
            errors.setdefault("expires_on", []).append(
                _("This %(document)s expired on %(date)s: upload the current one.")
                % {"document": kind.label, "date": formats.date_format(expires_on)}
            )
    elif kind.expires:
        warnings.append(
            _("No expiry date was given, so no reminder can be shown before it expires.")
        )
    doubts = []
    if kind.key == "pirt" and number and "number" not in errors:
        doubts = pirt_doubts(
            number,
            business=business,
            expires_on=None if "expires_on" in errors else expires_on,
        )

    if file is None:
        errors.setdefault("file", []).append(_("Choose the file to upload."))
    else:
        try:
            inspected = inspect_upload(file)
        except ValidationError as e:
            errors.setdefault("file", []).extend(e.messages)
    # The doubts stay on the form while anything else is corrected, so the MSME answers
    # them in the same round (the file is chosen again each time).
    if doubts and (errors or not number_confirmed):
        raise UnconfirmedNumber(doubts, fields=errors)
    if errors:
        raise WorkflowError(fields=errors)

    document = Document(
        business=business,
        product=product,
        kind=kind,
        number=number,
        issued_on=issued_on,
        expires_on=expires_on,
        file=file,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        # The file reached the storage before the row failed: do not leave it behind.
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    document.warnings = warnings
    return document
