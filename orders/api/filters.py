"""Filters of the seller orders API (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils import timezone

from orders.models import Order


class SellerOrderFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Order.State.choices)
    placed_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    placed_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    exceptions = django_filters.BooleanFilter(method="filter_exceptions")

    class Meta:
        model = Order
        fields = ["state", "placed_from", "placed_to", "overdue", "exceptions"]

    def filter_overdue(self, queryset, name, value):
        overdue = {"state": Order.State.PAID, "respond_by__lt": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)

    def filter_exceptions(self, queryset, name, value):
        return queryset.exclude(exception="") if value else queryset.filter(exception="")


class BuyerOrderFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Order.State.choices)

    class Meta:
        model = Order
        fields = ["state"]
