"""Storefront pages of the catalog: home and search.

The catalog issue fills these with categories and products; until then they render the empty
states a buyer sees on a platform without live listings.
"""

from django.shortcuts import render


def home(request):
    return render(request, "catalog/home.html", {"menu_categories": []})


def search(request):
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "catalog/search.html", {"query": query})
