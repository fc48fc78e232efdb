"""The access rules of the MSME portal's pages (businesses, members, products, documents);
see access_rules.py."""

from __future__ import annotations

from django.urls import reverse

from products.models import (
    Membership,
)
from tests import factories as f
from tests.security.access_world import (
    MEMBERS,
    SEES,
    SEES_UNASSIGNED,
    Rule,
    _invitation,
    _no_application,
    allow,
    business_data,
    business_fields,
    business_url,
    document_of,
    everyone,
    product_data,
    product_fields,
    product_name,
    product_url,
    slot_upload_data,
    upload_data,
)

PORTAL_RULES = [
    # The MSME portal.
    Rule(
        "curation:product_list",
        "products",
        lambda w: reverse("curation:product_list"),
        setup="in_curation",
        # Without a business of one's own: sent to register one.
        allowed=everyone(302, msme=200, msme_staff=200, other_msme=200),
        secret=product_name,
        shows_to=MEMBERS,
        must_show=MEMBERS,
    ),
    Rule(
        "products:new",
        "product-new",
        lambda w: reverse("products:new"),
        setup=_no_application,
        method="GET+POST",
        # Each member adds products to their own business only; the rest register one.
        allowed=everyone(302, msme=200, msme_staff=200, other_msme=200),
        post_allowed=MEMBERS | {"other_msme"},
        refused=(302,),
        data=product_data,
        actor="msme",
        effect=lambda w: w.office.business.products.count(),
    ),
    Rule(
        "curation:product",
        "product",
        product_url("curation:product"),
        setup="in_curation",
        allowed=allow(MEMBERS),
    ),
    Rule(
        "products:edit",
        "product-edit",
        product_url("products:edit"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=product_data,
        actor="msme",
        effect=product_fields,
    ),
    Rule(
        "curation:product_apply",
        "product-apply",
        product_url("curation:product_apply"),
        setup=_no_application,
        method="POST",
        allowed=allow(MEMBERS),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "products:document_upload",
        "product-document-upload",
        product_url("products:document_upload"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=upload_data("lab_test"),
        actor="msme",
    ),
    Rule(
        "products:documents",
        "product-documents",
        product_url("products:documents"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=slot_upload_data("halal", f.VALID_NUMBERS["halal"]),
        actor="msme",
    ),
    Rule(
        "curation:product_review",
        "product-review",
        product_url("curation:product_review"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=lambda w: {"comment": "Ready."},
        actor="msme",
    ),
    Rule(
        "curation:document",
        "product-document",
        document_of("pirt"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "curation:document",
        "business-document",
        document_of("nib"),
        setup="in_curation",
        allowed=allow(SEES),
    ),
    Rule(
        "products:business_home",
        "business-home",
        lambda w: reverse("products:business_home"),
        setup=_no_application,
        allowed=everyone(302),  # to one's business, or to register one
    ),
    Rule(
        "products:business_new",
        "business-new",
        lambda w: reverse("products:business_new"),
        setup=_no_application,
        allowed=everyone(),  # anyone signed in may register their own business
    ),
    Rule(
        "products:business",
        "business",
        business_url("products:business"),
        setup=_no_application,
        allowed=allow(MEMBERS),
    ),
    Rule(
        "curation:business_progress",
        "business-progress",
        business_url("curation:business_progress"),
        setup="packaging_review",
        # The business and the staff of its region's office; curators, another business,
        # another region's staff: 404.
        allowed=allow(SEES_UNASSIGNED),
        secret=product_name,
        shows_to=SEES_UNASSIGNED,
        must_show=SEES_UNASSIGNED,
    ),
    Rule(
        "products:business_edit",
        "business-edit",
        business_url("products:business_edit"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow({"msme"}),  # the owner
        data=business_data,
        actor="msme",
        effect=business_fields,
    ),
    Rule(
        "products:business_document_upload",
        "business-document-upload",
        business_url("products:business_document_upload"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),
        data=upload_data("nib", f.VALID_NUMBERS["nib"]),
        actor="msme",
    ),
    Rule(
        "products:members",
        "members",
        business_url("products:members"),
        setup=_no_application,
        method="GET+POST",
        allowed=allow(MEMBERS),  # the staff member sees the list, only the owner invites
        post_allowed=frozenset({"msme"}),
        data=lambda w: {"email": "new-staff@example.test"},
        actor="msme",
    ),
    Rule(
        "products:member_remove",
        "member-remove",
        lambda w: reverse(
            "products:member_remove",
            args=[
                w.office.business.pk,
                Membership.objects.get(user=w.user("msme_staff")).pk,
            ],
        ),
        setup=_no_application,
        method="POST",
        allowed=allow({"msme"}),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "products:invitation_cancel",
        "invitation-cancel",
        lambda w: reverse(
            "products:invitation_cancel",
            args=[w.office.business.pk, w.extra["invitation"].pk],
        ),
        setup=_invitation,
        method="POST",
        allowed=allow({"msme"}),
        data=lambda w: {},
        actor="msme",
    ),
    Rule(
        "products:invitation",
        "invitation",
        lambda w: reverse("products:invitation", args=[w.extra["invitation"].token]),
        setup=_invitation,
        method="GET+POST",
        # The link is the secret: whoever holds it reads who invites; only the invited
        # address joins.
        allowed=everyone(),
        anonymous=200,
        post_allowed=frozenset({"outsider"}),
        refused=(200,),  # the page again, saying why
        data=lambda w: {},
        actor="outsider",
    ),
]
