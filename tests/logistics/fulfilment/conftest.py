"""Fixtures of the fulfilment and tracking tests: shop A with the simulated carrier and SF Express,
a buyer in Zhejiang, and paid orders placed and paid through the real orders services."""

from __future__ import annotations

import pytest

from logistics import services
from tests.factories.orders import buyer_with_address
from tests.logistics.fulfilment.builders import paid_order


@pytest.fixture(autouse=True)
def _uploads_in_tmp(media_root):
    """Orders here make products (and their images) in a temporary folder."""


@pytest.fixture
def carriers(db):
    """The platform's carriers (logistics/data/carriers_cn.json), by code."""
    return {carrier.code: carrier for carrier in services.seed_carriers()}


@pytest.fixture
def shop_carriers(shop, carriers):
    """Shop A ships with the simulated carrier (default) and SF Express."""
    services.set_shop_carriers(
        shop=shop,
        actor=shop.owner,
        carrier_ids=[carriers["offline"].pk, carriers["sf-express"].pk],
        default_id=carriers["offline"].pk,
    )
    return carriers


@pytest.fixture
def other_shop_carriers(other_shop, carriers):
    services.set_shop_carriers(
        shop=other_shop,
        actor=other_shop.owner,
        carrier_ids=[carriers["offline"].pk, carriers["sf-express"].pk],
    )
    return carriers


@pytest.fixture
def buyer(db):
    return buyer_with_address(email="buyer-zz@example.com")


@pytest.fixture
def order(shop, buyer, shop_carriers):
    """A paid order of shop A: 2 tea cups and 1 teapot, to Zhejiang."""
    return paid_order(shop, buyer, ("Celadon tea cup", "88.00", 2), ("Clay teapot", "120.00", 1))


@pytest.fixture
def make_order(shop, buyer, shop_carriers):
    def make(*items, for_shop=None, for_buyer=None):
        items = items or (("Celadon tea cup", "88.00", 1),)
        return paid_order(for_shop or shop, for_buyer or buyer, *items)

    return make


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (event handlers, Celery tasks) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
