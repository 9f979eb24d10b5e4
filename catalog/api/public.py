"""Public catalogue API (mounted under /api/v1/): browse and search products on sale, read one
product with its SKUs, images and specifications (the category tree with its attribute templates
is the catalog's `/api/v1/categories/`). Anyone may call it
(AllowAny), throttled per client.

    GET /api/v1/products/?q=绿茶&category=green-tea&price_min=10&price_max=99.5&in_stock=true
                          &shop=shop-a&rating_min=4&attr_grade=special&sort=-price&page=2
    GET /api/v1/products/{id}/

The filters are the storefront's (`catalog.storefront.filters.ProductFilter`); a bad value is a
400 naming the parameter. Lists read the denormalised listing columns only and count no further
than `MAX_PAGES` pages (`count_is_lower_bound` says so): two queries per page whatever its size.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.utils.urls import remove_query_param, replace_query_param

from catalog.storefront import listings, product_page, seo
from catalog.storefront.categories import category_tree
from catalog.storefront.filters import ProductFilter
from catalog.storefront.product_page import stock_state
from catalog.text import sanitize_description
from marketplace.core.throttling import AnonRateThrottle, UserRateThrottle

MAX_API_PAGE_SIZE = 96


class CatalogAnonThrottle(AnonRateThrottle):
    scope = "catalog_anon"
    rate = "300/min"


class CatalogUserThrottle(UserRateThrottle):
    scope = "catalog_user"
    rate = "1200/min"


class CatalogPagination(BasePagination):
    """Page numbers with a bounded count (see `catalog.storefront.listings.paginate`)."""

    page_query_param = "page"
    page_size_query_param = "page_size"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            size = int(
                request.query_params.get(self.page_size_query_param, listings.DEFAULT_PAGE_SIZE)
            )
        except ValueError:
            size = listings.DEFAULT_PAGE_SIZE
        size = max(1, min(size, MAX_API_PAGE_SIZE))
        number = listings.page_number_of(request.query_params.get(self.page_query_param))
        try:
            self.page = listings.paginate(queryset, number=number, page_size=size)
        except listings.PageOutOfRange as error:
            raise NotFound(_("There is no such page.")) from error
        return self.page.products

    def _link(self, number):
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            {
                "count": page.total,
                "count_is_lower_bound": page.total_is_lower_bound,
                "page": page.number,
                "pages": page.num_pages,
                "next": self._link(page.next_page_number) if page.has_next else None,
                "previous": self._link(page.previous_page_number) if page.has_previous else None,
                "results": data,
            }
        )

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("Page number (at most %(n)d pages).") % {"n": listings.MAX_PAGES}
                ),
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(_("Results per page (1–%(n)d).") % {"n": MAX_API_PAGE_SIZE}),
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_API_PAGE_SIZE},
            },
        ]

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer"},
                "count_is_lower_bound": {"type": "boolean"},
                "page": {"type": "integer"},
                "pages": {"type": "integer"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


# --- Serializers ---------------------------------------------------------------------------------
class PublicShopRefSerializer(serializers.Serializer):
    slug = serializers.CharField(source="shop_slug")
    name = serializers.CharField(source="shop_name")


class PublicProductSerializer(serializers.Serializer):
    """A product as lists show it: listing columns only."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    currency = serializers.CharField()
    min_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    max_price = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    in_stock = serializers.SerializerMethodField()
    sales_count = serializers.IntegerField()
    rating = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    review_count = serializers.IntegerField()
    image = serializers.SerializerMethodField()
    shop = PublicShopRefSerializer(source="*")
    published_at = serializers.DateTimeField()

    def get_url(self, product) -> str:
        return seo.absolute_url(listings.product_url(product.pk, product.slug))

    def get_in_stock(self, product) -> bool:
        return product.total_stock > 0

    def get_image(self, product) -> str:
        return seo.absolute_url(seo.media_url(product.main_image_list))


class PublicSkuSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    options = serializers.DictField(child=serializers.CharField())
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    stock = serializers.IntegerField()
    stock_state = serializers.SerializerMethodField()

    def get_stock_state(self, sku) -> str:
        return stock_state(sku.stock)


class PublicImageSerializer(serializers.Serializer):
    kind = serializers.CharField()
    thumbnail = serializers.SerializerMethodField()
    list = serializers.SerializerMethodField()
    detail = serializers.SerializerMethodField()
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt_text = serializers.CharField()

    def get_thumbnail(self, image) -> str:
        return seo.absolute_url(seo.media_url(image.thumbnail))

    def get_list(self, image) -> str:
        return seo.absolute_url(seo.media_url(image.list_size))

    def get_detail(self, image) -> str:
        return seo.absolute_url(seo.media_url(image.detail_size))


class PublicSpecSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.CharField()


class PublicProductDetailSerializer(PublicProductSerializer):
    description = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    variant_dimensions = serializers.ListField(child=serializers.CharField())
    tags = serializers.ListField(child=serializers.CharField())
    specifications = serializers.SerializerMethodField()
    skus = serializers.SerializerMethodField()
    images = serializers.SerializerMethodField()
    video_url = serializers.CharField()

    def get_description(self, product) -> str:
        return sanitize_description(product.description)

    def get_category(self, product) -> list[dict]:
        """The category trail, root first: [{slug, name}]."""
        tree = self.context["tree"]
        node = tree.by_id.get(product.category_id)
        return [{"slug": n.slug, "name": n.name} for n in (tree.trail(node) if node else [])]

    @extend_schema_field(PublicSpecSerializer(many=True))
    def get_specifications(self, product) -> list[dict]:
        return PublicSpecSerializer(self.context["page"].specs, many=True).data

    @extend_schema_field(PublicSkuSerializer(many=True))
    def get_skus(self, product) -> list[dict]:
        return PublicSkuSerializer(self.context["page"].skus, many=True).data

    @extend_schema_field(PublicImageSerializer(many=True))
    def get_images(self, product) -> list[dict]:
        return PublicImageSerializer(self.context["page"].images, many=True).data


# --- Views ---------------------------------------------------------------------------------------
class PublicProductViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Products on sale, with the storefront's filters and sort orders.

    With `category`, the category's filterable specifications are filters too:
    `attr_<code>=<value>` (repeat it for any of several values; `true` for yes/no ones).
    """

    permission_classes = [AllowAny]
    throttle_classes = [CatalogAnonThrottle, CatalogUserThrottle]
    queryset = listings.live_products()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter
    pagination_class = CatalogPagination
    serializer_class = PublicProductSerializer

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PublicProductDetailSerializer
        return PublicProductSerializer

    def retrieve(self, request, *args, **kwargs):
        try:
            pk = int(kwargs["pk"])
        except (TypeError, ValueError) as error:
            raise NotFound from error
        page = product_page.load(pk, request=request, with_more=False)
        if page is None:
            raise NotFound(_("This product is not on sale."))
        product = page.product
        context = {
            **self.get_serializer_context(),
            "page": page,
            "tree": category_tree(request),
        }
        return Response(PublicProductDetailSerializer(product, context=context).data)


router = SimpleRouter()
router.register("products", PublicProductViewSet, basename="public-product")
urlpatterns = router.urls
