"""What the storefront records about buyers' searches: the searches that found nothing.

One row per (normalised query, category searched in, day) with a counter, written by one
`INSERT … ON CONFLICT DO UPDATE` (`catalog.storefront.search_log.record_zero_result_search`),
so a query typed a thousand times is one row with count 1000, not a thousand rows. Sellers and the
platform read it as "what buyers look for and do not find" (`list_zero_result_searches`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 100


class ZeroResultSearch(models.Model):
    query = models.CharField(_("search"), max_length=MAX_QUERY_LENGTH)
    category = models.ForeignKey(
        "catalog.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("searched in category"),
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("times searched"), default=1)
    last_searched_at = models.DateTimeField(_("last searched at"))

    class Meta:
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")
        ordering = ["-day", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["query", "category", "day"],
                name="catalog_zero_result_search_once_a_day",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["day", "query"], name="catalog_zero_result_day")]

    def __str__(self):
        return self.query
