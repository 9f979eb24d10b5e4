"""Seller-center pages of shops. Thin: parse, authorise (shops.scoping), call a service, render."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shops import scoping
from shops.scoping import seller_view


@seller_view(section="dashboard")
def dashboard(request):
    return TemplateResponse(request, "shops/dashboard.html", {})


@require_POST
@seller_view(section=None)
def switch_shop(request):
    membership = scoping.switch_shop(request, slug=request.POST.get("shop", ""))
    messages.info(request, _("You are now working in %(shop)s.") % {"shop": membership.shop.name})
    return redirect("seller:dashboard")


@seller_view(section=None, shop_required=False)
def open_shop(request):
    return TemplateResponse(request, "shops/open_shop.html", {})
