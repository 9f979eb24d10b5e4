"""What the catalog's seller pages share: paging with a chosen page size."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZES = (20, 50, 100)


def paginate(request, queryset, *, default: int = 20):
    try:
        per_page = int(request.GET.get("per_page", default))
    except (TypeError, ValueError):
        per_page = default
    if per_page not in PAGE_SIZES:
        per_page = default
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return page


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
