import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(media_root):
    """Every catalog test writes its uploads (images, import files) to a temporary folder."""


@pytest.fixture
def green_tea(db):
    from tests.factories.catalog import tea_category

    return tea_category()


@pytest.fixture
def product(shop, green_tea):
    from tests.factories.catalog import make_product

    return make_product(shop, green_tea)
