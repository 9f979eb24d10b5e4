"""Filters of the storefront's product lists and of the public catalogue API (django-filter).

One FilterSet serves category pages, search and `/api/v1/products/`:

    ?q=绿茶&category=green-tea&price_min=10&price_max=99.50&shop=shop-a&in_stock=on
     &rating_min=4&attr_grade=special&attr_grade=first&sort=-price

Attribute filters are built per category from its template's *filterable* attributes (choice,
several-choice and yes/no types): `attr_<code>` takes one or more values (any of them matches),
matched with JSONB containment on `Product.attributes` (GIN index). Every filter reads the
listing columns of `Product` only; none joins another table.

A value that does not parse (a price with three decimals, an unknown sort) is a form error: the
storefront shows it and ignores that filter, the API answers 400 naming the field.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from catalog.storefront import listings
from catalog.storefront.categories import AttributeFilter, attribute_filters, category_tree

MAX_QUERY_LENGTH = 100
SORT_CHOICES = [
    (listings.Sort.RELEVANCE, _("Relevance")),
    (listings.Sort.NEWEST, _("Newest")),
    (listings.Sort.SALES, _("Best selling")),
    (listings.Sort.PRICE_ASC, _("Price: low to high")),
    (listings.Sort.PRICE_DESC, _("Price: high to low")),
]
MONEY_FIELD = {"min_value": 0, "max_digits": 12, "decimal_places": 2}
ATTRIBUTE_PREFIX = "attr_"


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label=_("Search"), max_length=MAX_QUERY_LENGTH
    )
    category = django_filters.CharFilter(method="filter_category", label=_("Category"))
    price_min = django_filters.NumberFilter(
        method="filter_price_min", label=_("Lowest price"), **MONEY_FIELD
    )
    price_max = django_filters.NumberFilter(
        method="filter_price_max", label=_("Highest price"), **MONEY_FIELD
    )
    shop = django_filters.CharFilter(field_name="shop_slug", label=_("Shop"), max_length=60)
    in_stock = django_filters.BooleanFilter(
        method="filter_in_stock", label=_("In stock only"), widget=forms.CheckboxInput
    )
    rating_min = django_filters.NumberFilter(
        field_name="rating",
        lookup_expr="gte",
        label=_("Rated at least"),
        min_value=0,
        max_value=5,
        max_digits=3,
        decimal_places=2,
    )
    sort = django_filters.ChoiceFilter(
        method="filter_nothing", label=_("Sort by"), choices=SORT_CHOICES, empty_label=None
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, category=None):
        """`category`: the category node of a category page (the `category` parameter is then
        not offered). Otherwise the `category` parameter (a slug) picks one."""
        if queryset is None:
            queryset = listings.live_products()
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.search_query = None
        self.tree = category_tree(request)
        if category is not None:
            self.filters.pop("category")
            self.category_node = category
        else:
            self.category_node = self.tree.get(str(self.data.get("category", ""))[:80])
        self.attribute_filters = attribute_filters(self.category_node, request)
        for attribute in self.attribute_filters:
            self.filters[ATTRIBUTE_PREFIX + attribute.code] = self._attribute_filter(attribute)

    def _attribute_filter(self, attribute: AttributeFilter):
        if attribute.is_boolean:
            instance = django_filters.BooleanFilter(
                field_name=ATTRIBUTE_PREFIX + attribute.code,
                method="filter_attribute",
                label=attribute.name,
                widget=forms.CheckboxInput,
            )
        else:
            instance = django_filters.MultipleChoiceFilter(
                field_name=ATTRIBUTE_PREFIX + attribute.code,
                method="filter_attribute",
                label=attribute.name,
                choices=attribute.choice_pairs,
                widget=forms.CheckboxSelectMultiple,
            )
        instance.model = Product
        instance.parent = self
        instance.attribute = attribute
        return instance

    # --- Filters ---------------------------------------------------------------------------------
    def filter_search(self, queryset: QuerySet, name, value):
        queryset, self.search_query = listings.matching(queryset, value)
        return queryset

    def filter_category(self, queryset: QuerySet, name, value):
        if self.category_node is None:
            return queryset.none()  # an unknown or closed category has no products
        return queryset  # applied in filter_queryset, for category pages too

    def filter_price_min(self, queryset: QuerySet, name, value):
        return queryset.filter(max_price__gte=value)  # some variant costs at least this

    def filter_price_max(self, queryset: QuerySet, name, value):
        return queryset.filter(min_price__lte=value)  # some variant costs at most this

    def filter_in_stock(self, queryset: QuerySet, name, value):
        return queryset.filter(total_stock__gt=0) if value else queryset

    def filter_attribute(self, queryset: QuerySet, name, value):
        attribute = self.filters[name].attribute
        if attribute.is_boolean:
            return (
                queryset.filter(attributes__contains={attribute.code: True}) if value else queryset
            )
        if not value:
            return queryset
        wanted = Q()
        for item in value:
            item = [item] if attribute.is_multi else item
            wanted |= Q(attributes__contains={attribute.code: item})
        return queryset.filter(wanted)

    def filter_nothing(self, queryset: QuerySet, name, value):
        return queryset  # sorting happens last, in filter_queryset

    def filter_queryset(self, queryset):
        if self.category_node is not None:
            queryset = listings.in_category(queryset, self.category_node)
        queryset = super().filter_queryset(queryset)
        return listings.sort_products(queryset, self.sort_value, query=self.search_query)

    # --- What the page shows -------------------------------------------------------------------
    @property
    def sort_value(self) -> str:
        cleaned = getattr(self.form, "cleaned_data", {}) or {}
        return listings.effective_sort(cleaned.get("sort") or "", self.search_query)

    def attribute_fields(self):
        """(attribute, bound form field) of each attribute filter, for the template."""
        return [(a, self.form[ATTRIBUTE_PREFIX + a.code]) for a in self.attribute_filters]


PARAMETERS = {*ProductFilter.base_filters, "page", "per_page"}
SORTS = {value for value, _label in SORT_CHOICES}


class PlainList:
    """A list that narrows nothing (a category, or the words searched, with a page and a known
    sort): the products ProductFilter would give, without building a FilterSet, which costs
    more than the rest of such a page. `product_list` decides which one a request gets."""

    def __init__(self, data, *, request=None, category=None):
        self.data = data
        self.tree = category_tree(request)
        self.category_node = category
        products = listings.live_products()
        if category is not None:
            products = listings.in_category(products, category)
        products, self.search_query = listings.matching(products, str(data.get("q", "")))
        self.sort_value = listings.effective_sort(data.get("sort") or "", self.search_query)
        self.qs = listings.sort_products(products, self.sort_value, query=self.search_query)

    def is_valid(self) -> bool:
        return True


def product_list(data, *, request=None, category=None) -> ProductFilter | PlainList:
    """The products of a storefront list: a PlainList when `data` narrows nothing beyond a
    category page or the words of a search, else the whole ProductFilter."""
    plain = {"page", "per_page", "sort"} | ({"q"} if category is None else set())
    getlist = getattr(data, "getlist", lambda key: [data[key]])
    if all(key in plain and len(getlist(key)) == 1 for key in data) and (
        data.get("sort") in (None, "", *SORTS)
    ):
        return PlainList(data, request=request, category=category)
    return ProductFilter(data, request=request, category=category)


def cache_params(data, **overrides) -> tuple:
    """The query parameters that can shape a product list, sorted (for cache keys), read without
    building the FilterSet; unknown parameters (tracking tags, typos) do not split the cache."""
    getlist = getattr(data, "getlist", lambda key: [data[key]])
    values = {
        key: tuple(getlist(key))
        for key in data
        if key in PARAMETERS or key.startswith(ATTRIBUTE_PREFIX)
    }
    values.update({key: (value,) for key, value in overrides.items()})
    return tuple(sorted(values.items()))


def filter_panel(listing: ProductFilter | PlainList, request=None) -> dict:
    """What the filter panel shows (`catalog/_filters.html`): the values chosen, the errors and
    each attribute filter with its choices, as plain data, so the panel renders without Django's
    form widgets (a template each, for every checkbox). A PlainList has chosen nothing."""
    if isinstance(listing, PlainList):
        attributes = attribute_filters(listing.category_node, request)
        form, data, errors = None, {}, []
    else:
        attributes = listing.attribute_filters
        form, data = listing.form, listing.form.data
        listing.is_valid()
        errors = [(field.label, error) for field in form for error in field.errors]
    getlist = getattr(data, "getlist", lambda key: [])
    cleaned = getattr(form, "cleaned_data", {}) or {}
    panel_attributes = []
    for attribute in attributes:
        name = ATTRIBUTE_PREFIX + attribute.code
        entry = {"name": attribute.name, "input": name, "id": f"id_{name}"}
        if attribute.is_boolean:
            entry["is_boolean"] = True
            entry["checked"] = bool(form is not None and form[name].value())
        else:
            chosen = {str(value) for value in getlist(name)}
            entry["choices"] = [
                {"id": f"id_{name}_{index}", "value": value, "label": label,
                 "checked": value in chosen}
                for index, (value, label) in enumerate(attribute.choice_pairs)
            ]  # fmt: skip
        panel_attributes.append(entry)
    return {
        "errors": errors,
        "price_min": data.get("price_min") or "",
        "price_max": data.get("price_max") or "",
        "in_stock": bool(cleaned.get("in_stock")),
        "rating_min": str(data.get("rating_min") or ""),
        "shop": data.get("shop") or "",
        "attributes": panel_attributes,
    }
