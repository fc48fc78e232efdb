"""The functions that change the registry: importing an office's registry file, and the
owners' claims on the businesses it brought in.

An import is two steps. `registry_import_upload` reads and checks the file and keeps its
rows (`RegistryImport`, status preview); nothing else changes. `registry_import_confirm`
checks the kept rows again (the database may have changed since the preview) and writes
the valid ones, keyed on the NIB: a NIB not yet registered makes a business without
members; a registered one is updated, so importing the same file twice changes nothing
the second time. A business that has members (registered or claimed by its owner) is
the owner's to describe: an import updates only its registry fields (`REGISTRY_FIELDS`),
never its name, address, NPWP, contacts or region.

A business without members is claimed by its owner in one of two ways: the office
invites them by e-mail (`registry_invite_owner`, an invitation that makes the acceptor
the owner), or they try to register it and are offered to claim it
(`business_claim_request`), which the office of its region confirms
(`business_claim_decide`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.errors import WorkflowError
from products.models import (
    Business,
    BusinessClaim,
    BusinessInvitation,
    Membership,
    RegistryImport,
)
from products.permissions import (
    is_region_registry_staff,
    may_import_registry,
    staff_region_ids,
)
from products.registry import check_rows, read_registry_file
from products.services import join_msme_group
from products.tasks import send_invitation_email

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

# What an import may change of a business that has members.
REGISTRY_FIELDS = (
    "legal_form", "kbli", "founded_year", "workforce", "turnover_band", "size", "women_led",
)  # fmt: skip
# And of one without members: everything the file gives.
ALL_IMPORTED_FIELDS = (
    "name", "npwp", "address", "region_id", "email", "phone", *REGISTRY_FIELDS,
)  # fmt: skip


def _require_registry_staff(user: _User) -> None:
    if not may_import_registry(user):
        raise WorkflowError(
            _("Only a coordinator or office administrator of a region can import its registry.")
        )


# Importing.


def registry_import_upload(*, name: str, content: bytes, by: _User) -> RegistryImport:
    """Read and check a registry file; keep its rows for the preview."""
    _require_registry_staff(by)
    unknown, rows = read_registry_file(name, content)
    checked = check_rows(rows, region_ids=staff_region_ids(by))
    return RegistryImport.objects.create(
        uploaded_by=by,
        file_name=name[-200:],
        rows=[_stored(row) for row in checked],
        unknown_headers=unknown,
    )


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    return {"row": row["row"], "values": row["values"], "errors": row["errors"]}


def registry_import_confirm(*, registry_import: RegistryImport, by: _User) -> RegistryImport:
    """Import the valid rows of a previewed file (see the module's docstring)."""
    _require_registry_staff(by)
    if registry_import.uploaded_by_id != by.pk:
        raise WorkflowError(_("Only the person who uploaded this file can import it."))
    with transaction.atomic():
        # The lock makes a double click import once: the second finds it imported.
        locked = RegistryImport.objects.select_for_update().get(pk=registry_import.pk)
        if locked.status != RegistryImport.Status.PREVIEW:
            raise WorkflowError(_("This file was already imported."), stale=True)
        checked = check_rows(locked.rows, region_ids=staff_region_ids(by))
        try:
            with transaction.atomic():
                _write(checked)
        except IntegrityError:
            # A business with one of these NIBs was registered between check and write.
            raise WorkflowError(
                _("A business of this file was registered meanwhile: preview it again."),
                stale=True,
            ) from None
        locked.rows = [
            {**_stored(row), "outcome": row["outcome"], "business": row.get("business")}
            for row in checked
        ]
        locked.status = RegistryImport.Status.IMPORTED
        locked.imported_at = timezone.now()
        locked.save(update_fields=["rows", "status", "imported_at"])
    return locked


def _write(checked: list[dict[str, Any]]) -> None:
    valid = [row for row in checked if not row["errors"]]
    nibs = [row["fields"]["nib"] for row in valid]
    existing = {
        business.nib: business
        for business in Business.objects.select_for_update()
        .filter(nib__in=nibs)
        .prefetch_related("memberships")
    }
    now = timezone.now()
    for row in checked:
        if row["errors"]:
            row["outcome"] = "skipped"
            continue
        fields = row["fields"]
        business = existing.get(fields["nib"])
        if business is None:
            business = Business(nib=fields["nib"], imported_at=now)
            _assign(business, fields, ALL_IMPORTED_FIELDS)
            if not business.size:
                business.size = Business.Size.MICRO
            business.save()
            row["outcome"] = "created"
        else:
            claimed = bool(business.memberships.all())
            _assign(business, fields, REGISTRY_FIELDS if claimed else ALL_IMPORTED_FIELDS)
            business.save()
            row["outcome"] = "updated"
        row["business"] = business.pk


def _assign(business: Business, fields: Mapping[str, Any], names: Iterable[str]) -> None:
    """Set what the file gives; an empty cell leaves the field as it was (a registry that
    lacks the workforce does not erase the one the owner entered)."""
    for name in names:
        value = fields.get(name)
        if value is None or value == "":
            continue
        setattr(business, name, value)


def registry_import_rows(
    rows: Iterable[Mapping[str, Any]], *, by: _User, file_name: str = "seed"
) -> RegistryImport:
    """Check and import `rows` at once (for `seed_demo` and scripts): each a mapping of
    column keys (`products.registry.COLUMNS`: nib, name, address, region, legal_form,
    kbli, founded_year, workforce, turnover, size, women_led, npwp, email, phone) to
    values as a file would give them."""
    _require_registry_staff(by)
    prepared = [
        {"row": number, "values": {k: "" if v is None else str(v) for k, v in row.items()}}
        for number, row in enumerate(rows, start=2)
    ]
    checked = check_rows(prepared, region_ids=staff_region_ids(by))
    registry_import = RegistryImport.objects.create(
        uploaded_by=by, file_name=file_name, rows=[_stored(row) for row in checked]
    )
    return registry_import_confirm(registry_import=registry_import, by=by)


# Claiming.


def _require_unclaimed(business: Business) -> None:
    if business.memberships.exists():
        raise WorkflowError(
            _("%(business)s already has an owner on Siap Ekspor.") % {"business": business}
        )


def _require_region_staff(user: _User, business: Business) -> None:
    if not is_region_registry_staff(user, business):
        raise WorkflowError(
            _("Only a coordinator or office administrator of %(region)s can do this.")
            % {"region": business.region}
        )


def registry_invite_owner(*, business: Business, email: str, by: _User) -> BusinessInvitation:
    """The office invites the owner of a business of its registry: whoever accepts with
    `email` becomes its owner. A new invitation replaces a pending one to the same
    address."""
    _require_region_staff(by, business)
    _require_unclaimed(business)
    email = email.strip().lower()
    with transaction.atomic():
        now = timezone.now()
        business.invitations.pending(now).filter(email__iexact=email).update(cancelled_at=now)
        invitation = BusinessInvitation.objects.create(
            business=business,
            email=email,
            invited_by=by,
            created_at=now,
            role=Membership.Role.OWNER,
        )
        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


def claimable_business(nib: str) -> Business | None:
    """The business of the registry with this NIB that nobody has claimed yet, or None."""
    return Business.objects.filter(nib=nib, memberships__isnull=True).first()


def business_claim_request(*, nib: str, by: _User) -> BusinessClaim:
    """`by` asks to become the owner of the registry's business with this NIB; the office
    of its region decides (`business_claim_decide`)."""
    with transaction.atomic():
        business = (
            Business.objects.select_for_update().filter(nib=nib).select_related("region").first()
        )
        if business is None:
            raise WorkflowError(
                _("No business with NIB %(nib)s is in the registry.") % {"nib": nib}
            )
        _require_unclaimed(business)
        claim = BusinessClaim.objects.filter(
            business=business, requested_by=by, status=BusinessClaim.Status.PENDING
        ).first()
        if claim is None:
            claim = BusinessClaim.objects.create(business=business, requested_by=by)
    return claim


def business_claim_decide(*, claim: BusinessClaim, by: _User, confirm: bool) -> BusinessClaim:
    """The office confirms (the requester becomes the owner; the other pending claims on
    the business are refused) or refuses a claim."""
    with transaction.atomic():
        # Locking the business makes two confirmations of two claims give one owner.
        business = Business.objects.select_for_update().get(pk=claim.business_id)
        claim = BusinessClaim.objects.select_for_update().get(pk=claim.pk)
        _require_region_staff(by, business)
        if claim.status != BusinessClaim.Status.PENDING:
            raise WorkflowError(
                _("This claim was already decided: %(status)s.")
                % {"status": claim.get_status_display()},
                stale=True,
            )
        now = timezone.now()
        if confirm:
            _require_unclaimed(business)
            Membership.objects.create(
                business=business, user=claim.requested_by, role=Membership.Role.OWNER
            )
            join_msme_group(claim.requested_by)
            business.claims.filter(status=BusinessClaim.Status.PENDING).exclude(pk=claim.pk).update(
                status=BusinessClaim.Status.REFUSED, decided_at=now, decided_by=by
            )
        claim.status = BusinessClaim.Status.CONFIRMED if confirm else BusinessClaim.Status.REFUSED
        claim.decided_at = now
        claim.decided_by = by
        claim.save(update_fields=["status", "decided_at", "decided_by"])
    return claim
