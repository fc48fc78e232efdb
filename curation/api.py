"""The workflow API: the same selectors, permissions and services as the pages.

GET /api/applications/ and /api/applications/<id>/ show what the user may see, with the
transitions they may take now; POST /api/applications/<id>/transitions/<name>/ takes one.
A refusal answers 409 when the application changed under the caller (or the step is not
possible in its state) and 400 when the input or a condition is wrong, with the same
messages the pages show.
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from curation import services
from curation.errors import WorkflowError
from curation.forms import WRITTEN_INPUT
from curation.models import Application
from curation.selectors import applications_visible_to, get_application_for_user


class ApplicationSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.name")
    business = serializers.CharField(source="product.business.name")
    region = serializers.CharField(source="product.business.region.code")
    state_label = serializers.CharField(source="get_state_display")
    target_markets = serializers.SlugRelatedField(many=True, slug_field="key", read_only=True)
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "product", "business", "region", "state", "state_label", "state_changed_at",
            "target_markets", "final_score", "grade", "available_transitions",
        ]  # fmt: skip

    def get_available_transitions(self, application) -> list[str]:
        return services.available_transitions(
            user=self.context["request"].user, application=application
        )


class ApplicationListSerializer(ApplicationSerializer):
    class Meta(ApplicationSerializer.Meta):
        fields = [f for f in ApplicationSerializer.Meta.fields if f != "available_transitions"]


class TransitionInputSerializer(serializers.Serializer):
    state = serializers.CharField(
        help_text="The state the caller last saw; a different current state answers 409."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    curators = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.all()
    )
    lead = serializers.PrimaryKeyRelatedField(
        required=False, allow_null=True, queryset=get_user_model().objects.all()
    )


@extend_schema(responses=ApplicationListSerializer(many=True))
@api_view(["GET"])
def application_list(request):
    queryset = applications_visible_to(request.user).prefetch_related("target_markets")
    state = request.query_params.get("state")
    if state:
        queryset = queryset.filter(state=state)
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset.order_by("-state_changed_at", "-pk"), request)
    data = ApplicationListSerializer(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


@extend_schema(responses=ApplicationSerializer)
@api_view(["GET"])
def application_detail(request, pk):
    application = get_application_for_user(request.user, pk)
    return Response(ApplicationSerializer(application, context={"request": request}).data)


@extend_schema(request=TransitionInputSerializer, responses=ApplicationSerializer)
@api_view(["POST"])
def application_transition(request, pk, name):
    application = get_application_for_user(request.user, pk)
    if name not in services.SERVICES:
        return Response({"detail": "Unknown transition."}, status=status.HTTP_404_NOT_FOUND)
    payload = TransitionInputSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
    if data["state"] != application.state:
        return _refused(WorkflowError(services.stale_message(application), stale=True))
    if not services.is_offered(user=request.user, application=application, name=name):
        problems = services.transition_problems(
            user=request.user, application=application, name=name
        )
        return Response({"messages": problems}, status=status.HTTP_403_FORBIDDEN)
    if name == "assign_curators":
        kwargs = {
            "curators": data.get("curators", []),
            "lead": data.get("lead"),
            "comment": data["comment"],
        }
    else:
        kwargs = {WRITTEN_INPUT.get(name, ("comment",))[0]: data["comment"]}
    try:
        application = services.SERVICES[name](application=application, by=request.user, **kwargs)
    except WorkflowError as e:
        return _refused(e)
    application = get_application_for_user(request.user, pk)
    return Response(ApplicationSerializer(application, context={"request": request}).data)


def _refused(error: WorkflowError) -> Response:
    code = status.HTTP_409_CONFLICT if error.stale else status.HTTP_400_BAD_REQUEST
    return Response({"messages": error.messages}, status=code)
