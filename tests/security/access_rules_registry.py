"""The access rules of the registry pages (products/views_registry.py); see
access_rules.py. The coordinator of the region imports and hands businesses to their
owners; the coordinator of another region (foreign_coordinator) opens the registry pages
for his own regions but never sees or changes this region's imports, businesses or
claims."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from products.models import BusinessClaim, RegistryImport
from products.registry_services import (
    business_claim_request,
    registry_import_rows,
    registry_import_upload,
)
from tests.security.access_world import EVERYONE, Rule, allow, everyone

UNCLAIMED_NAME = "Koperasi Tenun Ikat Bandar"
ROW = {
    "nib": "9120011000002",
    "name": UNCLAIMED_NAME,
    "address": "Jl. Kelud 3, Kota Kediri",
    "region": "35.71",
    "legal_form": "koperasi",
}
CSV = b"nib,nama usaha,alamat,kode wilayah\n9120011000009,Gethuk Pisang Bu Tin,Jl. Dhoho 8,35.71\n"


def _uploaded(office, bring_to):
    registry_import = registry_import_upload(name="kediri.csv", content=CSV, by=office.coordinator)
    return None, {"import": registry_import}


def _unclaimed(office, bring_to):
    done = registry_import_rows([ROW], by=office.coordinator)
    business = office.business.__class__.objects.get(pk=done.rows[0]["business"])
    return None, {"business": business}


def _claimed(office, bring_to):
    _, extra = _unclaimed(office, bring_to)
    extra["claim"] = business_claim_request(nib=ROW["nib"], by=office.outsider)
    return None, extra


def _imports(world):
    return RegistryImport.objects.count()


def _claims(world):
    return sorted(BusinessClaim.objects.values_list("pk", "status"))


REGISTRY_STAFF = frozenset({"coordinator", "foreign_coordinator"})

REGISTRY_RULES = [
    Rule(
        "products:registry",
        "registry",
        lambda w: reverse("products:registry"),
        method="GET+POST",
        allowed=allow(REGISTRY_STAFF),
        data=lambda w: {"file": SimpleUploadedFile("kediri.csv", CSV, content_type="text/csv")},
        actor="coordinator",
        effect=_imports,
    ),
    Rule(
        "products:registry_import",
        "registry-import",
        lambda w: reverse("products:registry_import", args=[w.extra["import"].pk]),
        setup=_uploaded,
        allowed=allow({"coordinator"}),
        secret=lambda w: "Gethuk Pisang Bu Tin",
        shows_to=frozenset({"coordinator"}),
        must_show=frozenset({"coordinator"}),
    ),
    Rule(
        "products:registry_import_confirm",
        "registry-import-confirm",
        lambda w: reverse("products:registry_import_confirm", args=[w.extra["import"].pk]),
        setup=_uploaded,
        method="POST",
        allowed=allow({"coordinator"}),
        data=lambda w: {},
        actor="coordinator",
    ),
    Rule(
        "products:registry_report",
        "registry-report",
        lambda w: reverse("products:registry_report", args=[w.extra["import"].pk]),
        setup=_uploaded,
        allowed=allow({"coordinator"}),
    ),
    Rule(
        "products:registry_businesses",
        "registry-businesses",
        lambda w: reverse("products:registry_businesses"),
        setup=_unclaimed,
        allowed=allow(REGISTRY_STAFF),
        secret=lambda w: UNCLAIMED_NAME,
        shows_to=frozenset({"coordinator"}),
        must_show=frozenset({"coordinator"}),
    ),
    Rule(
        "products:registry_invite",
        "registry-invite",
        lambda w: reverse("products:registry_invite", args=[w.extra["business"].pk]),
        setup=_unclaimed,
        method="POST",
        allowed=allow({"coordinator"}),
        data=lambda w: {"email": "owner@example.test"},
        actor="coordinator",
    ),
    Rule(
        "products:registry_claim_decide",
        "registry-claim-decide",
        lambda w: reverse("products:registry_claim_decide", args=[w.extra["claim"].pk]),
        setup=_claimed,
        method="POST",
        allowed=allow({"coordinator"}),
        data=lambda w: {"decision": "confirm"},
        actor="coordinator",
        effect=_claims,
    ),
    Rule(
        "products:business_claim",
        "business-claim",
        lambda w: reverse("products:business_claim"),
        setup=_unclaimed,
        method="POST",
        # Anyone signed in may ask; the office of the region decides.
        allowed=everyone(302),
        post_allowed=EVERYONE,
        data=lambda w: {"nib": ROW["nib"]},
        actor="outsider",
        effect=_claims,
    ),
]
