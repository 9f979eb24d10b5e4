"""Shop-owned rows: the abstract model, its scoped queryset, and the one lookup of a shop's object.

Imported by models of every chapter; depends on nothing but Django's ORM (see `shops.scoping`).
"""

from __future__ import annotations

from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _


class ShopScopedQuerySet(models.QuerySet):
    def for_shop(self, shop):
        """Rows of `shop` only (of nothing when `shop` is None)."""
        if shop is None:
            return self.none()
        return self.filter(shop=shop)


class ShopScopedManager(models.Manager.from_queryset(ShopScopedQuerySet)):
    pass


class ShopOwnedModel(models.Model):
    """Abstract base of every row a shop owns: a non-null, indexed `shop` foreign key.

    Include `shop` in the model's unique constraints, e.g. `(shop, sku_code)`.
    """

    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, db_index=True, verbose_name=_("shop")
    )

    objects = ShopScopedManager()

    class Meta:
        abstract = True


def get_for_shop_or_404(model_or_queryset, *, shop, **lookup):
    """The object of `shop` matching `lookup`; Http404 for another shop's, a missing or a
    malformed one alike."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    if shop is None:
        raise Http404
    try:
        return get_object_or_404(queryset.filter(shop=shop), **lookup)
    except (ValueError, TypeError) as error:  # e.g. a non-numeric id in a lookup
        raise Http404 from error
