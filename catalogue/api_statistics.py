"""The statistics page as an API: GET /api/statistics/, for the staff who may read the page
(`catalogue.statistics.can_see_statistics`), with the page's filters (read by the page's
own form, so a region or an office that is not the caller's is a 400 here as it is an
error there) and the same tables: each with a stable key per column and row beside the
labels in the caller's language. A fixed number of queries whatever the data's size."""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from catalogue.statistics import Choices, StatisticsFilterForm, all_tables, can_see_statistics
from curation.statistics import Table
from kernel.api_schema import NOT_SIGNED_IN

# A day; the empty value (a period open at that end) is `allow_blank`'s. Were the pattern
# to admit it too, the schema's `oneOf` of the two would match it twice, and so not at all.
PERIOD_DAY = r"^\d{4}-\d{2}-\d{2}$"


class StatisticsFilterSerializer(serializers.Serializer):
    """For the schema only: the page's form reads the filters."""

    # Text, not a date: the page's form reads them, and an empty value is a period open
    # at that end, which a date parameter could not say.
    since = serializers.CharField(
        required=False,
        allow_blank=True,
        validators=[RegexValidator(PERIOD_DAY)],
        help_text="The period's first day (YYYY-MM-DD). Without `since` and `until`, the "
        "last twelve months; empty: no limit.",
    )
    until = serializers.CharField(
        required=False,
        allow_blank=True,
        validators=[RegexValidator(PERIOD_DAY)],
        help_text="The period's last day (YYYY-MM-DD); empty: no limit.",
    )
    region = serializers.CharField(
        required=False, allow_blank=True, help_text="One of the caller's regions, by its code."
    )
    office = serializers.CharField(
        required=False, allow_blank=True, help_text="An office serving the caller's regions."
    )
    category = serializers.CharField(required=False, allow_blank=True, help_text="A category key.")
    market = serializers.CharField(required=False, allow_blank=True, help_text="A market key.")


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="In the caller's language.")


class RowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="A state, a grade, a month (YYYY-MM), an id, ...")
    label = serializers.CharField()
    values = serializers.ListField(
        child=serializers.FloatField(allow_null=True),
        help_text="One per column, in the columns' order; null where there is none.",
    )


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    label_column = ColumnSerializer()
    columns = ColumnSerializer(many=True)
    rows = RowSerializer(many=True)


class StatisticsSerializer(serializers.Serializer):
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    tables = TableSerializer(many=True)


def _errors(help_text):
    return serializers.ListField(child=serializers.CharField(), required=False, help_text=help_text)


class StatisticsFilterErrorSerializer(serializers.Serializer):
    """What is wrong, per filter; `non_field_errors` for the period as a whole."""

    since = _errors("Errors in `since`.")
    until = _errors("Errors in `until`.")
    region = _errors("Errors in `region`.")
    office = _errors("Errors in `office`.")
    category = _errors("Errors in `category`.")
    market = _errors("Errors in `market`.")
    non_field_errors = _errors("A period that ends before it starts.")


def table_data(table: Table) -> dict:
    def column(c):
        return {"key": c.key, "label": c.label}

    return {
        "key": table.key,
        "title": table.title,
        "description": table.description,
        "label_column": column(table.label_column),
        "columns": [column(c) for c in table.columns],
        "rows": [{"key": r.key, "label": r.label, "values": list(r.values)} for r in table.rows],
    }


@extend_schema(
    parameters=[StatisticsFilterSerializer],
    responses={
        200: StatisticsSerializer,
        400: OpenApiResponse(
            StatisticsFilterErrorSerializer, description="A filter that is not offered."
        ),
        403: NOT_SIGNED_IN,
    },
)
class StatisticsView(APIView):
    """The statistics of the caller's regions: applications by state, grades, certified
    per month, days in each stage and overdue, curators' workload, enquiries per product
    and the registry's figures."""

    def get(self, request):
        if not can_see_statistics.test(request.user):
            raise PermissionDenied
        form = StatisticsFilterForm(request.query_params, choices=Choices.for_user(request.user))
        if not form.is_valid():
            raise ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: list(errors)
                    for name, errors in form.errors.items()
                }
            )
        scope = form.scope()
        return Response(
            {
                "since": scope.since,
                "until": scope.until,
                "tables": [table_data(table) for table in all_tables(scope)],
            }
        )


statistics = StatisticsView.as_view()
