"""The public catalogue as an API (and, at the end, the business's enquiries), read-only and open to anyone (no sign-in), with the
page's own filters: GET /api/catalogue/ (paginated; `q`, `category`, `region`, `market`,
`grade`, read by the page's `CatalogueFilterForm`, so an unknown value is left out as on
the page) and /api/catalogue/<product id>/. It shows what the product page shows and no
more: nothing of a business that did not agree to be listed, no NIB, no NPWP, no address.
A constant number of queries per call whatever the catalogue's size."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers

from catalogue import selectors
from catalogue.enquiries import enquiries_for, enquiry_set_status, get_enquiry_for_user
from catalogue.forms import CatalogueFilterForm
from catalogue.models import Enquiry
from kernel.api_schema import NO_SUCH_PAGE, NOT_SIGNED_IN, ErrorDetailSerializer
from kernel.site import absolute_url


class CatalogueEntrySerializer(serializers.Serializer):
    """An entry: the live certificate of a listed product, with the product's public facts."""

    product_id = serializers.IntegerField()
    product = serializers.CharField(source="product.name")
    description = serializers.CharField(source="product.description")
    category = serializers.CharField(source="product.category.key")
    category_label = serializers.CharField(source="product.category.label")
    hs_code = serializers.CharField(source="product.hs_code")
    monthly_capacity = serializers.DecimalField(
        source="product.monthly_capacity", max_digits=12, decimal_places=2, allow_null=True
    )
    capacity_unit = serializers.CharField(source="product.capacity_unit")
    business = serializers.CharField(source="product.business.name")
    region = serializers.CharField(source="product.business.region.code")
    region_name = serializers.CharField(source="product.business.region.name")
    markets = serializers.SerializerMethodField(help_text="The market keys certified for.")
    grade = serializers.CharField()
    certificate_number = serializers.CharField(source="number")
    valid_until = serializers.DateField()
    verification_url = serializers.CharField()
    page_url = serializers.SerializerMethodField()
    photo_urls = serializers.SerializerMethodField()

    def get_markets(self, entry) -> list[str]:
        return [market["key"] for market in entry.markets]

    def get_page_url(self, entry) -> str:
        return absolute_url(reverse("catalogue:product", args=[entry.product_id]))

    def get_photo_urls(self, entry) -> list[str]:
        photos = self.context["photos"].get(entry.product_id, [])
        return [
            absolute_url(reverse("catalogue:photo", args=[photo.product_id, photo.pk]))
            for photo in photos
        ]


class CatalogueFilterSerializer(serializers.Serializer):
    """For the schema only: the filters are read by the page's form, which leaves out a
    value it does not offer (and an empty one) rather than refusing the request."""

    q = serializers.CharField(
        required=False, allow_blank=True, help_text="Words, each found somewhere."
    )
    category = serializers.CharField(required=False, allow_blank=True, help_text="A category key.")
    region = serializers.CharField(
        required=False, allow_blank=True, help_text="The business's region code."
    )
    market = serializers.CharField(
        required=False, allow_blank=True, help_text="A market key certified for."
    )
    grade = serializers.CharField(required=False, allow_blank=True, help_text="A grade, e.g. A.")


class _Photos:
    """The photos of a page's products, in one query, for the serializer's context."""

    def get_serializer_context(self):
        context = super().get_serializer_context()  # type: ignore[misc]
        context["photos"] = getattr(self, "_photos", {})
        return context

    def remember_photos(self, entries) -> None:
        self._photos = selectors.photos_of(entry.product_id for entry in entries)


@extend_schema(
    parameters=[CatalogueFilterSerializer],
    responses={
        200: CatalogueEntrySerializer(many=True),
        404: NO_SUCH_PAGE,
    },
)
class CatalogueList(_Photos, generics.ListAPIView):
    """The listed products with a live certificate, by product name."""

    serializer_class = CatalogueEntrySerializer
    permission_classes = [permissions.AllowAny]  # a list view: GET only, POST is a 405

    def get_queryset(self):
        # Counted and paged in the list's copy (`catalogue.selectors`), as the page is.
        listed = selectors.listed_products()
        choices = selectors.filter_choices(listed)
        form = CatalogueFilterForm(self.request.query_params, choices=choices)
        found = selectors.filter_listed(listed, form.filters(), choices)
        return found.values_list("certificate_id", flat=True)

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(queryset)
        page = selectors.entries_with_ids(ids or [])
        self.remember_photos(page)
        return page


@extend_schema(
    parameters=[
        OpenApiParameter(
            "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The product's id."
        )
    ],
    responses={
        200: CatalogueEntrySerializer,
        404: OpenApiResponse(
            ErrorDetailSerializer, description="No such product in the catalogue now."
        ),
    },
)
class CatalogueEntry(_Photos, generics.RetrieveAPIView):
    serializer_class = CatalogueEntrySerializer
    permission_classes = [permissions.AllowAny]

    def get_object(self):
        if not str(self.kwargs["pk"]).isdigit():  # the URL takes any text: a JSON 404
            raise Http404
        entry = selectors.get_entry(self.kwargs["pk"])
        self.remember_photos([entry])
        return entry


catalogue_list = CatalogueList.as_view()
catalogue_entry = CatalogueEntry.as_view()


# A business's enquiries: for its members only (GET /api/enquiries/, ?status=; GET and
# PATCH {"status": ...} /api/enquiries/<id>/), as the inbox shows and changes them.


class EnquirySerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.name", read_only=True)
    business = serializers.CharField(source="business.name", read_only=True)
    status = serializers.ChoiceField(choices=Enquiry.Status.choices)

    class Meta:
        model = Enquiry
        fields = [
            "id", "product_id", "product", "business_id", "business", "buyer_type", "name",
            "company", "country", "email", "quantity", "message", "language", "created_at",
            "read_at", "status", "status_changed_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f != "status"]

    def update(self, instance, validated_data):
        # A PATCH without a status (every other field is read-only) changes nothing.
        status = validated_data.get("status", instance.status)
        return enquiry_set_status(enquiry=instance, status=status, by=self.context["request"].user)


class EnquiryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Enquiry.Status.choices,
        required=False,
        allow_blank=True,
        help_text="Only the enquiries with this status.",
    )


class EnquiryErrorSerializer(serializers.Serializer):
    status = serializers.ListField(
        child=serializers.CharField(), help_text="Not one of the statuses."
    )


ENQUIRY_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The enquiry's id."
)
NO_SUCH_ENQUIRY = OpenApiResponse(
    ErrorDetailSerializer,
    description="No such enquiry, or one of a business the caller is not a member of.",
)


@extend_schema(
    parameters=[EnquiryFilterSerializer],
    responses={
        200: EnquirySerializer(many=True),
        400: OpenApiResponse(EnquiryErrorSerializer, description="An unknown `status`."),
        403: NOT_SIGNED_IN,
        404: NO_SUCH_PAGE,
    },
)
class EnquiryList(generics.ListAPIView):
    """The enquiries of the caller's businesses, the newest first."""

    serializer_class = EnquirySerializer

    def get_queryset(self):
        filters = EnquiryFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        enquiries = enquiries_for(self.request.user).order_by("-created_at", "-pk")
        if status := filters.validated_data.get("status"):
            enquiries = enquiries.filter(status=status)
        return enquiries


@extend_schema(
    parameters=[ENQUIRY_ID],
    responses={
        200: EnquirySerializer,
        400: OpenApiResponse(EnquiryErrorSerializer, description="An unknown `status`."),
        403: NOT_SIGNED_IN,
        404: NO_SUCH_ENQUIRY,
    },
)
class EnquiryDetail(generics.RetrieveUpdateAPIView):
    """One enquiry; PATCH sets its status (new, answered, closed)."""

    serializer_class = EnquirySerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return get_enquiry_for_user(self.request.user, self.kwargs["pk"])


enquiry_list = EnquiryList.as_view()
enquiry_detail = EnquiryDetail.as_view()
