"""REST endpoints of orders (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from orders.api import views
from orders.fulfilment import api as fulfilment

router = SimpleRouter()
router.register("cart/lines", views.CartLineViewSet, basename="orders-cart-line")
router.register("checkouts", views.CheckoutViewSet, basename="orders-checkout")
router.register("orders", views.BuyerOrderViewSet, basename="orders-order")
router.register("seller/orders", views.SellerOrderViewSet, basename="orders-seller-order")
# Fulfilment: the shop's parcels, and shipping its orders (orders.fulfilment.api).
router.register("seller/shipments", fulfilment.ShipmentViewSet, basename="orders-shipment")

urlpatterns = [
    path("cart/", views.CartView.as_view(), name="orders-cart"),
    path("cart/accept-prices/", views.CartAcceptPricesView.as_view(), name="orders-cart-accept"),
    path("checkouts/quote/", views.CheckoutQuoteView.as_view(), name="orders-checkout-quote"),
    path(
        "payments/webhooks/offline/",
        views.OfflineWebhookView.as_view(),
        name="orders-webhook-offline",
    ),
    *router.urls,
]

# The money side (Stripe's webhook, the seller's ledger and statements): orders/finance/api.py
from orders.finance.api import urlpatterns as finance_urlpatterns  # noqa: E402

urlpatterns += finance_urlpatterns
