"""Telling a shop's staff: low-stock alerts with their replenishment suggestion, moderation news.

"Alert" means an in-app notification in the seller center plus an e-mail (SPEC §4), through
`marketplace.core.notifications.notify`, to every staff member whose role may use the section.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog import replenishment, selectors
from catalog.models import StockAlert
from marketplace.core.notifications import notify
from shops import roles
from shops.models import Membership


def recipients(shop_id: int, *, section: str) -> list:
    memberships = Membership.objects.filter(shop_id=shop_id, user__is_active=True).select_related(
        "user"
    )
    return [m.user for m in memberships if roles.can_use(m.role, section)]


def _link(name: str, default: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return default


def notify_shop(shop_id: int, *, section: str, title, body, params: dict, link: str = "") -> int:
    """One notification (+ e-mail) per staff member who may use `section`, in their language."""
    sent = 0
    for user in recipients(shop_id, section=section):
        with translation.override(user.preferred_language or translation.get_language()):
            notify(
                user,
                title=str(title) % params,
                body=str(body) % params,
                link=link,
                shop_id=shop_id,
            )
        sent += 1
    return sent


_CLAIM_SQL = """
UPDATE catalog_stockalert SET notified_at = NOW()
 WHERE id = ANY(%s) AND notified_at IS NULL
RETURNING id
"""


def deliver_stock_alerts(alert_ids: list[int]) -> int:
    """Compute each alert's replenishment suggestion and tell the shop's inventory staff.

    Alerts are claimed with a conditional UPDATE (`notified_at IS NULL`), so a retried or
    duplicated task notifies nobody twice. One notification per shop lists all its SKUs.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_CLAIM_SQL, [list(alert_ids)])
            claimed = [row[0] for row in cursor.fetchall()]
        if not claimed:
            return 0
        alerts = list(
            StockAlert.objects.filter(pk__in=claimed)
            .select_related("sku", "sku__product")
            .order_by("shop_id", "sku_id")
        )
        sold = selectors.units_sold(alert.sku_id for alert in alerts)
        by_shop: dict[int, list[StockAlert]] = defaultdict(list)
        for alert in alerts:
            suggestion = replenishment.suggest(
                stock=alert.sku.stock,
                units_sold=sold.get(alert.sku_id, 0),
                lead_time_days=alert.sku.lead_time_days,
            )
            alert.daily_velocity = suggestion.daily_velocity
            alert.days_of_cover = suggestion.days_of_cover
            alert.suggested_min = suggestion.order_min
            alert.suggested_quantity = suggestion.order_max
            by_shop[alert.shop_id].append(alert)
        StockAlert.objects.bulk_update(
            alerts, ["daily_velocity", "days_of_cover", "suggested_min", "suggested_quantity"]
        )
        link = _link("seller:inventory-alerts", "/seller/inventory/alerts/")
        for shop_id, shop_alerts in by_shop.items():
            for user in recipients(shop_id, section=roles.INVENTORY):
                with translation.override(user.preferred_language or translation.get_language()):
                    notify(
                        user,
                        title=_alert_title(shop_alerts),
                        body="\n".join(_alert_line(alert) for alert in shop_alerts),
                        link=link,
                        shop_id=shop_id,
                    )
        return len(alerts)


def _alert_title(alerts: list[StockAlert]) -> str:
    if len(alerts) == 1:
        return _("Low stock: %(sku)s") % {"sku": alerts[0].sku.code}
    return ngettext("Low stock: %(count)d SKU", "Low stock: %(count)d SKUs", len(alerts)) % {
        "count": len(alerts)
    }


def _alert_line(alert: StockAlert) -> str:
    sku = alert.sku
    name = f"{sku.code} · {sku.product.title}"
    if sku.option_label:
        name += f" ({sku.option_label})"
    line = _("%(name)s: %(stock)d left (warning line %(line)d).") % {
        "name": name,
        "stock": alert.stock,
        "line": alert.warning_line,
    }
    if alert.days_of_cover is None:
        return line + " " + _("No sales in the last 30 days.")
    return (
        line
        + " "
        + _(
            "Selling %(velocity)s a day: about %(days)s days of cover. Order %(quantity)d "
            "(at least %(minimum)d) to keep 7–15 days of cover with a %(lead)d-day lead time."
        )
        % {
            "velocity": alert.daily_velocity,
            "days": alert.days_of_cover,
            "quantity": alert.suggested_quantity,
            "minimum": alert.suggested_min,
            "lead": sku.lead_time_days,
        }
    )
