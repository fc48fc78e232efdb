"""What every API module's schema says alike: the error body, and the answer to a caller
who is not signed in."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the user's language.")


NOT_SIGNED_IN = OpenApiResponse(
    ErrorDetailSerializer,
    description="Not signed in, or a token that is not valid. (Session authentication, "
    "tried first, sends no challenge, so this is a 403, never a 401.)",
)
NO_SUCH_PAGE = OpenApiResponse(ErrorDetailSerializer, description="No such page.")
