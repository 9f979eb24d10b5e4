"""Listing columns, the search index and the listing state machine (publish, delist, moderate).

`refresh_listings(ids)` recomputes every denormalised column of the given products (prices,
stock, cover image, shop and category columns, quality score, search vector) with a fixed number
of queries whatever the number of products, and writes them in one bulk UPDATE. Every service
that changes what those columns summarise calls it in the same transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import quality, selectors, specs, text
from catalog.errors import CatalogError, ErrorCode
from catalog.models import AttributeDefinition, Product, ProductImage, Sku
from catalog.storefront import search
from compliance import audit
from marketplace.core.states import transition

State = Product.State
LISTING_FIELDS = [
    "min_price", "max_price", "total_stock", "image_count", "main_image_thumb", "main_image_list",
    "shop_name", "shop_slug", "shop_visible", "category_path", "quality_score", "quality_issues",
    "search_vector", "currency",
]  # fmt: skip


def templates_for(category_ids: Iterable[int], categories: dict) -> dict[int, list]:
    """Attribute templates of several categories with one query."""
    wanted = {pk for pk in category_ids if pk in categories}
    ancestor_ids = {a for pk in wanted for a in categories[pk].ancestor_ids} | wanted
    rows = list(AttributeDefinition.objects.filter(category_id__in=ancestor_ids))
    templates = {}
    for pk in wanted:
        trail = categories[pk].ancestor_ids or [pk]
        depth = {cid: index for index, cid in enumerate(trail)}
        merged: dict[str, AttributeDefinition] = {}
        for row in sorted(
            (r for r in rows if r.category_id in depth),
            key=lambda r: (depth[r.category_id], r.position, r.pk),
        ):
            merged[row.code] = row
        templates[pk] = list(merged.values())
    return templates


def search_document(product: Product, *, categories: dict, template, skus) -> str:
    """The weighted tsvector literal of a product (see catalog.storefront.search)."""
    trail = (
        selectors.category_trail(categories[product.category_id], categories=categories)
        if (product.category_id in categories)
        else []
    )
    by_code = {definition.code: definition for definition in template}
    attribute_texts = []
    for code, value in (product.attributes or {}).items():
        definition = by_code.get(code)
        if definition is not None:
            attribute_texts.extend(specs.search_texts(definition, value))
    option_texts = [str(value) for sku in skus for value in (sku.options or {}).values()]
    return search.search_vector_value(
        [
            ("A", [product.title]),
            ("B", [*text.split_keywords(product.search_keywords), *(product.tags or [])]),
            ("C", [name for node in trail for name in (node.name, node.name_zh)]),
            (
                "D",
                [*attribute_texts, *dict.fromkeys(option_texts), product.shop_name, product.code],
            ),
        ]
    )


_COLUMN_TYPES = {
    "min_price": "numeric", "max_price": "numeric", "total_stock": "integer",
    "image_count": "smallint", "main_image_thumb": "varchar", "main_image_list": "varchar",
    "shop_name": "varchar", "shop_slug": "varchar", "shop_visible": "boolean",
    "category_path": "varchar", "quality_score": "smallint", "quality_issues": "jsonb",
    "search_vector": "tsvector", "currency": "varchar",
}  # fmt: skip


def compute_listings(products: list[Product]) -> dict[int, dict]:
    """The listing column values of `products` (with `shop` loaded), with a fixed number of
    queries: active SKUs, images, the attribute templates (categories come from the cache)."""
    ids = [product.pk for product in products]
    skus_by_product: dict[int, list[Sku]] = defaultdict(list)
    for sku in Sku.objects.filter(product_id__in=ids, is_active=True).only(
        "id", "product_id", "price", "stock", "options"
    ):
        skus_by_product[sku.product_id].append(sku)
    images_by_product: dict[int, list] = defaultdict(list)
    for image in (
        ProductImage.objects.filter(product_id__in=ids)
        .exclude(status=ProductImage.Status.FAILED)
        .order_by("product_id", "position", "id")
        .values("product_id", "kind", "status", "thumbnail", "list_size")
    ):
        images_by_product[image["product_id"]].append(image)
    categories = selectors.category_map()
    templates = templates_for({p.category_id for p in products}, categories)

    result = {}
    for product in products:
        shop = product.shop
        skus = skus_by_product.get(product.pk, [])
        prices = [sku.price for sku in skus]
        images = images_by_product.get(product.pk, [])
        ready = [image for image in images if image["status"] == ProductImage.Status.READY]
        cover = next((i for i in ready if i["kind"] == ProductImage.Kind.MAIN), None) or (
            ready[0] if ready else None
        )
        category = categories.get(product.category_id)
        template = templates.get(product.category_id, [])
        assessment = quality.assess(
            title=product.title,
            description_text=text.plain_text(product.description),
            image_count=len(images),
            missing_required=specs.missing_required(template, product.attributes),
            keywords=text.split_keywords(product.search_keywords),
            has_video=bool(product.video_url),
        )
        product.shop_name = shop.name  # the search document includes it
        result[product.pk] = {
            "min_price": min(prices) if prices else None,
            "max_price": max(prices) if prices else None,
            "total_stock": sum(sku.stock for sku in skus),
            "image_count": len(images),
            "main_image_thumb": cover["thumbnail"] if cover else "",
            "main_image_list": cover["list_size"] if cover else "",
            "shop_name": shop.name,
            "shop_slug": shop.slug,
            "shop_visible": shop.is_visible,
            "category_path": category.path if category else "",
            "quality_score": assessment.score,
            "quality_issues": assessment.issues,
            "search_vector": search_document(
                product, categories=categories, template=template, skus=skus
            ),
            "currency": shop.currency,
        }
    return result


def _write_listings(values: dict[int, dict]) -> None:
    """One UPDATE … FROM (VALUES …) for every product (fast for thousands of rows)."""
    columns = LISTING_FIELDS
    row_sql = "(" + ", ".join(["%s::bigint"] + [f"%s::{_COLUMN_TYPES[c]}" for c in columns]) + ")"
    items = sorted(values.items())
    for start in range(0, len(items), 1000):
        chunk = items[start : start + 1000]
        params: list = []
        for pk, row in chunk:
            params.append(pk)
            for column in columns:
                value = row[column]
                params.append(json.dumps(value) if column == "quality_issues" else value)
        assignments = ", ".join(f"{c} = v.{c}" for c in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE catalog_product AS p SET {assignments} "  # noqa: S608 - fixed names
                f"FROM (VALUES {', '.join([row_sql] * len(chunk))}) "
                f"AS v(id, {', '.join(columns)}) WHERE p.id = v.id",
                params,
            )


def refresh_listings(product_ids: Iterable[int]) -> int:
    """Recompute and store the listing columns of these products; returns how many."""
    ids = sorted(set(product_ids))
    if not ids:
        return 0
    products = list(Product.objects.filter(pk__in=ids).select_related("shop").order_by("pk"))
    values = compute_listings(products)
    _write_listings(values)
    return len(products)


def refresh_listing(product: Product, *, loaded: bool = False) -> None:
    """Recompute one product's listing columns and set them on `product` too.

    `loaded=True`: `product` (with its shop) is current, no need to read it again."""
    fresh = product if loaded else Product.objects.select_related("shop").get(pk=product.pk)
    values = compute_listings([fresh])[product.pk]
    _write_listings({product.pk: values})
    values.pop("search_vector")
    for name, value in values.items():
        setattr(product, name, value)


def sync_shop_listings(shop) -> int:
    """Copy a shop's name, slug, visibility and currency onto its products (one UPDATE).

    For the shops chapter to call (through a domain event) when a shop is renamed, suspended or
    reopened; the search vectors follow through `catalog.tasks.refresh_listings`.
    """
    return Product.objects.filter(shop=shop).update(
        shop_name=shop.name,
        shop_slug=shop.slug,
        shop_visible=shop.is_visible,
        currency=shop.currency,
    )


# --- State machine --------------------------------------------------------------------------------
def publish_blockers(product: Product, *, shop) -> list[str]:
    """Why the product cannot be published yet (empty when it can)."""
    problems: list[str] = []
    if product.published_at is None and not shop.can_list_products:
        problems.append(
            _("Your shop cannot list new products while it is %(state)s.")
            % {"state": shop.get_state_display()}
        )
    elif not shop.is_visible:
        problems.append(_("Your shop is %(state)s.") % {"state": shop.get_state_display()})
    category = product.category
    if not category.is_active or not category.is_leaf:
        problems.append(_("Move the product to an open, most specific category."))
    skus = list(product.skus.filter(is_active=True).values_list("code", "price"))
    if not skus:
        problems.append(_("Add at least one SKU."))
    for code, price in skus:
        if price <= 0:
            problems.append(_("Give SKU “%(code)s” a price above zero.") % {"code": code})
    statuses = list(product.images.values_list("status", flat=True))
    if ProductImage.Status.READY not in statuses:
        if ProductImage.Status.PENDING in statuses:
            problems.append(_("Wait until the images are processed (a few seconds)."))
        else:
            problems.append(_("Add at least one image."))
    missing = specs.missing_required(selectors.attribute_template(category), product.attributes)
    if missing:
        problems.append(
            _("Fill in the required specifications: %(names)s.") % {"names": ", ".join(missing)}
        )
    from catalog.services.products import check_listing_text

    for value, label in (
        (product.title, _("Title")),
        (text.plain_text(product.description), _("Description")),
    ):
        message = check_listing_text(value, label=label)
        if message:
            problems.append(message)
    return problems


def _states_changes(**extra):
    return {"state_changed_at": timezone.now(), **extra}


def publish_product(product: Product, *, shop, actor) -> Product:
    """Put a draft or delisted product on sale: live, or pending review where the category (or a
    previous block) asks for it. Refused with every missing item named."""
    if product.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    problems = publish_blockers(product, shop=shop)
    if problems:
        raise CatalogError(" ".join(problems), code=ErrorCode.NOT_READY)
    target = State.PENDING_REVIEW if product.category.requires_review else State.LIVE
    changes = _states_changes(state_reason="")
    if target == State.LIVE and product.published_at is None:
        changes["published_at"] = timezone.now()
    with transaction.atomic():
        transition(product, to=target, actor=actor, changes=changes)
        audit.record(f"catalog.product.{target}", actor=actor, obj=product, shop_id=shop.pk)
    return product


def delist_product(product: Product, *, shop, actor, reason: str = "") -> Product:
    """Take a live product off sale (or withdraw one from review back to draft)."""
    if product.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    target = State.DRAFT if product.state == State.PENDING_REVIEW else State.DELISTED
    with transaction.atomic():
        transition(product, to=target, actor=actor, reason=reason, changes=_states_changes())
        audit.record(
            f"catalog.product.{target}", actor=actor, obj=product, shop_id=shop.pk, reason=reason
        )
    return product


def recheck_after_edit(product: Product, *, actor, changed: list[str]) -> None:
    """A live listing whose category needs review goes back to review after a moderated change."""
    if product.state == State.LIVE and product.category.requires_review:
        transition(
            product,
            to=State.PENDING_REVIEW,
            actor=actor,
            reason=_("Changed: %(fields)s") % {"fields": ", ".join(changed)},
            changes=_states_changes(),
        )


# --- Platform moderation (Django admin) -----------------------------------------------------------
MODERATION_NOTICES = {
    State.LIVE: (gettext_lazy("Listing approved: %(title)s"), gettext_lazy("It is live now.")),
    State.DRAFT: (
        gettext_lazy("Listing not approved: %(title)s"),
        gettext_lazy("Reason: %(reason)s. Correct it and publish again."),
    ),
    State.BLOCKED: (
        gettext_lazy("Listing blocked by the platform: %(title)s"),
        gettext_lazy("Reason: %(reason)s."),
    ),
    State.DELISTED: (
        gettext_lazy("Block lifted: %(title)s"),
        gettext_lazy("You can publish the listing again. %(reason)s"),
    ),
}


def _moderate(product: Product, *, to: str, actor, reason: str, require_reason: bool) -> Product:
    reason = " ".join((reason or "").split())
    if require_reason and not reason:
        raise CatalogError(
            _("Give a reason; the seller will read it."), code=ErrorCode.INVALID, field="reason"
        )
    changes = _states_changes(state_reason=reason)
    if to == State.LIVE and product.published_at is None:
        changes["published_at"] = timezone.now()
    with transaction.atomic():
        before = product.state
        transition(product, to=to, actor=actor, reason=reason, changes=changes)
        audit.record(
            f"catalog.product.moderated.{to}",
            actor=actor,
            obj=product,
            shop_id=product.shop_id,
            before={"state": before},
            after={"state": to},
            reason=reason,
        )
        from catalog.services.alerts import notify_shop

        title, body = MODERATION_NOTICES[to]
        notify_shop(
            product.shop_id,
            section="products",
            title=title,
            body=body,
            params={"title": product.title, "reason": reason},
            link=reverse("seller:product-detail", kwargs={"product_id": product.pk}),
        )
    return product


def approve_product(product: Product, *, actor, reason: str = "") -> Product:
    return _moderate(product, to=State.LIVE, actor=actor, reason=reason, require_reason=False)


def reject_product(product: Product, *, actor, reason: str) -> Product:
    return _moderate(product, to=State.DRAFT, actor=actor, reason=reason, require_reason=True)


def block_product(product: Product, *, actor, reason: str) -> Product:
    return _moderate(product, to=State.BLOCKED, actor=actor, reason=reason, require_reason=True)


def unblock_product(product: Product, *, actor, reason: str = "") -> Product:
    return _moderate(product, to=State.DELISTED, actor=actor, reason=reason, require_reason=False)
