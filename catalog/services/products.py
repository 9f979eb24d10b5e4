"""Creating and editing products and their SKUs (the variant matrix).

`create_product()` and `update_product()` take a `ProductData` (what a form, the API or an import
row sends), check *all* of it first and raise one `ValidationError` naming every bad field
(`title`, `attributes.material`, `skus[2].price`, …), then write in one transaction: the product,
its SKUs, their opening stock (ledger rows through `catalog.services.inventory`) and the
denormalised listing columns. Nothing is half-written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import selectors, specs, text
from catalog.errors import CatalogError, ErrorCode
from catalog.models import Category, Product, Sku, StockMovement
from catalog.models.products import (
    MAX_SKUS,
    MAX_VARIANT_DIMENSIONS,
    TITLE_MAX_LENGTH,
    TITLE_MIN_LENGTH,
)
from compliance import audit
from compliance.models import ProhibitedWord
from compliance.words import find_prohibited

MAX_PRICE = Decimal("9999999999.99")
MAX_WEIGHT = Decimal("99999.999")
MAX_STOCK = 1_000_000
MAX_TAGS = 20
MAX_DESCRIPTION_LENGTH = 50_000
MAX_DIMENSION_NAME = 20
MAX_OPTION_VALUE = 30
LISTING_WORD_KINDS = (ProhibitedWord.Kind.ABSOLUTE_CLAIM, ProhibitedWord.Kind.PROHIBITED)
_SKU_CODE = re.compile(r"^[\w.\-/#+]{1,64}$")
_BARCODE = re.compile(r"^\d{8,14}$")


@dataclass
class SkuData:
    code: str
    price: object
    options: dict = field(default_factory=dict)
    cost_price: object = None
    weight: object = None
    barcode: str = ""
    stock: object = None  # opening stock, for new SKUs only
    warning_line: object = None
    lead_time_days: object = None
    id: int | None = None


@dataclass
class ProductData:
    category: Category | None
    title: str
    skus: list[SkuData] | None = None  # None on update: leave the SKUs as they are
    description: str = ""
    attributes: dict = field(default_factory=dict)
    variant_dimensions: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    search_keywords: str = ""
    slug: str = ""
    meta_title: str = ""
    meta_description: str = ""
    video_url: str = ""
    code: str = ""


class _Errors(dict):
    def add(self, key: str, message) -> None:
        self.setdefault(key, []).append(str(message))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


# --- Field checks (shared with imports and the SKU API) -------------------------------------------
def parse_decimal(value, *, places: int, maximum: Decimal, label: str, required: bool):
    """A Decimal with at most `places` decimals in [0, maximum], or ValueError(message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValueError(_("%(label)s is required.") % {"label": label})
        return None
    if isinstance(value, bool | float):
        # Floats are never money: 0.1 + 0.2 is not 0.3. The API and forms send Decimal or text.
        value = str(value) if isinstance(value, float) else value
        if isinstance(value, bool):
            raise ValueError(_("%(label)s must be a number.") % {"label": label})
    try:
        number = (
            Decimal(str(value).strip().replace(",", ""))
            if not isinstance(value, Decimal)
            else value
        )
    except (InvalidOperation, ValueError) as error:
        raise ValueError(_("%(label)s must be a number.") % {"label": label}) from error
    if not number.is_finite():
        raise ValueError(_("%(label)s must be a number.") % {"label": label})
    if number < 0:
        raise ValueError(_("%(label)s cannot be negative.") % {"label": label})
    if number.as_tuple().exponent < -places:
        raise ValueError(
            _("%(label)s has more than %(places)d decimal places: %(value)s.")
            % {"label": label, "places": places, "value": value}
        )
    if number > maximum:
        raise ValueError(_("%(label)s is too large.") % {"label": label})
    return number.quantize(Decimal(1).scaleb(-places))


def parse_int(value, *, label: str, minimum: int = 0, maximum: int = MAX_STOCK, default=None):
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        raise ValueError(_("%(label)s must be a whole number.") % {"label": label})
    if isinstance(value, int):
        number = value
    else:
        text_value = str(value).strip()
        if isinstance(value, Decimal | float) and value == int(value):
            text_value = str(int(value))
        if not re.fullmatch(r"[+-]?\d{1,9}", text_value):
            raise ValueError(_("%(label)s must be a whole number.") % {"label": label})
        number = int(text_value)
    if number < minimum:
        if minimum == 0:
            raise ValueError(_("%(label)s cannot be negative.") % {"label": label})
        raise ValueError(
            _("%(label)s must be at least %(min)d.") % {"label": label, "min": minimum}
        )
    if number > maximum:
        raise ValueError(_("%(label)s must be at most %(max)d.") % {"label": label, "max": maximum})
    return number


def check_listing_text(value: str, *, label: str) -> str | None:
    """The error for a prohibited or absolute-claim word in a title or description, or None."""
    hit = find_prohibited(value, kinds=LISTING_WORD_KINDS)
    if hit is None:
        return None
    if hit.kind == ProhibitedWord.Kind.ABSOLUTE_CLAIM:
        return _("%(label)s: “%(word)s” is an absolute claim that advertising law forbids.") % {
            "label": label,
            "word": hit.word,
        }
    return _("%(label)s: “%(word)s” may not be used in a listing.") % {
        "label": label,
        "word": hit.word,
    }


def option_key(options: dict, dimensions: list[str]) -> str:
    return " / ".join(str(options.get(name, "")) for name in dimensions)


def variant_matrix(dimensions: list[tuple[str, list[str]]]) -> list[dict]:
    """Every combination of the dimensions' values, as option dicts (colour × size × …)."""
    names = [name for name, _values in dimensions]
    combos = itertools.product(*[values for _name, values in dimensions]) if dimensions else [()]
    return [dict(zip(names, combo, strict=True)) for combo in combos]


# --- Validation -----------------------------------------------------------------------------------
@dataclass
class _Clean:
    fields: dict
    skus: list[dict] | None
    dimensions: list[str]


def _clean(data: ProductData, *, shop, product: Product | None) -> _Clean:
    errors = _Errors()
    cleaned: dict = {}

    category = data.category
    if category is None:
        errors.add("category", _("Choose a category."))
    elif not category.is_active:
        errors.add("category", _("This category is closed for new listings."))
    elif not category.is_leaf:
        errors.add(
            "category",
            _("Choose the most specific category (“%(name)s” has subcategories).")
            % {"name": category.label},
        )
    cleaned["category"] = category

    title = text.normalize_title(data.title)
    if len(title) < TITLE_MIN_LENGTH:
        errors.add(
            "title", _("The title needs at least %(min)d characters.") % {"min": TITLE_MIN_LENGTH}
        )
    elif len(title) > TITLE_MAX_LENGTH:
        errors.add(
            "title",
            _("The title may have at most %(max)d characters (it has %(n)d).")
            % {"max": TITLE_MAX_LENGTH, "n": len(title)},
        )
    else:
        message = check_listing_text(title, label=_("Title"))
        if message:
            errors.add("title", message)
    cleaned["title"] = title

    description = text.sanitize_description(data.description or "")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors.add("description", _("The description is too long."))
    else:
        message = check_listing_text(text.plain_text(description), label=_("Description"))
        if message:
            errors.add("description", message)
    cleaned["description"] = description

    if category is not None and category.is_leaf:
        definitions = selectors.attribute_template(category)
        attributes, attribute_errors = specs.clean_attributes(definitions, data.attributes or {})
        for code, message in attribute_errors.items():
            errors.add(f"attributes.{code}" if code else "attributes", message)
        cleaned["attributes"] = attributes

    code = (data.code or "").strip()
    if len(code) > 64:
        errors.add("code", _("At most 64 characters."))
    elif code:
        clash = Product.objects.for_shop(shop).filter(code=code)
        if product is not None:
            clash = clash.exclude(pk=product.pk)
        if clash.exists():
            errors.add(
                "code", _("Another of your products has the code “%(code)s”.") % {"code": code}
            )
    cleaned["code"] = code

    tags = []
    for tag in data.tags or []:
        tag = " ".join(str(tag).split())
        if not tag or tag in tags:
            continue
        if len(tag) > 30:
            errors.add("tags", _("Tags have at most 30 characters: “%(tag)s”.") % {"tag": tag})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        errors.add("tags", _("At most %(max)d tags.") % {"max": MAX_TAGS})
    cleaned["tags"] = tags

    keywords = ", ".join(text.split_keywords(data.search_keywords or ""))
    if len(keywords) > 200:
        errors.add("search_keywords", _("At most 200 characters of keywords."))
    cleaned["search_keywords"] = keywords

    for name, limit in (("meta_title", 70), ("meta_description", 160)):
        value = " ".join((getattr(data, name) or "").split())
        if len(value) > limit:
            errors.add(name, _("At most %(max)d characters.") % {"max": limit})
        cleaned[name] = value

    video_url = (data.video_url or "").strip()
    if video_url:
        try:
            URLValidator(schemes=["http", "https"])(video_url)
            if len(video_url) > 300:
                raise ValidationError("too long")
        except ValidationError:
            errors.add("video_url", _("Enter a full web address starting with https://."))
    cleaned["video_url"] = video_url

    slug_source = (data.slug or "").strip()
    slug = text.make_slug(slug_source or title, fallback=code or "product")
    if slug_source and slug != slug_source.lower():
        errors.add("slug", _("Use only letters, digits and hyphens in the slug."))
    cleaned["slug"] = slug

    # Variant dimensions and the SKU matrix
    dimensions: list[str] = []
    for raw in data.variant_dimensions or []:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if len(name) > MAX_DIMENSION_NAME:
            errors.add(
                "variant_dimensions",
                _("Dimension names have at most %(max)d characters.") % {"max": MAX_DIMENSION_NAME},
            )
        if name.casefold() in (d.casefold() for d in dimensions):
            errors.add(
                "variant_dimensions",
                _("The dimension “%(name)s” is listed twice.") % {"name": name},
            )
            continue
        dimensions.append(name)
    if len(dimensions) > MAX_VARIANT_DIMENSIONS:
        errors.add(
            "variant_dimensions",
            _("At most %(max)d variant dimensions (e.g. colour × size × material).")
            % {"max": MAX_VARIANT_DIMENSIONS},
        )
    cleaned["variant_dimensions"] = dimensions

    skus = None
    if data.skus is not None:
        skus = _clean_skus(data.skus, dimensions, errors, shop=shop, product=product)
    errors.raise_if_any()
    return _Clean(fields=cleaned, skus=skus, dimensions=dimensions)


def _clean_skus(rows: list[SkuData], dimensions, errors: _Errors, *, shop, product) -> list[dict]:
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


# --- Writing --------------------------------------------------------------------------------------
def _integrity_error(error: IntegrityError) -> ValidationError:
    message = str(error)
    if "catalog_sku_code_per_shop" in message:
        return ValidationError(
            {"skus": [_("A SKU code is already used by another of your products.")]}
        )
    if "catalog_product_code_per_shop" in message:
        return ValidationError({"code": [_("Another of your products has this code.")]})
    if "catalog_sku_options_once_per_product" in message:
        return ValidationError({"skus": [_("Two SKUs have the same options.")]})
    raise error


def _unique_slug(shop, slug: str, *, exclude_pk=None) -> str:
    existing = set(
        Product.objects.for_shop(shop)
        .filter(slug__startswith=slug)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if slug not in existing:
        return slug
    for n in itertools.count(2):
        candidate = f"{slug[:130]}-{n}"
        if candidate not in existing:
            return candidate
    raise AssertionError("unreachable")


def create_product(*, shop, actor, data: ProductData, audit_log: bool = True) -> Product:
    """A new draft product with its SKUs and opening stock. ValidationError names every problem."""
    if not shop.can_list_products:
        raise CatalogError(
            _("Your shop cannot list new products while it is %(state)s.")
            % {"state": shop.get_state_display()},
            code=ErrorCode.SHOP_CANNOT_LIST,
        )
    if data.skus is None:
        data.skus = []
    clean = _clean(data, shop=shop, product=None)
    try:
        with transaction.atomic():
            fields = dict(clean.fields)
            fields["slug"] = _unique_slug(shop, fields["slug"])
            product = Product.objects.create(
                shop=shop,
                currency=shop.currency,
                shop_name=shop.name,
                shop_slug=shop.slug,
                shop_visible=shop.is_visible,
                **fields,
            )
            _write_skus(product, clean.skus or [], actor=actor, new=True)
            from catalog.services.listing import refresh_listing

            refresh_listing(product, loaded=True)
            if audit_log:
                audit.record(
                    "catalog.product.created",
                    actor=actor,
                    obj=product,
                    shop_id=shop.pk,
                    after={"title": product.title, "skus": len(clean.skus or [])},
                )
    except IntegrityError as error:
        raise _integrity_error(error) from error
    return product


MODERATED_FIELDS = ("title", "description", "attributes", "category")


def update_product(
    product: Product, *, shop, actor, data: ProductData, audit_log: bool = True
) -> Product:
    """Save the edited product (and the SKU matrix when `data.skus` is not None).

    A live listing in a category that needs review goes back to review when a moderated field
    (title, description, specifications, category) changes.
    """
    if product.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    if not product.is_editable:
        raise CatalogError(
            _("A blocked listing cannot be edited; contact the platform."),
            code=ErrorCode.NOT_EDITABLE,
        )
    clean = _clean(data, shop=shop, product=product)
    try:
        with transaction.atomic():
            locked = Product.objects.select_for_update().get(pk=product.pk)
            fields = dict(clean.fields)
            if fields["slug"] != locked.slug:
                fields["slug"] = _unique_slug(shop, fields["slug"], exclude_pk=locked.pk)
            before = {name: getattr(locked, name) for name in fields}
            changed = [name for name in fields if before[name] != fields[name]]
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save()
            if clean.skus is not None:
                _write_skus(locked, clean.skus, actor=actor)
            from catalog.services.listing import recheck_after_edit, refresh_listing

            refresh_listing(locked)
            moderated = [name for name in changed if name in MODERATED_FIELDS]
            if moderated:
                recheck_after_edit(locked, actor=actor, changed=moderated)
            if audit_log and changed:
                audit.record(
                    "catalog.product.updated",
                    actor=actor,
                    obj=locked,
                    shop_id=shop.pk,
                    before={name: str(before[name])[:200] for name in changed},
                    after={name: str(fields[name])[:200] for name in changed},
                )
    except IntegrityError as error:
        raise _integrity_error(error) from error
    product.refresh_from_db()
    return product


def _write_skus(product: Product, rows: list[dict], *, actor, new: bool = False) -> None:
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


def delete_product(product: Product, *, shop, actor) -> None:
    """Only a product without any stock history may be deleted; others are delisted instead."""
    if product.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if StockMovement.objects.filter(sku__product=locked).exists():
            raise CatalogError(
                _("This product has stock history, so it cannot be deleted. Delist it instead."),
                code=ErrorCode.IN_USE,
            )
        if locked.state in (Product.State.LIVE, Product.State.BLOCKED):
            raise CatalogError(_("Delist the product before deleting it."), code=ErrorCode.IN_USE)
        from catalog.services.images import delete_image_files

        images = list(locked.images.all())
        audit.record(
            "catalog.product.deleted",
            actor=actor,
            obj=locked,
            shop_id=shop.pk,
            before={"title": locked.title},
        )
        locked.delete()
        transaction.on_commit(lambda: delete_image_files(images))


def update_sku(sku: Sku, *, shop, actor, **changes) -> Sku:
    """Change one SKU's code, price, cost, weight or barcode (stock changes go through
    `catalog.services.inventory`); the product's price columns follow."""
    product = sku.product
    rows = []
    for current in Sku.objects.filter(product=product, is_active=True).order_by("position", "id"):
        row = SkuData(
            id=current.pk,
            code=current.code,
            price=current.price,
            options=current.options,
            cost_price=current.cost_price,
            weight=current.weight,
            barcode=current.barcode,
            warning_line=current.warning_line,
            lead_time_days=current.lead_time_days,
        )
        if current.pk == sku.pk:
            for name, value in changes.items():
                setattr(row, name, value)
        rows.append(row)
    data = product_data_from(product, skus=rows)
    update_product(product, shop=shop, actor=actor, data=data)
    sku.refresh_from_db()
    return sku


def add_sku(product: Product, *, shop, actor, sku: SkuData) -> Sku:
    """One more variant for the product (its options must fit the product's dimensions)."""
    rows = [
        SkuData(
            id=current.pk,
            code=current.code,
            price=current.price,
            options=current.options,
            cost_price=current.cost_price,
            weight=current.weight,
            barcode=current.barcode,
        )
        for current in Sku.objects.filter(product=product, is_active=True).order_by(
            "position", "id"
        )
    ]
    rows.append(sku)
    update_product(product, shop=shop, actor=actor, data=product_data_from(product, skus=rows))
    return Sku.objects.get(product=product, code=sku.code.strip())


def product_data_from(product: Product, *, skus: list[SkuData] | None = None) -> ProductData:
    """The product as it is, as a ProductData (to change a few fields and save)."""
    return ProductData(
        category=product.category,
        title=product.title,
        skus=skus,
        description=product.description,
        attributes=dict(product.attributes or {}),
        variant_dimensions=list(product.variant_dimensions or []),
        tags=list(product.tags or []),
        search_keywords=product.search_keywords,
        slug=product.slug,
        meta_title=product.meta_title,
        meta_description=product.meta_description,
        video_url=product.video_url,
        code=product.code,
    )
