"""Reads of logistics data that pages and the API share. Each takes the shop."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from logistics.models import Carrier, ShippingRule, ShippingTemplate, ShopCarrier
from shops.scoping import get_for_shop_or_404


def list_shipping_templates(shop) -> QuerySet[ShippingTemplate]:
    """The shop's templates with their rules (two queries whatever the count)."""
    return (
        ShippingTemplate.objects.for_shop(shop)
        .annotate(rule_count=Count("rules"))
        .prefetch_related(
            Prefetch("rules", queryset=ShippingRule.objects.order_by("position", "id"))
        )
        .order_by("-is_default", "name", "id")
    )


def get_shipping_template_for_shop_or_404(*, shop, pk) -> ShippingTemplate:
    """One of the shop's templates with its rules; another shop's, or none, is a 404."""
    return get_for_shop_or_404(
        ShippingTemplate.objects.prefetch_related(
            Prefetch("rules", queryset=ShippingRule.objects.order_by("position", "id"))
        ),
        shop=shop,
        pk=pk,
    )


def list_active_carriers() -> QuerySet[Carrier]:
    return Carrier.objects.filter(is_active=True).order_by("position", "code")


def list_shop_carriers(shop) -> QuerySet[ShopCarrier]:
    return (
        ShopCarrier.objects.for_shop(shop)
        .select_related("carrier")
        .order_by("-is_default", "carrier__position", "carrier__code")
    )
