"""Page numbers: the pages' lists (`paginate`) and the API's (DEFAULT_PAGINATION_CLASS)."""

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """DRF's page numbers, but a `page` that is not a whole number from 1 up (empty
    included, which DRF reads as page 1) answers 404, as the schema says, rather than
    quietly showing another page."""

    def paginate_queryset(self, queryset, request, view=None):
        page = request.query_params.get(self.page_query_param)
        if page is not None and not (page.isdigit() and int(page) >= 1):
            raise NotFound(_("No such page."))
        return super().paginate_queryset(queryset, request, view)


PAGE_SIZE = 25


def paginate(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))
