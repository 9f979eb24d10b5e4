"""REST endpoints of logistics (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from logistics.api import views

router = SimpleRouter()
router.register(
    "seller/shipping-templates", views.ShippingTemplateViewSet, basename="logistics-template"
)

urlpatterns = [
    path("seller/carriers/", views.ShopCarriersView.as_view(), name="logistics-shop-carriers"),
    path("logistics/carriers/", views.CarrierListView.as_view(), name="logistics-carriers"),
    path("logistics/regions/", views.RegionListView.as_view(), name="logistics-regions"),
    *router.urls,
]
