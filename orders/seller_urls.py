"""Seller-center pages of orders (mounted under /seller/, all through shops.scoping)."""

from django.urls import path

from orders.fulfilment import views as fulfilment
from orders.views import seller as views

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/bulk-accept/", views.orders_bulk_accept, name="orders-bulk-accept"),
    path("orders/packing-slips/", views.orders_packing_slips, name="orders-packing-slips"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/accept/", views.order_accept, name="order-accept"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("orders/<str:number>/resolve/", views.order_resolve, name="order-resolve"),
    path("orders/<str:number>/flag/", views.order_flag, name="order-flag"),
    path(
        "orders/<str:number>/packing-slip/",
        views.order_packing_slip,
        name="order-packing-slip",
    ),
]

# The shipping section's fulfilment pages (orders.fulfilment): orders to ship, the ship form,
# printing, bulk shipping, parcels, performance. Shipping templates and carriers are logistics'.
urlpatterns += [
    path("shipping/", fulfilment.to_ship, name="orders-to-ship"),
    path("shipping/orders/<str:number>/", fulfilment.ship_order, name="orders-ship-order"),
    path("shipping/pick-list/", fulfilment.pick_list, name="orders-pick-list"),
    path("shipping/pick-list.pdf", fulfilment.pick_list_pdf, name="orders-pick-list-pdf"),
    path(
        "shipping/packing-slips.pdf",
        fulfilment.packing_slips_pdf,
        name="orders-packing-slips-pdf",
    ),
    path("shipping/bulk-ship/", fulfilment.bulk_ship, name="orders-bulk-ship"),
    path(
        "shipping/bulk-ship/example.csv",
        fulfilment.bulk_ship_example,
        name="orders-bulk-ship-example",
    ),
    path("shipping/shipments/", fulfilment.shipments, name="orders-shipments"),
    path("shipping/performance/", fulfilment.performance, name="orders-performance"),
]

# The finance section (the money side: balance, ledger, statements, Stripe Connect onboarding).
from orders.finance import views as finance_views  # noqa: E402

urlpatterns += [
    path("finance/", finance_views.finance_overview, name="finance"),
    path("finance/ledger/", finance_views.finance_ledger, name="finance-ledger"),
    path("finance/statements/", finance_views.finance_statements, name="finance-statements"),
    path(
        "finance/statements/<int:statement_id>/",
        finance_views.finance_statement,
        name="finance-statement",
    ),
    path(
        "finance/statements/<int:statement_id>/csv/",
        finance_views.finance_statement_csv,
        name="finance-statement-csv",
    ),
    path(
        "finance/stripe/connect/",
        finance_views.finance_stripe_connect,
        name="finance-stripe-connect",
    ),
    path(
        "finance/stripe/return/", finance_views.finance_stripe_return, name="finance-stripe-return"
    ),
]
