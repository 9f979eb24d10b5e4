"""Serializers of the seller catalog API. They check types and shape; the services check the rules
(their ValidationError names fields such as `title`, `skus[1].price`, `attributes.grade`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog import quality
from catalog.models import AttributeDefinition, Category, Product, ProductImage, Sku, StockMovement
from catalog.models.products import MAX_VARIANT_DIMENSIONS
from catalog.services.products import ProductData, SkuData, product_data_from
from marketplace.core.api import StrictModelSerializer, StrictSerializer


class ShopScopedPrimaryKey(serializers.PrimaryKeyRelatedField):
    """A foreign key to one of the *current shop's* rows; another shop's id is "does not exist"."""

    def get_queryset(self):
        request = self.context.get("request")
        shop = getattr(request, "shop", None) if request is not None else None
        return self.queryset.model._default_manager.for_shop(shop)


class AttributeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttributeDefinition
        fields = ["code", "name", "name_zh", "type", "unit", "choices", "required", "filterable"]


class CategorySerializer(serializers.ModelSerializer):
    attributes = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "id", "parent", "name", "name_zh", "slug", "path", "depth", "is_leaf",
            "commission_rate", "requires_review", "attributes",
        ]  # fmt: skip

    @extend_schema_field(AttributeSerializer(many=True))
    def get_attributes(self, category):
        template = self.context.get("templates", {}).get(category.pk)
        if template is None:
            return []
        return AttributeSerializer(template, many=True).data


class SkuWriteSerializer(StrictSerializer):
    """One row of a product's variant matrix (create/replace with the product)."""

    id = serializers.IntegerField(required=False, help_text="An existing SKU of this product.")
    code = serializers.CharField(max_length=64)
    options = serializers.DictField(
        child=serializers.CharField(max_length=30), required=False, default=dict
    )
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    cost_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    weight = serializers.DecimalField(
        max_digits=8, decimal_places=3, min_value=0, required=False, allow_null=True
    )
    barcode = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    stock = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, help_text="Opening stock of a new SKU."
    )
    warning_line = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    lead_time_days = serializers.IntegerField(min_value=0, max_value=365, required=False)


class SkuReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sku
        fields = [
            "id", "code", "options", "price", "cost_price", "weight", "barcode", "stock",
            "reserved", "sold_count", "warning_line", "lead_time_days", "is_active",
        ]  # fmt: skip
        read_only_fields = fields


class ImageReadSerializer(serializers.ModelSerializer):
    thumbnail_url = serializers.CharField(read_only=True)
    list_url = serializers.CharField(read_only=True)
    detail_url = serializers.CharField(read_only=True)

    class Meta:
        model = ProductImage
        fields = [
            "id", "kind", "position", "status", "error", "width", "height", "alt_text",
            "thumbnail_url", "list_url", "detail_url",
        ]  # fmt: skip
        read_only_fields = fields


class ProductSerializer(StrictModelSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True, is_leaf=True)
    )
    variant_dimensions = serializers.ListField(
        child=serializers.CharField(max_length=20),
        max_length=MAX_VARIANT_DIMENSIONS,
        required=False,
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=30), max_length=20, required=False
    )
    attributes = serializers.DictField(required=False)
    skus = SkuWriteSerializer(many=True, required=False, write_only=True)
    sku_list = serializers.SerializerMethodField()
    images = ImageReadSerializer(many=True, read_only=True)
    quality_messages = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id", "code", "title", "slug", "category", "description", "attributes",
            "variant_dimensions", "tags", "search_keywords", "meta_title", "meta_description",
            "video_url", "state", "state_reason", "published_at", "currency", "min_price",
            "max_price", "total_stock", "sales_count", "image_count", "quality_score",
            "quality_messages", "skus", "sku_list", "images", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "state", "state_reason", "published_at", "currency", "min_price", "max_price",
            "total_stock", "sales_count", "image_count", "quality_score", "created_at",
            "updated_at",
        ]  # fmt: skip
        extra_kwargs = {"slug": {"required": False}, "code": {"required": False}}

    @extend_schema_field(SkuReadSerializer(many=True))
    def get_sku_list(self, product):
        skus = [sku for sku in product.skus.all() if sku.is_active]
        return SkuReadSerializer(sorted(skus, key=lambda s: (s.position, s.pk)), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_quality_messages(self, product):
        return quality.describe_all(product.quality_issues)

    def validate(self, attrs):
        if self.instance is None and not attrs.get("skus"):
            raise serializers.ValidationError({"skus": ["Add at least one SKU with its price."]})
        return attrs

    def to_product_data(self, validated) -> ProductData:
        if self.instance is not None:
            data = product_data_from(self.instance)
        else:
            data = ProductData(category=None, title="")
        for name in (
            "category", "title", "code", "description", "attributes", "variant_dimensions", "tags",
            "search_keywords", "slug", "meta_title", "meta_description", "video_url",
        ):  # fmt: skip
            if name in validated:
                setattr(data, name, validated[name])
        if "skus" in validated:
            data.skus = [SkuData(**row) for row in validated["skus"]]
        return data


class SkuSerializer(StrictModelSerializer):
    product = ShopScopedPrimaryKey(queryset=Product.objects.all())
    options = serializers.DictField(child=serializers.CharField(max_length=30), required=False)
    stock = serializers.IntegerField(
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text="Opening stock when creating; afterwards stock changes through stock-movements.",
    )

    class Meta:
        model = Sku
        fields = [
            "id", "product", "code", "options", "price", "cost_price", "weight", "barcode",
            "stock", "reserved", "sold_count", "warning_line", "lead_time_days", "is_active",
        ]  # fmt: skip
        read_only_fields = ["reserved", "sold_count", "is_active"]
        extra_kwargs = {
            "price": {"min_value": 0},
            "cost_price": {"min_value": 0},
            "weight": {"min_value": 0},
        }

    def validate(self, attrs):
        if self.instance is not None:
            if "product" in attrs and attrs["product"] != self.instance.product:
                raise serializers.ValidationError(
                    {"product": ["A SKU cannot move to another product."]}
                )
            if "stock" in attrs:
                raise serializers.ValidationError(
                    {"stock": ["Change stock through /api/v1/seller/stock-movements/."]}
                )
            if "options" in attrs and attrs["options"] != self.instance.options:
                raise serializers.ValidationError(
                    {"options": ["Change a product's variants through the product."]}
                )
        return attrs


class ProductImageSerializer(StrictModelSerializer):
    product = ShopScopedPrimaryKey(queryset=Product.objects.all())
    image = serializers.FileField(write_only=True, required=False, help_text="JPEG, PNG or WebP.")
    thumbnail_url = serializers.CharField(read_only=True)
    list_url = serializers.CharField(read_only=True)
    detail_url = serializers.CharField(read_only=True)

    class Meta:
        model = ProductImage
        fields = [
            "id", "product", "image", "kind", "position", "alt_text", "status", "error", "width",
            "height", "thumbnail_url", "list_url", "detail_url", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "error", "width", "height", "created_at"]
        extra_kwargs = {"position": {"required": False}}

    def validate(self, attrs):
        if self.instance is None and not attrs.get("image"):
            raise serializers.ValidationError({"image": ["Upload an image file."]})
        if (
            self.instance is not None
            and "product" in attrs
            and attrs["product"] != self.instance.product
        ):
            raise serializers.ValidationError(
                {"product": ["An image cannot move to another product."]}
            )
        return attrs


# What a seller may record; sales, reservations, releases, returns and stocktakes are written by
# the services. Read and write have their own enum (settings.SPECTACULAR_SETTINGS names both).
RECORDABLE_MOVEMENT_KINDS = [
    (StockMovement.Kind.RECEIVED, "received"),
    (StockMovement.Kind.ADJUSTED, "adjusted"),
]


class StockMovementSerializer(serializers.ModelSerializer):
    """A row of the stock ledger, whatever its kind (sold, reserved, … are listed too)."""

    class Meta:
        model = StockMovement
        fields = [
            "id", "sku", "kind", "quantity", "reserved_change", "stock_after", "reserved_after",
            "reference", "reason", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_serializer(component_name="StockMovement")  # its request is "StockMovementRequest"
class StockMovementInSerializer(StrictModelSerializer):
    """What a seller records: goods received, or a correction with a reason."""

    sku = ShopScopedPrimaryKey(queryset=Sku.objects.all())
    kind = serializers.ChoiceField(
        choices=RECORDABLE_MOVEMENT_KINDS,
        help_text="received (quantity > 0) or adjusted (± quantity, with a reason). Sales, "
        "reservations and returns are written by orders.",
    )
    quantity = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000)

    class Meta:
        model = StockMovement
        fields = ["sku", "kind", "quantity", "reference", "reason"]


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
