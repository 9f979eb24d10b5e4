"""Products carry their shop's visibility (`Product.shop_visible`), kept by a trigger on the shops
table however the shop's state changes; the trigger asks the shops chapter's SQL mirror of
`Shop.is_visible`, so the copy agrees with Python for every state."""

import pytest

from catalog.models import Product
from shops.models import Shop


@pytest.mark.parametrize("state", Shop.State.values)
def test_a_products_shop_visibility_follows_every_shop_state(shop, product, state):
    Shop.objects.filter(pk=shop.pk).update(state=Shop.State.SUSPENDED)
    Shop.objects.filter(pk=shop.pk).update(state=state)  # raw UPDATE: only the trigger acts
    expected = Shop(state=state).is_visible
    assert Product.objects.get(pk=product.pk).shop_visible is expected
