"""Storefront pages of orders (mounted at the site root)."""

from django.urls import path

from orders.views import storefront as views

urlpatterns = [
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/lines/<int:line_id>/", views.cart_line_update, name="cart-line-update"),
    path("cart/lines/<int:line_id>/remove/", views.cart_line_remove, name="cart-line-remove"),
    path("cart/accept-prices/", views.cart_accept_prices, name="cart-accept-prices"),
    path("checkout/start/", views.checkout_start, name="checkout-start"),
    path("checkout/", views.checkout_address, name="checkout"),
    path("checkout/review/", views.checkout_review, name="checkout-review"),
    path("checkout/done/<uuid:token>/", views.checkout_done, name="checkout-done"),
    path("pay/test/<str:reference>/", views.payment_offline, name="payment-offline"),
    path("pay/stripe/<str:reference>/", views.payment_stripe, name="payment-stripe"),
    path(
        "pay/stripe/<str:reference>/return/",
        views.payment_stripe_return,
        name="payment-stripe-return",
    ),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<str:number>/", views.order_detail, name="order-detail"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("orders/<str:number>/pay/", views.order_pay, name="order-pay"),
    path(
        "orders/<str:number>/confirm-receipt/",
        views.order_confirm_receipt,
        name="order-confirm-receipt",
    ),
]
