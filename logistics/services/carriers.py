"""The platform's carriers and each shop's choice among them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from compliance import audit
from logistics.errors import ErrorCode, LogisticsError
from logistics.models import Carrier, ShopCarrier
from logistics.services.locks import CARRIERS_LOCK, lock_shop

CARRIERS_FILE = Path(__file__).resolve().parent.parent / "data" / "carriers_cn.json"


@transaction.atomic
def set_shop_carriers(
    *,
    shop,
    actor,
    carrier_ids: Iterable[int],
    default_id: int | None = None,
    account_numbers: Mapping[int, str] | None = None,
    request=None,
) -> list[ShopCarrier]:
    """Make the shop work with exactly `carrier_ids` (active carriers), `default_id` the default
    (the first chosen when None). An unknown or inactive carrier changes nothing."""
    wanted = list(dict.fromkeys(int(pk) for pk in carrier_ids))
    carriers = {c.pk: c for c in Carrier.objects.filter(is_active=True, pk__in=wanted)}
    if len(carriers) != len(wanted):
        raise LogisticsError(
            _("Choose among the platform's active carriers."),
            code=ErrorCode.INVALID_CARRIER,
            field="carriers",
        )
    if default_id is not None and default_id not in carriers:
        raise LogisticsError(
            _("The default carrier must be one of the carriers you choose."),
            code=ErrorCode.INVALID_CARRIER,
            field="default",
        )
    if default_id is None and wanted:
        default_id = wanted[0]
    account_numbers = account_numbers or {}
    for number in account_numbers.values():
        if len(number or "") > 60:
            raise LogisticsError(
                _("An account number has at most 60 characters."),
                code=ErrorCode.INVALID_CARRIER,
                field="account_numbers",
            )

    lock_shop(CARRIERS_LOCK, shop.pk)
    existing = {link.carrier_id: link for link in ShopCarrier.objects.for_shop(shop)}
    before = {
        "carriers": sorted(existing),
        "default": next((pk for pk, link in existing.items() if link.is_default), None),
    }
    ShopCarrier.objects.for_shop(shop).exclude(carrier_id__in=wanted).delete()
    ShopCarrier.objects.for_shop(shop).filter(is_default=True).update(is_default=False)
    links = []
    for pk in wanted:
        link = existing.get(pk) or ShopCarrier(shop=shop, carrier=carriers[pk])
        link.is_default = pk == default_id
        if pk in account_numbers:
            link.account_number = (account_numbers[pk] or "").strip()
        link.save()
        links.append(link)
    after = {"carriers": sorted(wanted), "default": default_id}
    if before != after or account_numbers:
        audit.record(
            "logistics.shop_carriers.changed",
            actor=actor,
            shop_id=shop.pk,
            before=before,
            after=after,
            request=request,
        )
    return links


@transaction.atomic
def seed_carriers() -> list[Carrier]:
    """The carriers of `logistics/data/carriers_cn.json`, created when missing (idempotent)."""
    rows = json.loads(CARRIERS_FILE.read_text(encoding="utf-8"))["carriers"]
    carriers = []
    for row in rows:
        defaults = {key: value for key, value in row.items() if key != "code"}
        carrier, _created = Carrier.objects.get_or_create(code=row["code"], defaults=defaults)
        carriers.append(carrier)
    return carriers
