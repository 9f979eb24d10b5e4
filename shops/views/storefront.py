"""Storefront pages of shops: the public shop page and following a shop."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shops import selectors, services
from shops.models import ShopType


def shop_detail(request, slug):
    shop = selectors.get_public_shop_or_404(slug)
    context = {
        "shop": shop,
        "is_following": selectors.is_following(request.user, shop),
        "is_individual": shop.shop_type == ShopType.INDIVIDUAL,
    }
    return TemplateResponse(request, "shops/storefront/shop_detail.html", context)


@require_POST
@login_required
def shop_follow(request, slug):
    shop = selectors.get_public_shop_or_404(slug)
    if request.POST.get("action") == "unfollow":
        services.unfollow_shop(user=request.user, shop=shop)
        messages.info(request, _("You no longer follow %(shop)s.") % {"shop": shop.name})
    else:
        services.follow_shop(user=request.user, shop=shop)
        messages.success(request, _("You follow %(shop)s.") % {"shop": shop.name})
    return redirect(shop.get_absolute_url())
