from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shops.sections import menu_for


@login_required
def dashboard(request):
    context = {
        "seller_sections": menu_for(request, active="dashboard"),
        "shop": None,
        "seller_shops": [],
    }
    return render(request, "shops/dashboard.html", context)
