import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(media_root):
    """Orders tests make products (and their images) in a temporary folder."""


@pytest.fixture
def buyer(db):
    from tests.factories.orders import buyer_with_address

    return buyer_with_address(email="buyer-zz@example.com")


@pytest.fixture
def buyer_client(client, buyer):
    """The test client, signed in as `buyer`."""
    client.force_login(buyer)
    return client


@pytest.fixture
def cup(shop):
    """A live SKU of shop A: ¥88.00, 10 in stock."""
    from tests.factories.orders import live_sku

    return live_sku(shop, price="88.00", stock=10)


@pytest.fixture
def bowl(other_shop):
    """A live SKU of shop B: ¥35.50, 5 in stock."""
    from tests.factories.orders import live_sku

    return live_sku(other_shop, price="35.50", stock=5, title="Stoneware rice bowl")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (Celery tasks, event handlers) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
