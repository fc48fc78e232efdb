"""The products API: the products of the caller's own businesses, each with its documents'
metadata (type, number, dates; never the file itself, which the pages serve to members).

GET /api/products/ (paginated, by name) and /api/products/<id>/. The same selectors as the
pages: a product of a business the caller is not a member of is a 404, like one that does
not exist. Read-only: products and documents are made on the pages, where uploads are
checked file by file.
"""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers

from kernel.api_schema import NO_SUCH_PAGE, NOT_SIGNED_IN, ErrorDetailSerializer
from products.models import Business, Document, Link, Product
from products.permissions import member_businesses


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.key")
    kind_label = serializers.CharField(source="kind.label")
    of_business = serializers.SerializerMethodField(
        help_text="A document of the whole business (NIB, NPWP), not of this product."
    )

    class Meta:
        model = Document
        fields = [
            "id", "kind", "kind_label", "of_business", "number", "issued_on", "expires_on",
            "content_type", "size", "uploaded_at",
        ]  # fmt: skip

    def get_of_business(self, document) -> bool:
        return document.product_id is None


class LinkSerializer(serializers.ModelSerializer):
    """A web address of the product (its page on a marketplace, say); `kind` is told from
    the address's host (`products.links`)."""

    label = serializers.CharField(read_only=True)

    class Meta:
        model = Link
        fields = ["url", "kind", "label"]


class BusinessRegistrySerializer(serializers.ModelSerializer):
    """The business's registry data (`products.registry`): empty strings and nulls where
    it is not known. `size` follows `turnover_band` when that is given (PP 7/2021)."""

    class Meta:
        model = Business
        fields = [
            "legal_form", "kbli", "founded_year", "workforce", "turnover_band", "size", "women_led",
        ]  # fmt: skip


class ProductSerializer(serializers.ModelSerializer):
    business = serializers.CharField(source="business.name")
    business_id = serializers.IntegerField(read_only=True)
    business_registry = BusinessRegistrySerializer(source="business", read_only=True)
    category = serializers.CharField(source="category.key")
    target_markets = serializers.SlugRelatedField(many=True, slug_field="key", read_only=True)
    documents = serializers.SerializerMethodField()
    links = LinkSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id", "name", "business", "business_id", "business_registry", "category", "hs_code", "description",
            "materials", "monthly_capacity", "capacity_unit", "shelf_life_days", "fob_price",
            "fob_currency", "target_markets", "created_at", "updated_at", "documents", "links",
        ]  # fmt: skip

    def get_documents(self, product) -> list[dict]:
        # The product's own and its business's, newest first: read by the queryset's
        # prefetches, no query per product.
        documents = sorted(
            [*product.own_documents, *product.business.business_documents],
            key=lambda d: (d.uploaded_at, d.pk),
            reverse=True,
        )
        return DocumentSerializer(documents, many=True).data


def products_of_members(user):
    return (
        Product.objects.filter(business__in=member_businesses(user))
        .select_related("business", "category")
        .prefetch_related(
            "target_markets",
            "links",
            Prefetch(
                "documents",
                Document.objects.select_related("kind"),
                to_attr="own_documents",
            ),
            Prefetch(
                "business__documents",
                Document.objects.filter(product__isnull=True).select_related("kind"),
                to_attr="business_documents",
            ),
        )
        .order_by("name", "pk")
    )


@extend_schema(
    responses={200: ProductSerializer(many=True), 403: NOT_SIGNED_IN, 404: NO_SUCH_PAGE},
)
class ProductList(generics.ListAPIView):
    """The products of the caller's businesses, by name."""

    serializer_class = ProductSerializer

    def get_queryset(self):
        return products_of_members(self.request.user)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The product's id."
        )
    ],
    responses={
        200: ProductSerializer,
        403: NOT_SIGNED_IN,
        404: OpenApiResponse(
            ErrorDetailSerializer,
            description="No such product, or one of a business the caller is not a member of.",
        ),
    },
)
class ProductDetail(generics.RetrieveAPIView):
    serializer_class = ProductSerializer

    def get_object(self):
        pk = str(self.kwargs["pk"])
        product = (
            products_of_members(self.request.user).filter(pk=pk).first() if pk.isdigit() else None
        )
        if product is None:
            raise Http404
        return product


product_list = ProductList.as_view()
product_detail = ProductDetail.as_view()
