"""Storefront pages of orders: the cart (empty until the orders issue adds cart lines)."""

from django.shortcuts import render


def cart(request):
    return render(request, "orders/cart.html")
