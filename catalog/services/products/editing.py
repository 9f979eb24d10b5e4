"""Creating, editing and deleting products: each checks everything first, then writes in one
transaction with its audit row.
"""

from __future__ import annotations

import itertools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.errors import CatalogError, ErrorCode
from catalog.models import Product, Sku, StockMovement
from catalog.services.products.data import ProductData, SkuData, product_data_from
from catalog.services.products.skus import write_skus
from catalog.services.products.validation import clean_product
from compliance import audit


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
    clean = clean_product(data, shop=shop, product=None)
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
            write_skus(product, clean.skus or [], actor=actor, new=True)
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
    clean = clean_product(data, shop=shop, product=product)
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
                write_skus(locked, clean.skus, actor=actor)
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
