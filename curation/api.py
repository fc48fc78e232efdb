"""The workflow API: the same selectors, permissions and services as the pages.

GET /api/applications/ (paginated) and /api/applications/<id>/ show what the user may see,
with the transitions they may take now; POST /api/applications/<id>/transitions/<name>/
takes one. A refusal answers 409 when the application changed under the caller, 403
when the step is not the caller's job (or not possible in the application's state), and
400 when the input or a condition is wrong, with the same messages the pages show. An
application the caller may not see is a 404, exactly like one that does not exist.

Every answer, errors included, is described in the OpenAPI schema (/api/schema/), and
tests/api/test_api_schema.py checks real answers against it.
"""

from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import generics, serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from curation import services
from curation.forms import NOT_OFFERED
from curation.models import Application
from curation.selectors import (
    applications_visible_to,
    curators_offered,
    get_application_for_user,
)
from curation.transitions import SPECS, stale_error
from kernel.api_schema import NO_SUCH_PAGE, NOT_SIGNED_IN, ErrorDetailSerializer
from kernel.errors import WorkflowError
from kernel.states import State


class CoachingReferralSerializer(serializers.Serializer):
    """A referral of the business to a coaching programme (`coaching.models.Referral`, a
    higher layer: read through the application's `referrals`, never imported)."""

    programme = serializers.CharField(source="programme.name")
    organiser = serializers.CharField(source="programme.organiser")
    starts_on = serializers.DateField(source="programme.starts_on")
    ends_on = serializers.DateField(source="programme.ends_on")
    place = serializers.CharField(source="programme.place")
    criteria = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the rubric criteria to improve."
    )
    note = serializers.CharField()
    referred_at = serializers.DateTimeField(source="created_at")
    attended_at = serializers.DateTimeField(
        allow_null=True, help_text="When the business said it attended (null: not yet)."
    )


class ApplicationSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.name")
    business = serializers.CharField(source="product.business.name")
    region = serializers.CharField(source="product.business.region.code")
    state_label = serializers.CharField(source="get_state_display")
    office = serializers.CharField(
        source="office.name",
        allow_null=True,
        default=None,
        help_text="The curation office it went to when submitted (null for a draft).",
    )
    target_markets = serializers.SlugRelatedField(many=True, slug_field="key", read_only=True)
    available_transitions = serializers.SerializerMethodField()
    coaching_referrals = CoachingReferralSerializer(
        source="referrals", many=True, read_only=True, help_text="The newest first."
    )

    class Meta:
        model = Application
        fields = [
            "id", "product", "business", "region", "office", "state", "state_label",
            "state_changed_at",
            "target_markets", "final_score", "grade", "available_transitions",
            "coaching_referrals",
        ]  # fmt: skip

    def get_available_transitions(self, application) -> list[str]:
        return services.available_transitions(
            user=self.context["request"].user, application=application
        )


class ApplicationListSerializer(ApplicationSerializer):
    class Meta(ApplicationSerializer.Meta):
        # What each row would read once more per application stays on its own page.
        fields = [
            f
            for f in ApplicationSerializer.Meta.fields
            if f not in ("available_transitions", "coaching_referrals")
        ]


class ApplicationFilterSerializer(serializers.Serializer):
    """The list's query parameters (besides `page`)."""

    state = serializers.ChoiceField(
        choices=State.choices,
        required=False,
        allow_blank=True,  # ?state= is no filter, as a form with nothing chosen sends it
        help_text="Only the applications in this state.",
    )


class OfferedCuratorField(serializers.PrimaryKeyRelatedField):
    """A user id among the curators the page offers for the application in the serializer's
    context. An unknown id, a value that is no id, and a person who may not curate this
    application all get the same message, which does not repeat the value: an error must
    not tell which ids exist."""

    default_error_messages = {"does_not_exist": NOT_OFFERED, "incorrect_type": NOT_OFFERED}

    def __init__(self, **kwargs):
        # The queryset only names the model for the schema (ids are integers); the choices
        # are the application's, in `get_queryset`.
        super().__init__(queryset=get_user_model().objects.none(), **kwargs)

    def get_queryset(self):
        return curators_offered(self.context["application"])


class TransitionInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=State.choices,
        help_text="The state the caller last saw; a different current state answers 409.",
    )
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The written input: required for request_revision (what to fix), resubmit "
        "(the answer) and reject (the reason), and for pass_curation when a curator scored a "
        "gate criterion below its minimum (why it passes all the same); a note for the other "
        "steps.",
    )
    curators = OfferedCuratorField(
        many=True,
        required=False,
        help_text="assign_curators: the user ids of the chosen curators, among those offered "
        "for this application (the curators of its region).",
    )
    lead = OfferedCuratorField(
        required=False,
        allow_null=True,
        help_text="assign_curators: the user id of the lead, one of `curators`.",
    )


# The bodies of the error answers, for the schema.


class RefusalSerializer(serializers.Serializer):
    messages = serializers.ListField(
        child=serializers.CharField(),
        help_text="Every reason the step was refused, as the pages show them.",
    )


def _field_errors(help_text):
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


class TransitionBadRequestSerializer(serializers.Serializer):
    """One of three shapes: `messages` (a condition of the step is not met), errors by input
    field (DRF's validation errors), or `detail` (the body could not be parsed)."""

    messages = _field_errors("The unmet conditions of the step, as the pages show them.")
    state = _field_errors("Errors in `state`.")
    comment = _field_errors("Errors in `comment`.")
    curators = _field_errors("Errors in `curators`.")
    lead = _field_errors("Errors in `lead`.")
    non_field_errors = _field_errors("The body is not a JSON object.")
    detail = serializers.CharField(required=False, help_text="The body could not be parsed.")


class FilterErrorSerializer(serializers.Serializer):
    state = _field_errors("The `state` filter is not one of the states.")


# The URL matches any text there, so a malformed id gets the API's 404 too.
APPLICATION_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The application's id."
)
NOT_FOUND = OpenApiResponse(
    ErrorDetailSerializer,
    description="No such application, or one the caller may not see: the two are not told apart.",
)


@extend_schema(
    parameters=[ApplicationFilterSerializer],
    responses={
        200: ApplicationListSerializer(many=True),
        400: OpenApiResponse(FilterErrorSerializer, description="An unknown `state`."),
        403: NOT_SIGNED_IN,
        404: NO_SUCH_PAGE,
    },
)
class ApplicationList(generics.ListAPIView):
    """The applications the caller may see, the most recently changed first."""

    serializer_class = ApplicationListSerializer

    def get_queryset(self):
        filters = ApplicationFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = (
            applications_visible_to(self.request.user)
            .select_related("office")
            .prefetch_related("target_markets")
        )
        if state := filters.validated_data.get("state"):
            queryset = queryset.filter(state=state)
        return queryset.order_by("-state_changed_at", "-pk")


@extend_schema(
    parameters=[APPLICATION_ID],
    responses={200: ApplicationSerializer, 403: NOT_SIGNED_IN, 404: NOT_FOUND},
)
class ApplicationDetail(generics.RetrieveAPIView):
    """One application, with the transitions the caller may take now and its business's
    coaching referrals."""

    serializer_class = ApplicationSerializer

    def get_object(self):
        application = get_application_for_user(self.request.user, self.kwargs["pk"])
        # Its referrals with their programmes, in two queries however many there are.
        prefetch_related_objects([application], "referrals__programme")
        return application


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    """/api/schema/: the description of the API, not one of the operations it describes
    (so the schema promises nothing about it that tests/api/test_api_schema.py cannot check)."""


application_list = ApplicationList.as_view()
application_detail = ApplicationDetail.as_view()
schema_view = SchemaView.as_view()


@extend_schema(
    parameters=[
        APPLICATION_ID,
        OpenApiParameter(
            "name",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            enum=list(SPECS),
            description="The transition.",
        ),
    ],
    request=TransitionInputSerializer,
    responses={
        200: OpenApiResponse(ApplicationSerializer, description="Done: the application now."),
        400: OpenApiResponse(
            TransitionBadRequestSerializer, description="The input or a condition is wrong."
        ),
        403: OpenApiResponse(
            PolymorphicProxySerializer(
                component_name="TransitionForbidden",
                serializers=[RefusalSerializer, ErrorDetailSerializer],
                resource_type_field_name=None,
            ),
            description="`messages`: the step is not the caller's job, or not possible in "
            "the application's state. `detail`: not signed in, or the CSRF token is missing "
            "(session authentication checks it).",
        ),
        404: OpenApiResponse(
            ErrorDetailSerializer,
            description="No such application (or one the caller may not see), or no such "
            "transition.",
        ),
        409: OpenApiResponse(
            RefusalSerializer,
            description="The application changed since the caller saw it (`state`): reload "
            "and try again.",
        ),
    },
)
@api_view(["POST"])
def application_transition(request, pk, name):
    application = get_application_for_user(request.user, pk)
    spec = SPECS.get(name)
    if spec is None:
        return Response({"detail": _("Unknown transition.")}, status=status.HTTP_404_NOT_FOUND)
    payload = TransitionInputSerializer(data=request.data, context={"application": application})
    payload.is_valid(raise_exception=True)
    data = payload.validated_data
    if data["state"] != application.state:
        return _refused(stale_error(application))
    if not services.is_offered(user=request.user, application=application, name=name):
        problems = services.transition_problems(
            user=request.user, application=application, name=name
        )
        return Response({"messages": problems}, status=status.HTTP_403_FORBIDDEN)
    kwargs = spec.service_kwargs(
        comment=data["comment"], curators=data.get("curators", []), lead=data.get("lead")
    )
    try:
        application = spec.service(application=application, by=request.user, **kwargs)
    except WorkflowError as e:
        return _refused(e)
    application = get_application_for_user(request.user, pk)
    return Response(ApplicationSerializer(application, context={"request": request}).data)


def _refused(error: WorkflowError) -> Response:
    code = status.HTTP_409_CONFLICT if error.stale else status.HTTP_400_BAD_REQUEST
    return Response({"messages": error.messages}, status=code)
