"""Which shop states buyers see has one owner, `Shop.VISIBLE_STATES` (`Shop.is_visible`). SQL asks
`shops_shop_is_visible(state)` (shops migration 0003), which must give the same answer for every
state: changing the Python rule without a migration that re-creates the function fails here."""

import pytest
from django.db import connection

from shops.models import Shop

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", Shop.State.values)
def test_the_sql_function_agrees_with_shop_is_visible(state):
    with connection.cursor() as cursor:
        cursor.execute("SELECT shops_shop_is_visible(%s)", [state])
        (visible,) = cursor.fetchone()
    assert visible is Shop(state=state).is_visible


def test_the_sql_function_is_immutable():
    with connection.cursor() as cursor:
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'shops_shop_is_visible'")
        assert cursor.fetchall() == [("i",)]
