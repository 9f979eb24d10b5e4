"""REST endpoints of the catalog (mounted under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from catalog.api import public, views

router = SimpleRouter()
router.register("seller/products", views.ProductViewSet, basename="seller-product")
router.register("seller/skus", views.SkuViewSet, basename="seller-sku")
router.register("seller/product-images", views.ProductImageViewSet, basename="seller-product-image")
router.register(
    "seller/stock-movements", views.StockMovementViewSet, basename="seller-stock-movement"
)
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [*router.urls, *public.urlpatterns]  # public: the storefront's catalogue API
