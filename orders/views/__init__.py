"""Storefront and seller-center pages of orders."""

from django.shortcuts import render


def cart(request):
    return render(request, "orders/cart.html")
