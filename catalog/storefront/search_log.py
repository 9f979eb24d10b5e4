"""Searches that found nothing: recorded for sellers' and the platform's insight (what buyers look
for that the catalogue does not have).

`record_zero_result_search` is one upsert per search (a counter per query, category and day);
`list_zero_result_searches` sums the last days in SQL.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Max, Sum
from django.utils import timezone

from catalog.models import ZeroResultSearch
from catalog.models.storefront import MAX_QUERY_LENGTH
from catalog.storefront import search

UPSERT = """
INSERT INTO catalog_zeroresultsearch (query, category_id, day, count, last_searched_at)
VALUES (%s, %s, %s, 1, %s)
ON CONFLICT (query, category_id, day)
DO UPDATE SET count = catalog_zeroresultsearch.count + 1,
              last_searched_at = EXCLUDED.last_searched_at
"""


def normalized_query(text: str) -> str:
    """The form queries are counted under: NFKC, case-folded, single spaces."""
    return " ".join(search.normalize(text).split())[:MAX_QUERY_LENGTH]


def record_zero_result_search(text: str, *, category_id: int | None = None) -> None:
    """Count one search for `text` (in a category, or everywhere) that found no product."""
    query = normalized_query(text)
    if not query:
        return
    now = timezone.now()
    day = timezone.localdate(now)
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [query, category_id, day, now])


def list_zero_result_searches(*, days: int = 30, category_ids=None, limit: int = 50):
    """The most frequent searches without results in the last `days` days, most searched first:
    dicts of query, searches (total count), last_searched_at. `category_ids` narrows to searches
    made in those categories (e.g. the ones a seller sells in)."""
    since = timezone.localdate() - timedelta(days=days - 1)
    rows = ZeroResultSearch.objects.filter(day__gte=since)
    if category_ids is not None:
        rows = rows.filter(category_id__in=list(category_ids))
    return list(
        rows.values("query")
        .annotate(searches=Sum("count"), last_searched_at=Max("last_searched_at"))
        .order_by("-searches", "query")[:limit]
    )
