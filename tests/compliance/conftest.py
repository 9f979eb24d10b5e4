import pytest


@pytest.fixture(autouse=True)
def _shops_test_setup(media_root, reference_data):
    """Every shops test writes uploads to a temporary folder and has the seeded word list and
    shop type terms."""
