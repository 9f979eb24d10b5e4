"""THE shop-scoping layer (DESIGN §3). Every seller page and seller API call goes through it.

Three modules, so that models never depend on the page or API frameworks:
    shops.scoping.models    ShopOwnedModel, ShopScopedQuerySet/Manager, get_for_shop_or_404
    shops.scoping.views     seller_view, SellerViewMixin: the current shop of a seller page
    shops.scoping.api       ShopScopedViewSet, IsShopMember: the same for the REST API (DRF)

Models
    class Product(ShopOwnedModel):            # non-null, indexed `shop` FK (PROTECT)
        ...                                   # `objects` is a ShopScopedQuerySet manager
        class Meta(ShopOwnedModel.Meta):
            constraints = [UniqueConstraint(fields=["shop", "sku_code"], name=...)]

    Product.objects.for_shop(request.shop)    # the only way seller code reads shop data

Objects named in a URL
    product = get_for_shop_or_404(Product, shop=request.shop, pk=product_id)
    # another shop's product, a missing one and a malformed id are all the same 404

Seller-center pages (function views / class-based views)
    @seller_view(section="products")           # login, request.shop, role check, context
    def product_list(request):
        return TemplateResponse(request, "catalog/seller/product_list.html", {...})

    class ProductEdit(SellerViewMixin, UpdateView):
        section = "products"

    Both resolve `request.shop` (and `request.membership`) once, from the session's current shop
    and the user's memberships (falling back to the first one); a signed-in user without a shop
    is sent to "Open a shop"; a role that may not use `section` gets the 403 page. Template
    responses get `shop`, `seller_shops`, `seller_sections` and `unread_notifications` added to
    their context, which `layouts/seller.html` needs.

API viewsets
    class ProductViewSet(ShopScopedViewSet, mixins.ListModelMixin, ...):
        section = "products"
        queryset = Product.objects.all()      # only `.model` is used; get_queryset() scopes it
        serializer_class = ...

    The shop comes from the `X-Shop` header (a shop slug) or else the user's first membership;
    a slug the user is not a member of is a 404; a role without the section is a 403;
    `get_queryset()` is `Model.objects.for_shop(request.shop)`; `perform_create` saves the shop.
"""
