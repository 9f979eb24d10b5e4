"""REST endpoints of logistics (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from logistics.adapters import ADAPTERS
from logistics.api import views

router = SimpleRouter()
router.register(
    "seller/shipping-templates", views.ShippingTemplateViewSet, basename="logistics-template"
)
router.register("parcels", views.BuyerParcelViewSet, basename="logistics-parcel")

urlpatterns = [
    path("seller/carriers/", views.ShopCarriersView.as_view(), name="logistics-shop-carriers"),
    path("logistics/carriers/", views.CarrierListView.as_view(), name="logistics-carriers"),
    path("logistics/regions/", views.RegionListView.as_view(), name="logistics-regions"),
    # One webhook address per carrier adapter (each signed with its own secret).
    *[
        path(
            f"logistics/webhooks/{name.replace('_', '-')}/",
            views.CarrierWebhookView.as_view(adapter=name),
            name=f"logistics-webhook-{name.replace('_', '-')}",
        )
        for name in ADAPTERS
    ],
    *router.urls,
]
