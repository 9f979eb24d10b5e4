"""Seller catalog API: products (with their SKU matrix), SKUs, images and stock movements, all
shop-scoped through `shops.scoping.ShopScopedViewSet` (another shop's object is a 404); and the
category tree with attribute templates (public, read-only).

Thin: parse with a serializer, call one service, answer with the fresh object.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from catalog import selectors
from catalog.api import serializers as s
from catalog.models import Category, Product, ProductImage, Sku, StockMovement
from catalog.services import images as image_services
from catalog.services import inventory, listing
from catalog.services import products as product_services
from catalog.services.listing import templates_for
from shops import roles
from shops.scoping.api import X_SHOP_PARAMETER as X_SHOP
from shops.scoping.api import ShopScopedViewSet


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label="Title contains"
    )

    class Meta:
        model = Product
        fields = ["state", "category", "code"]


class ProductViewSet(
    ShopScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Your shop's products with their SKUs and images. Create and replace the SKU matrix with
    `skus`; read it as `sku_list`. Errors name the field, e.g. `skus[1].price`."""

    section = roles.PRODUCTS
    queryset = Product.objects.all()
    serializer_class = s.ProductSerializer
    filterset_class = ProductFilter
    ordering_fields = [
        "updated_at",
        "created_at",
        "min_price",
        "total_stock",
        "sales_count",
        "quality_score",
    ]
    ordering = ["-updated_at"]

    def scope_queryset(self, queryset):
        return (
            super()
            .scope_queryset(queryset)
            .defer("search_vector")
            .prefetch_related(
                "skus", Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
            )
        )

    def _respond(self, product, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=product.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        product = product_services.create_product(
            shop=request.shop,
            actor=request.user,
            data=serializer.to_product_data(serializer.validated_data),
        )
        return self._respond(product, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(
            instance, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        product_services.update_product(
            instance,
            shop=request.shop,
            actor=request.user,
            data=serializer.to_product_data(serializer.validated_data),
        )
        return self._respond(instance)

    def destroy(self, request, *args, **kwargs):
        product_services.delete_product(self.get_object(), shop=request.shop, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[X_SHOP], request=None, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Put the product on sale (or submit it for review); 400 lists what is missing."""
        product = self.get_object()
        listing.publish_product(product, shop=request.shop, actor=request.user)
        return self._respond(product)

    @extend_schema(parameters=[X_SHOP], request=s.ReasonSerializer, responses=s.ProductSerializer)
    @action(detail=True, methods=["post"])
    def delist(self, request, pk=None):
        """Take the product off sale (or withdraw it from review)."""
        product = self.get_object()
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        listing.delist_product(
            product, shop=request.shop, actor=request.user, reason=body.validated_data["reason"]
        )
        return self._respond(product)


class SkuFilter(django_filters.FilterSet):
    low_stock = django_filters.BooleanFilter(
        field_name="low_stock_alerted", label="At or below the warning line"
    )

    class Meta:
        model = Sku
        fields = ["product", "code", "is_active"]


class SkuViewSet(
    ShopScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Your shop's SKUs: prices, codes, barcodes, stock levels and alert settings. Stock itself
    changes through stock-movements; a new SKU must fit its product's variant dimensions."""

    section = roles.PRODUCTS
    queryset = Sku.objects.all()
    serializer_class = s.SkuSerializer
    filterset_class = SkuFilter
    ordering_fields = ["code", "price", "stock", "updated_at"]
    ordering = ["product_id", "position", "id"]

    def scope_queryset(self, queryset):
        return super().scope_queryset(queryset).select_related("product")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        product = data.pop("product")
        sku = product_services.add_sku(
            product,
            shop=request.shop,
            actor=request.user,
            sku=product_services.SkuData(
                code=data.get("code", ""),
                price=data.get("price"),
                options=data.get("options") or {},
                cost_price=data.get("cost_price"),
                weight=data.get("weight"),
                barcode=data.get("barcode", ""),
                stock=data.get("stock"),
                warning_line=data.get("warning_line"),
                lead_time_days=data.get("lead_time_days"),
            ),
        )
        return Response(self.get_serializer(sku).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        sku = self.get_object()
        serializer = self.get_serializer(
            sku, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("product", None)
        data.pop("options", None)
        alert = {key: data.pop(key) for key in ("warning_line", "lead_time_days") if key in data}
        if data:
            product_services.update_sku(sku, shop=request.shop, actor=request.user, **data)
        if alert:
            inventory.set_alert_settings(
                sku,
                shop=request.shop,
                warning_line=alert.get("warning_line", sku.warning_line),
                lead_time_days=alert.get("lead_time_days"),
            )
        sku.refresh_from_db()
        return Response(self.get_serializer(sku).data)


class ProductImageViewSet(
    ShopScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Product images (multipart upload). Checked at once; resized in the background (`status`
    goes from `pending` to `ready`). At most 15 per product; `position` orders them."""

    section = roles.PRODUCTS
    queryset = ProductImage.objects.all()
    serializer_class = s.ProductImageSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_fields = ["product", "kind", "status"]
    ordering = ["product_id", "position", "id"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        (image,) = image_services.add_images(
            data["product"],
            [data["image"]],
            shop=request.shop,
            actor=request.user,
            kind=data.get("kind", ProductImage.Kind.MAIN),
        )
        if data.get("alt_text"):
            image_services.update_image(image, shop=request.shop, alt_text=data["alt_text"])
        image.refresh_from_db()
        return Response(self.get_serializer(image).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        image = self.get_object()
        serializer = self.get_serializer(
            image, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "kind" in data or "alt_text" in data:
            image_services.update_image(
                image, shop=request.shop, kind=data.get("kind"), alt_text=data.get("alt_text")
            )
        if "position" in data:
            ids = list(
                ProductImage.objects.filter(product_id=image.product_id)
                .order_by("position", "id")
                .values_list("pk", flat=True)
            )
            ids.remove(image.pk)
            ids.insert(max(0, min(int(data["position"]), len(ids))), image.pk)
            image_services.reorder_images(image.product, ids, shop=request.shop)
        image.refresh_from_db()
        return Response(self.get_serializer(image).data)

    def destroy(self, request, *args, **kwargs):
        image_services.remove_image(self.get_object(), shop=request.shop, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MovementFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = StockMovement
        fields = ["sku", "kind", "reference"]


class StockMovementViewSet(
    ShopScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The stock ledger (append-only). POST records goods received or a correction with a
    reason; a correction below zero is refused (400, nothing changed)."""

    section = roles.INVENTORY
    queryset = StockMovement.objects.all()
    serializer_class = s.StockMovementSerializer
    filterset_class = MovementFilter
    ordering = ["-created_at", "-id"]

    @extend_schema(request=s.StockMovementInSerializer, responses={201: s.StockMovementSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.StockMovementInSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["kind"] == StockMovement.Kind.RECEIVED:
            movement = inventory.receive_stock(
                data["sku"],
                data["quantity"],
                shop=request.shop,
                actor=request.user,
                reason=data.get("reason", ""),
                reference=data.get("reference", ""),
            )
        else:
            movement = inventory.adjust_stock(
                data["sku"],
                data["quantity"],
                shop=request.shop,
                actor=request.user,
                reason=data.get("reason", ""),
                reference=data.get("reference", ""),
            )
        return Response(self.get_serializer(movement).data, status=status.HTTP_201_CREATED)


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The platform's category tree with each category's attribute template (own and inherited)."""

    permission_classes = [AllowAny]
    serializer_class = s.CategorySerializer
    queryset = Category.objects.filter(is_active=True).order_by("path", "position")
    pagination_class = None
    filterset_fields = ["parent", "is_leaf"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        categories = selectors.category_map()
        context["templates"] = templates_for(categories.keys(), categories)
        return context
