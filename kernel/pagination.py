"""Page numbers: the pages' lists (`paginate`) and the API's (DEFAULT_PAGINATION_CLASS)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
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
# The pages a list counts up to: past this, its rows are not counted to the last one.
COUNTED_PAGES = 40
# A page number past any list's end (a larger one shows the last page, as Django does).
MAX_PAGE = 1_000_000


class BoundedPaginator(Paginator):
    """Django's paginator, but one that counts the rows only as far as it must: up to
    `counted_pages` pages, or up to the page asked for if that is further. A regional
    office sees thousands of applications, and an exact COUNT(*) of them costs more than
    the page itself; whoever pages through them needs to know that there are more, not
    how many.

    `count` is then at most one row past those pages, and `more` says whether there are
    rows beyond them: "page 3 of more than 40" (`includes/_pagination.html`). The number
    of queries is Django's: one count, one page."""

    def __init__(self, object_list, per_page, *, counted_pages=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.counted_pages = COUNTED_PAGES if counted_pages is None else counted_pages

    def count_to(self, number) -> None:
        """Count at least up to page `number` (as a request gives it: any text), so that
        that page's "next" is known too. Before `count` is read."""
        try:
            wanted = min(int(number), MAX_PAGE)
        except (TypeError, ValueError):
            wanted = 1
        self.counted_pages = max(self.counted_pages, wanted)

    def get_page(self, number):
        self.count_to(number)
        return super().get_page(number)

    @property
    def counted_rows(self) -> int:
        return self.counted_pages * self.per_page

    @cached_property
    def count(self) -> int:
        limit = self.counted_rows + 1
        rows = self.object_list
        if hasattr(rows, "order_by") and hasattr(rows, "count"):
            # The order does not change how many rows there are: the planner is free
            # to find the first `limit` of them any way it likes.
            return rows.order_by()[:limit].count()
        return min(len(rows), limit)

    @property
    def more(self) -> bool:
        """Whether there are rows past the counted pages (their number unknown)."""
        return self.count > self.counted_rows


class SearchPaginator(BoundedPaginator):
    """For a list narrowed by a text search, whose condition is costly for every row it
    checks: rather than checking them all once to count and again for the page, one
    query finds the ids of the matching rows in the list's order (as far as the counted
    pages), which counts them too, and a second loads the page's rows by id. Two
    queries, as `BoundedPaginator`."""

    @cached_property
    def _ids(self) -> list:
        return list(self.object_list.values_list("pk", flat=True)[: self.counted_rows + 1])

    @cached_property
    def count(self) -> int:
        return len(self._ids)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self._ids[bottom : bottom + self.per_page]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=ids)} if ids else {}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def paginate(request, queryset, size=None, *, search=False):
    """A page of `queryset` (?page=), of `size` rows (PAGE_SIZE). `search`: the list is
    narrowed by a text search (`SearchPaginator`)."""
    paginator = (SearchPaginator if search else BoundedPaginator)(queryset, size or PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
