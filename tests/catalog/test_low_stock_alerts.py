"""A SKU crossing its warning line raises exactly one alert per crossing, with a suggestion."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from catalog import replenishment
from catalog.models import Sku, StockAlert
from catalog.services import inventory
from catalog.services.alerts import deliver_stock_alerts
from marketplace.core.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.catalog import make_product, sku
from tests.factories.shops import MembershipFactory


@pytest.fixture
def tea_sku(shop, green_tea):
    product = make_product(
        shop, green_tea, skus=[sku("LJ-250", "88.00", stock=10, warning_line=3, lead_time_days=5)]
    )
    return product.skus.get()


def sell(target, quantity, ref):
    inventory.reserve_stock([(target.pk, quantity)], order_ref=ref)
    inventory.commit_sale(order_ref=ref)


def test_selling_down_past_the_line_raises_one_alert_not_one_per_sale(
    shop, tea_sku, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):  # 10 → 0, one unit at a time; the line (3) is crossed once
            sell(tea_sku, 1, f"O-{n}")
    alert = StockAlert.objects.get()
    assert (alert.sku_id, alert.stock, alert.warning_line) == (tea_sku.pk, 3, 3)
    assert alert.notified_at is not None
    assert Notification.objects.filter(user=shop.owner).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [shop.owner.email]
    assert "LJ-250" in mail.outbox[0].subject


def test_going_back_above_the_line_rearms_the_alert(
    shop, tea_sku, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sell(tea_sku, 8, "O-1")  # 10 → 2: crossing 1
        inventory.receive_stock(tea_sku, 20, shop=shop)  # 2 → 22: above, flag cleared
        sell(tea_sku, 5, "O-2")  # 22 → 17: still above, nothing
        sell(tea_sku, 15, "O-3")  # 17 → 2: crossing 2
    alerts = list(StockAlert.objects.order_by("pk"))
    assert len(alerts) == 2
    assert alerts[0].resolved_at is not None
    assert alerts[1].resolved_at is None
    tea_sku.refresh_from_db()
    assert tea_sku.low_stock_alerted is True


def test_the_alert_carries_the_replenishment_suggestion(
    shop, tea_sku, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sell(tea_sku, 6, "O-1")  # 10 → 4: above the line
        sell(tea_sku, 3, "O-2")  # 4 → 1: crosses; 9 sold in 30 days
    alert = StockAlert.objects.get()
    # 9 units / 30 days = 0.3 a day; 1 left → 3.3 days; lead time 5:
    # at least 0.3 × (5 + 7) − 1 = 2.6 → 3, at most 0.3 × (5 + 15) − 1 = 5
    assert alert.daily_velocity == Decimal("0.30")
    assert alert.days_of_cover == Decimal("3.3")
    assert (alert.suggested_min, alert.suggested_quantity) == (3, 5)
    body = Notification.objects.get().body
    assert "Order 5" in body and "at least 3" in body


def test_delivery_is_idempotent(shop, tea_sku, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sell(tea_sku, 8, "O-1")
    alert = StockAlert.objects.get()
    assert deliver_stock_alerts([alert.pk]) == 0  # already delivered: nobody hears it twice
    assert Notification.objects.count() == 1


def test_only_staff_who_handle_inventory_are_alerted(
    shop, tea_sku, django_capture_on_commit_callbacks
):
    editor = MembershipFactory(shop=shop, role="product_editor", user=UserFactory()).user
    service = MembershipFactory(shop=shop, role="customer_service", user=UserFactory()).user
    with django_capture_on_commit_callbacks(execute=True):
        sell(tea_sku, 8, "O-1")
    assert Notification.objects.filter(user=editor).count() == 1
    assert Notification.objects.filter(user=service).count() == 0


def test_raising_the_warning_line_above_stock_is_a_crossing(
    shop, tea_sku, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inventory.set_alert_settings(tea_sku, shop=shop, warning_line=12)
        inventory.set_alert_settings(tea_sku, shop=shop, warning_line=15)  # still low: no new one
    assert StockAlert.objects.count() == 1


def test_the_daily_recheck_is_one_statement_and_alerts_missed_crossings(shop, tea_sku):
    from django.test.utils import CaptureQueriesContext

    # A warning line changed behind the services' back (e.g. by a data migration).
    Sku.objects.filter(pk=tea_sku.pk).update(warning_line=50)
    with CaptureQueriesContext(connection) as queries:
        alert_ids = inventory.recheck_all_low_stock()
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1  # every SKU of every shop, in SQL, not a Python loop
    assert len(alert_ids) == 1
    assert inventory.recheck_all_low_stock() == []  # already alerted: nothing new
    Sku.objects.filter(pk=tea_sku.pk).update(warning_line=0)
    assert inventory.recheck_all_low_stock() == []
    assert StockAlert.objects.get().resolved_at is not None
    tea_sku.refresh_from_db()
    assert tea_sku.low_stock_alerted is False


def test_the_recheck_task_is_registered_with_celery_beat(db):
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("catalog.migrations.0003_beat_schedules")
    create = migration.Migration.operations[0].code  # the beat_schedules operation's function
    PeriodicTask.objects.filter(task="catalog.tasks.recheck_low_stock").delete()
    create(apps, None)
    create(apps, None)  # idempotent
    task = PeriodicTask.objects.get(task="catalog.tasks.recheck_low_stock")
    assert task.enabled and task.crontab.hour == "2"


def test_units_sold_counts_only_the_last_30_days(shop, tea_sku):
    from catalog import selectors

    sell(tea_sku, 2, "O-1")
    with connection.cursor() as cursor:  # age one sale past the window (bypassing the trigger)
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE catalog_stockmovement SET created_at = %s WHERE reference = 'O-1'",
            [timezone.now() - timedelta(days=31)],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")
    sell(tea_sku, 3, "O-2")
    assert selectors.units_sold([tea_sku.pk]) == {tea_sku.pk: 3}


@pytest.mark.parametrize(
    ("stock", "sold", "lead", "cover", "low", "high"),
    [
        (30, 30, 7, Decimal("30.0"), 0, 0),  # 1/day, 30 days left: nothing to order
        (5, 60, 3, Decimal("2.5"), 15, 31),  # 2/day: 2×10−5=15 … 2×18−5=31
        (0, 10, 0, Decimal("0.0"), 3, 5),  # 0.333/day: ceil(2.33)=3 … ceil(5)=5
    ],
)
def test_replenishment_arithmetic(stock, sold, lead, cover, low, high):
    suggestion = replenishment.suggest(stock=stock, units_sold=sold, lead_time_days=lead)
    assert suggestion.days_of_cover == cover
    assert (suggestion.order_min, suggestion.order_max) == (low, high)


def test_no_sales_means_no_order_and_no_cover_figure():
    suggestion = replenishment.suggest(stock=3, units_sold=0, lead_time_days=7)
    assert suggestion.days_of_cover is None
    assert suggestion.quantity == 0
