"""The certificates API: the certificates the caller may see (their business's, their
region's as staff, those shared with them as an exporter), each with its live status.

GET /api/certificates/ (paginated; `?status=` valid, expired, revoked or superseded, as
the verification page would say today) and /api/certificates/<id>/. The same selector as
the pages (`certificates_visible_to`): a certificate the caller may not see is a 404, like
one that does not exist. Read-only: revoking and sharing stay on the pages, where the
officer and the owner confirm them.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers

from certificates.models import Certificate, Verdict
from certificates.selectors import certificates_visible_to, get_certificate_for_user
from kernel.api_schema import NO_SUCH_PAGE, NOT_SIGNED_IN, ErrorDetailSerializer
from kernel.site import absolute_url


class CertificateSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    product = serializers.CharField(source="product_name")
    business = serializers.CharField(source="business_name")
    category = serializers.CharField(source="category_label")
    office = serializers.CharField(
        source="issuer_name",
        help_text="The office that issued it, as printed on it (the region's name for a "
        "certificate issued before offices existed).",
    )
    markets = serializers.SerializerMethodField(help_text="The market keys certified for.")
    status = serializers.SerializerMethodField(help_text="What the verification page says today.")
    verification_url = serializers.CharField(read_only=True)
    pdf_url = serializers.SerializerMethodField(
        help_text="The signed PDF; null while it is being prepared."
    )

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "office", "product_id", "product", "business", "hs_code", "category",
            "grade", "final_score", "markets", "issued_at", "valid_until", "status",
            "revoked_at", "verification_url", "pdf_url",
        ]  # fmt: skip

    def get_markets(self, certificate) -> list[str]:
        return [market["key"] for market in certificate.markets]

    def get_status(self, certificate) -> str:
        return certificate.verdict()

    def get_pdf_url(self, certificate) -> str | None:
        if not certificate.is_ready:
            return None
        return absolute_url(reverse("certificates:download", args=[certificate.pk]))


# The fields' choices for the schema: `status` is one of the verdicts (never "unknown").
STATUSES = [v for v in Verdict.values if v != Verdict.UNKNOWN]


class CertificateFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=STATUSES,
        required=False,
        allow_blank=True,
        help_text="Only the certificates with this status today.",
    )


class CertificateFilterErrorSerializer(serializers.Serializer):
    status = serializers.ListField(
        child=serializers.CharField(), help_text="The `status` filter is not one of them."
    )


CERTIFICATE_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The certificate's id."
)


@extend_schema(
    parameters=[CertificateFilterSerializer],
    responses={
        200: CertificateSerializer(many=True),
        400: OpenApiResponse(CertificateFilterErrorSerializer, description="An unknown `status`."),
        403: NOT_SIGNED_IN,
        404: NO_SUCH_PAGE,
    },
)
class CertificateList(generics.ListAPIView):
    """The certificates the caller may see, the most recently issued first."""

    serializer_class = CertificateSerializer

    def get_queryset(self):
        filters = CertificateFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        certificates = certificates_visible_to(self.request.user).order_by("-issued_at", "-pk")
        if verdict := filters.validated_data.get("status"):
            certificates = certificates.with_verdict(verdict)
        return certificates


@extend_schema(
    parameters=[CERTIFICATE_ID],
    responses={
        200: CertificateSerializer,
        403: NOT_SIGNED_IN,
        404: OpenApiResponse(
            ErrorDetailSerializer,
            description="No such certificate, or one the caller may not see.",
        ),
    },
)
class CertificateDetail(generics.RetrieveAPIView):
    serializer_class = CertificateSerializer

    def get_object(self):
        return get_certificate_for_user(self.request.user, self.kwargs["pk"])


certificate_list = CertificateList.as_view()
certificate_detail = CertificateDetail.as_view()
