"""Seller lists run a constant number of queries whatever their length (DESIGN §9)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from compliance import audit
from marketplace.core.notifications import notify
from shops.roles import Role
from tests.factories.shops import MembershipFactory

pytestmark = pytest.mark.django_db


def grow(shop, n):
    for _ in range(n):
        member = MembershipFactory(shop=shop, role=Role.ANALYST)
        audit.record("staff.joined", actor=member.user, obj=member, shop_id=shop.pk)
        notify(shop.owner, title="Hello", shop_id=shop.pk, email_template=None)


def count(callable_):
    """Queries of one request, not counting the session's (cached_db: a cache hit or not)."""
    with CaptureQueriesContext(connection) as queries:
        response = callable_()
    assert response.status_code == 200
    return len([q for q in queries if "django_session" not in q["sql"]])


@pytest.mark.parametrize(
    "url_name", ["seller:dashboard", "seller:staff", "seller:activity", "seller:notifications"]
)
def test_seller_pages_do_not_grow_with_their_lists(seller_client, shop, url_name):
    url = reverse(url_name)
    grow(shop, 2)
    small = count(lambda: seller_client.get(url))

    grow(shop, 12)
    large = count(lambda: seller_client.get(url))

    assert large == small, f"{url}: {small} queries with 2 rows, {large} with 14"


@pytest.mark.parametrize(
    "path", ["/api/v1/seller/staff/", "/api/v1/seller/applications/", "/api/v1/seller/invitations/"]
)
def test_seller_api_lists_do_not_grow(shop, path):
    client = APIClient()
    client.force_authenticate(shop.owner)
    grow(shop, 2)
    small = count(lambda: client.get(path))

    grow(shop, 12)
    large = count(lambda: client.get(path))

    assert large == small
