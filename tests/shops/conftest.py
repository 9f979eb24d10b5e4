import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(media_root):
    """Every shops test writes its uploads to a temporary folder."""
