"""The SKU rows of a product (the variant matrix): checked row by row (`clean_skus`, messages
that name the row) and written to match (`write_skus`: kept, added, deactivated or deleted).
"""

from __future__ import annotations

import re

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Sku, StockMovement
from catalog.models.products import MAX_SKUS
from catalog.services.products.data import (
    MAX_OPTION_VALUE,
    MAX_PRICE,
    MAX_STOCK,
    MAX_WEIGHT,
    FieldErrors,
    SkuData,
    option_key,
    parse_decimal,
    parse_int,
)

_SKU_CODE = re.compile(r"^[\w.\-/#+]{1,64}$")
_BARCODE = re.compile(r"^\d{8,14}$")


def clean_skus(
    rows: list[SkuData], dimensions, errors: FieldErrors, *, shop, product
) -> list[dict]:
    if not rows:
        errors.add("skus", _("Add at least one SKU with its price."))
        return []
    if len(rows) > MAX_SKUS:
        errors.add("skus", _("At most %(max)d SKUs per product.") % {"max": MAX_SKUS})
        return []
    cleaned = []
    seen_codes: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for index, row in enumerate(rows):
        prefix = f"skus[{index}]"
        item: dict = {"id": row.id}
        code = (row.code or "").strip()
        if not code:
            errors.add(
                f"{prefix}.code", _("Row %(row)d: the SKU code is required.") % {"row": index + 1}
            )
        elif not _SKU_CODE.match(code):
            errors.add(
                f"{prefix}.code",
                _(
                    "Row %(row)d: SKU codes use letters, digits and . - _ / # + (at most 64), "
                    "no spaces: “%(code)s”."
                )
                % {"row": index + 1, "code": code},
            )
        elif code.casefold() in seen_codes:
            errors.add(
                f"{prefix}.code",
                _("Row %(row)d: the SKU code “%(code)s” is also used in row %(other)d.")
                % {"row": index + 1, "code": code, "other": seen_codes[code.casefold()] + 1},
            )
        else:
            seen_codes[code.casefold()] = index
        item["code"] = code

        options = row.options or {}
        if not isinstance(options, dict):
            options = {}
        names = [" ".join(str(name).split()) for name in options]
        clean_options = {
            " ".join(str(k).split()): " ".join(str(v).split()) for k, v in options.items()
        }
        if set(names) != set(dimensions):
            if dimensions:
                errors.add(
                    f"{prefix}.options",
                    _("Row %(row)d: give a value for each of %(dims)s.")
                    % {"row": index + 1, "dims": ", ".join(dimensions)},
                )
            else:
                errors.add(
                    f"{prefix}.options",
                    _("Row %(row)d: this product has no variant dimensions.") % {"row": index + 1},
                )
        elif any(not value or len(value) > MAX_OPTION_VALUE for value in clean_options.values()):
            errors.add(
                f"{prefix}.options",
                _("Row %(row)d: option values have 1 to %(max)d characters.")
                % {"row": index + 1, "max": MAX_OPTION_VALUE},
            )
        else:
            ordered = {name: clean_options[name] for name in dimensions}
            key = option_key(ordered, dimensions)
            if key.casefold() in seen_keys:
                errors.add(
                    f"{prefix}.options",
                    _("Row %(row)d: the variant “%(key)s” is also in row %(other)d.")
                    % {"row": index + 1, "key": key, "other": seen_keys[key.casefold()] + 1},
                )
            seen_keys[key.casefold()] = index
            item["options"], item["option_key"] = ordered, key

        for name, label, places, maximum, required in (
            ("price", _("Price"), 2, MAX_PRICE, True),
            ("cost_price", _("Cost price"), 2, MAX_PRICE, False),
            ("weight", _("Weight"), 3, MAX_WEIGHT, False),
        ):
            try:
                item[name] = parse_decimal(
                    getattr(row, name),
                    places=places,
                    maximum=maximum,
                    label=label,
                    required=required,
                )
            except ValueError as error:
                errors.add(
                    f"{prefix}.{name}",
                    _("Row %(row)d: %(error)s") % {"row": index + 1, "error": error},
                )

        barcode = (row.barcode or "").strip()
        if barcode and not _BARCODE.match(barcode):
            errors.add(
                f"{prefix}.barcode",
                _("Row %(row)d: a barcode has 8 to 14 digits.") % {"row": index + 1},
            )
        item["barcode"] = barcode

        for name, label, maximum, default in (
            ("stock", _("Stock"), MAX_STOCK, None),
            ("warning_line", _("Warning line"), MAX_STOCK, None),
            ("lead_time_days", _("Lead time"), 365, None),
        ):
            try:
                item[name] = parse_int(
                    getattr(row, name), label=label, maximum=maximum, default=default
                )
            except ValueError as error:
                errors.add(
                    f"{prefix}.{name}",
                    _("Row %(row)d: %(error)s") % {"row": index + 1, "error": error},
                )
        cleaned.append(item)

    # Codes already used by other products of the shop (or by removed SKUs of this one).
    codes = [item["code"] for item in cleaned if item.get("code")]
    if codes and not errors:
        taken = Sku.objects.for_shop(shop).filter(code__in=codes)
        mine = {}
        if product is not None:
            mine = {sku.pk: sku for sku in product.skus.all()}
        for sku in taken.only("id", "code", "product_id", "option_key", "is_active"):
            index = next(i for i, item in enumerate(cleaned) if item.get("code") == sku.code)
            item = cleaned[index]
            if product is not None and sku.product_id == product.pk:
                matched_by_id = item.get("id") == sku.pk
                matched_by_key = (
                    item.get("id") is None and item.get("option_key") == mine[sku.pk].option_key
                )
                if matched_by_id or matched_by_key:
                    continue
                other_row = next(
                    (
                        i
                        for i, other in enumerate(cleaned)
                        if other.get("id") == sku.pk
                        or (other.get("id") is None and other.get("option_key") == sku.option_key)
                    ),
                    None,
                )
                if other_row is not None:
                    continue  # the SKU is kept by another row and changes code: checked by the DB
            errors.add(
                f"skus[{index}].code",
                _(
                    "Row %(row)d: the SKU code “%(code)s” is already used by another of your "
                    "products."
                )
                % {"row": index + 1, "code": sku.code},
            )
    return cleaned


def write_skus(product: Product, rows: list[dict], *, actor, new: bool = False) -> None:
    """Make the product's SKUs match `rows`: match by id, else by options; the unmatched ones are
    deleted (no stock history) or deactivated (history kept). New SKUs get their opening stock
    as a "received" movement."""
    from catalog.services import inventory

    existing = (
        {}
        if new
        else {
            sku.pk: sku
            for sku in Sku.objects.select_for_update().filter(product=product).order_by("pk")
        }
    )
    by_key = {sku.option_key: sku for sku in existing.values()}
    kept: set[int] = set()
    new_lines: dict[int, int] = {}  # warning lines that change: a crossing may raise an alert
    to_update, to_create, opening = [], [], []
    for position, row in enumerate(rows):
        sku = existing.get(row.get("id")) if row.get("id") else None
        if sku is None:
            candidate = by_key.get(row["option_key"])
            if candidate is not None and candidate.pk not in kept:
                sku = candidate
        values = {
            "code": row["code"],
            "options": row["options"],
            "option_key": row["option_key"],
            "position": position,
            "price": row["price"],
            "cost_price": row["cost_price"],
            "weight": row["weight"],
            "barcode": row["barcode"],
            "is_active": True,
        }
        if row.get("warning_line") is not None:
            values["warning_line"] = row["warning_line"]
        if row.get("lead_time_days") is not None:
            values["lead_time_days"] = row["lead_time_days"]
        if sku is not None:
            kept.add(sku.pk)
            if "warning_line" in values and values["warning_line"] != sku.warning_line:
                new_lines[sku.pk] = values.pop("warning_line")
            for name, value in values.items():
                setattr(sku, name, value)
            to_update.append(sku)
        else:
            sku = Sku(shop_id=product.shop_id, product=product, **values)
            to_create.append((sku, row.get("stock") or 0))
    removed = [sku for pk, sku in existing.items() if pk not in kept]
    if removed:
        with_history = set(
            StockMovement.objects.filter(sku__in=removed)
            .values_list("sku_id", flat=True)
            .distinct()
        )
        deletable = [sku.pk for sku in removed if sku.pk not in with_history]
        if deletable:
            Sku.objects.filter(pk__in=deletable).delete()
        keep_history = [sku for sku in removed if sku.pk in with_history]
        for sku in keep_history:
            # Free the option key (and keep the code) of a deactivated SKU.
            sku.is_active = False
            sku.option_key = f"~{sku.pk}"
            sku.position = 1000 + sku.position
        if keep_history:
            Sku.objects.bulk_update(keep_history, ["is_active", "option_key", "position"])
    if to_update:
        # Two kept SKUs may swap codes or keys: move them out of the way first.
        Sku.objects.filter(pk__in=[sku.pk for sku in to_update]).update(
            option_key=_temporary_value(), code=_temporary_value()
        )
        now = timezone.now()
        for sku in to_update:
            sku.updated_at = now
        Sku.objects.bulk_update(
            to_update,
            [
                "code",
                "options",
                "option_key",
                "position",
                "price",
                "cost_price",
                "weight",
                "barcode",
                "is_active",
                "warning_line",
                "lead_time_days",
                "updated_at",
            ],
        )
    for sku_id, line in new_lines.items():
        inventory.set_alert_settings(existing[sku_id], shop=product.shop_id, warning_line=line)
    if to_create:
        now = timezone.now()
        new = []
        for sku, stock in to_create:
            sku.created_at = sku.updated_at = now
            sku.low_stock_alerted = stock <= sku.warning_line
            new.append(sku)
        Sku.objects.bulk_create(new)
        opening = [(sku.pk, stock) for sku, stock in to_create if stock]
        if opening:
            inventory.receive_many(opening, actor=actor, reason=_("Opening stock"))


def _temporary_value():
    """ "~tmp~<id>": a value no real SKU code or option key can have."""
    return Concat(Value("~tmp~"), Cast(F("id"), output_field=CharField()))
