"""Products (listings), their SKUs (variants) and images.

`Product` carries denormalised listing columns (prices, stock, sales, cover image, shop name and
slug, category path, rating, search vector) so a storefront list, search or category page reads
one table with no join and no per-product query. `catalog.services` keeps them up to date in the
same transaction as the change they summarise.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models.categories import Category
from marketplace.core.states import StateMachine
from shops.scoping.models import ShopOwnedModel
from shops.storage import private_storage

MAX_IMAGES = 15
RECOMMENDED_IMAGES = 6
MAX_VARIANT_DIMENSIONS = 3
MAX_SKUS = 600
TITLE_MIN_LENGTH = 4
TITLE_MAX_LENGTH = 120
MONEY = {"max_digits": 12, "decimal_places": 2}


class Product(ShopOwnedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_REVIEW = "pending_review", _("Pending review")
        LIVE = "live", _("Live")
        DELISTED = "delisted", _("Delisted")
        BLOCKED = "blocked", _("Blocked by the platform")

    state_machine = StateMachine(
        name="catalog_product",
        states=State,
        transitions={
            State.DRAFT: {State.PENDING_REVIEW, State.LIVE},
            State.PENDING_REVIEW: {State.LIVE, State.DRAFT, State.BLOCKED},
            State.LIVE: {State.DELISTED, State.PENDING_REVIEW, State.BLOCKED},
            State.DELISTED: {State.LIVE, State.PENDING_REVIEW, State.DRAFT, State.BLOCKED},
            # A block is lifted by the platform to "delisted": the seller relists, re-checked.
            State.BLOCKED: {State.DELISTED},
        },
        shop_id_attr="shop_id",
    )
    EDITABLE_STATES = (State.DRAFT, State.PENDING_REVIEW, State.LIVE, State.DELISTED)

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="products",
        verbose_name=_("shop"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    code = models.CharField(
        _("product code"),
        max_length=64,
        blank=True,
        help_text=_("Your own code for the product (SPU); imports match products by it."),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=140)
    description = models.TextField(_("description"), blank=True)
    attributes = models.JSONField(_("specifications"), default=dict, blank=True)
    variant_dimensions = models.JSONField(_("variant dimensions"), default=list, blank=True)
    tags = ArrayField(
        models.CharField(max_length=30), verbose_name=_("tags"), default=list, blank=True
    )
    search_keywords = models.CharField(_("search keywords"), max_length=200, blank=True)
    meta_title = models.CharField(_("meta title"), max_length=70, blank=True)
    meta_description = models.CharField(_("meta description"), max_length=160, blank=True)
    video_url = models.URLField(_("video link"), max_length=300, blank=True)

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    state_reason = models.TextField(_("reason"), blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published at"), null=True, blank=True)

    # --- Denormalised listing columns (catalog.services.listing.refresh_listing) ---
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    min_price = models.DecimalField(_("lowest price"), null=True, blank=True, **MONEY)
    max_price = models.DecimalField(_("highest price"), null=True, blank=True, **MONEY)
    total_stock = models.IntegerField(_("stock"), default=0)
    sales_count = models.IntegerField(_("units sold"), default=0)
    rating = models.DecimalField(_("rating"), max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.IntegerField(_("reviews"), default=0)
    image_count = models.PositiveSmallIntegerField(_("images"), default=0)
    main_image_thumb = models.CharField(max_length=255, blank=True, editable=False)
    main_image_list = models.CharField(max_length=255, blank=True, editable=False)
    shop_name = models.CharField(_("shop name"), max_length=60, blank=True, editable=False)
    shop_slug = models.CharField(max_length=60, blank=True, editable=False)
    shop_visible = models.BooleanField(default=True, editable=False)
    category_path = models.CharField(max_length=255, blank=True, editable=False)
    quality_score = models.PositiveSmallIntegerField(_("listing quality"), default=0)
    quality_issues = models.JSONField(default=list, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("moderate_product", _("Can approve, reject, block and unblock listings")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shop", "slug"], name="catalog_product_slug_per_shop"),
            models.UniqueConstraint(
                fields=["shop", "code"],
                condition=~models.Q(code=""),
                name="catalog_product_code_per_shop",
                violation_error_message=_("Another product of this shop has this code."),
            ),
            models.CheckConstraint(
                condition=models.Q(total_stock__gte=0), name="catalog_product_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(min_price__gte=0) | models.Q(min_price__isnull=True),
                name="catalog_product_price_not_negative",
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="catalog_product_search"),
            GinIndex(
                fields=["attributes"], name="catalog_product_attrs", opclasses=["jsonb_path_ops"]
            ),
            # Storefront: live listings of visible shops, by category subtree and sort order.
            models.Index(
                fields=["category_path", "-published_at"],
                name="catalog_product_live_category",
                opclasses=["text_pattern_ops", ""],
                condition=models.Q(state="live", shop_visible=True),
            ),
            models.Index(
                fields=["-published_at", "-id"],
                name="catalog_product_live_new",
                condition=models.Q(state="live", shop_visible=True),
            ),
            models.Index(
                fields=["-sales_count", "-id"],
                name="catalog_product_live_sales",
                condition=models.Q(state="live", shop_visible=True),
            ),
            models.Index(
                fields=["min_price", "id"],
                name="catalog_product_live_price",
                condition=models.Q(state="live", shop_visible=True),
            ),
            # Seller center: a shop's products by state, newest change first.
            models.Index(fields=["shop", "state", "-updated_at"], name="catalog_product_seller"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_live(self) -> bool:
        return self.state == self.State.LIVE

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE_STATES

    @property
    def main_image_thumb_url(self) -> str:
        return default_storage.url(self.main_image_thumb) if self.main_image_thumb else ""

    @property
    def main_image_list_url(self) -> str:
        return default_storage.url(self.main_image_list) if self.main_image_list else ""

    @property
    def keyword_list(self) -> list[str]:
        from catalog.text import split_keywords

        return split_keywords(self.search_keywords)

    @property
    def has_variants(self) -> bool:
        return bool(self.variant_dimensions)


class Sku(ShopOwnedModel):
    """One sellable variant: its own code, price, cost, weight, barcode and stock.

    `stock` is what can still be sold; `reserved` is held for unpaid orders. Both change only
    through `catalog.services.inventory`, which writes a `StockMovement` for every change, so
    ``stock == Σ movement.quantity`` and ``reserved == Σ movement.reserved_change`` always.
    """

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="skus",
        verbose_name=_("shop"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="skus", verbose_name=_("product")
    )
    code = models.CharField(_("SKU code"), max_length=64)
    options = models.JSONField(_("options"), default=dict, blank=True)
    option_key = models.CharField(max_length=255, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    price = models.DecimalField(_("price"), **MONEY)
    cost_price = models.DecimalField(_("cost price"), null=True, blank=True, **MONEY)
    weight = models.DecimalField(
        _("weight (kg)"), max_digits=8, decimal_places=3, null=True, blank=True
    )
    barcode = models.CharField(_("barcode"), max_length=32, blank=True)
    stock = models.IntegerField(_("stock"), default=0, editable=False)
    reserved = models.IntegerField(_("reserved"), default=0, editable=False)
    sold_count = models.IntegerField(_("units sold"), default=0, editable=False)
    warning_line = models.IntegerField(
        _("warning line"),
        default=0,
        help_text=_("Alert me when stock falls to this level or below."),
    )
    low_stock_alerted = models.BooleanField(default=False, editable=False)
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        default=7,
        help_text=_("Days between ordering more and having it in stock."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["product_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "code"],
                name="catalog_sku_code_per_shop",
                violation_error_message=_("Another SKU of this shop has this code."),
            ),
            models.UniqueConstraint(
                fields=["product", "option_key"], name="catalog_sku_options_once_per_product"
            ),
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="catalog_sku_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0), name="catalog_sku_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="catalog_sku_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(cost_price__gte=0) | models.Q(cost_price__isnull=True),
                name="catalog_sku_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(warning_line__gte=0), name="catalog_sku_warning_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["shop", "stock"],
                name="catalog_sku_low_stock",
                condition=models.Q(is_active=True),
            )
        ]

    def __str__(self):
        return self.code

    @property
    def option_label(self) -> str:
        return " / ".join(str(value) for value in (self.options or {}).values())

    @property
    def is_low(self) -> bool:
        return self.stock <= self.warning_line


def image_source_upload_to(instance, filename):
    import uuid

    return f"catalog/incoming/{instance.shop_id}/{uuid.uuid4().hex}"


class ProductImage(ShopOwnedModel):
    """An image of a product. The upload is kept privately until the Celery task
    (`catalog.tasks.process_product_image`) has made the clean, resized copies."""

    class Kind(models.TextChoices):
        MAIN = "main", _("Main image")
        DETAIL = "detail", _("Detail image")
        SCENE = "scene", _("Scene image")

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        db_index=True,
        related_name="product_images",
        verbose_name=_("shop"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.FileField(
        upload_to=image_source_upload_to, storage=private_storage, blank=True, max_length=255
    )
    thumbnail = models.CharField(max_length=255, blank=True)
    list_size = models.CharField(max_length=255, blank=True)
    detail_size = models.CharField(max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.CharField(_("description"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product_id", "position", "id"]
        indexes = [models.Index(fields=["product", "position"], name="catalog_image_order")]

    def __str__(self):
        return f"{self.product_id} #{self.position} ({self.kind})"

    def _url(self, name: str) -> str:
        return default_storage.url(name) if name else ""

    @property
    def thumbnail_url(self) -> str:
        return self._url(self.thumbnail)

    @property
    def list_url(self) -> str:
        return self._url(self.list_size)

    @property
    def detail_url(self) -> str:
        return self._url(self.detail_size)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY
