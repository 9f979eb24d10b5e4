"""Product images: upload (checked at once), processing (Celery), order, kind, removal.

An upload is checked synchronously with Pillow's header reader (`marketplace.core.images.
open_checked`: real JPEG/PNG/WebP, byte and pixel limits, so a fake or a bomb is refused with a
clear message before anything is stored). The accepted file is kept in private storage until
`process_image()` (run by `catalog.tasks.process_product_image`) decodes it, applies the EXIF
orientation, drops all metadata and writes the thumbnail, list and detail sizes as WebP to the
public storage; the private original is then deleted.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from catalog.errors import CatalogError, ErrorCode
from catalog.models import Product, ProductImage
from catalog.models.products import MAX_IMAGES
from marketplace.core.images import ImageRejected, ImageSpec, open_checked
from marketplace.core.images import process_image as make_variants

PRODUCT_IMAGE_SPEC = ImageSpec(
    sizes={"thumbnail": (240, 240), "list": (480, 480), "detail": (1200, 1200)},
    mode="contain",
    max_bytes=8 * 1024 * 1024,
    max_pixels=40_000_000,
    min_side=200,
)


def add_images(
    product: Product, files: list, *, shop, actor=None, kind: str = ProductImage.Kind.MAIN
) -> list[ProductImage]:
    """Check and store uploads as new images at the end of the product's gallery.

    All files are checked before any is stored: one bad file refuses the whole upload, naming it.
    """
    if product.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    if kind not in ProductImage.Kind.values:
        raise CatalogError(_("Unknown image kind."), code=ErrorCode.INVALID, field="kind")
    if not files:
        raise CatalogError(_("Choose at least one image."), code=ErrorCode.INVALID, field="images")
    for upload in files:
        try:
            open_checked(
                upload,
                max_bytes=PRODUCT_IMAGE_SPEC.max_bytes,
                max_pixels=PRODUCT_IMAGE_SPEC.max_pixels,
                min_side=PRODUCT_IMAGE_SPEC.min_side,
            )
        except ImageRejected as error:
            name = getattr(upload, "name", "") or _("the file")
            raise CatalogError(
                f"{name}: {error.message}", code=error.code, field="images"
            ) from error
        upload.seek(0)
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if not locked.is_editable:
            raise CatalogError(
                _("A blocked listing cannot be edited."), code=ErrorCode.NOT_EDITABLE
            )
        count = locked.images.count()
        if count + len(files) > MAX_IMAGES:
            raise CatalogError(
                _(
                    "A product has at most %(max)d images; it has %(count)d, so add at most "
                    "%(left)d more."
                )
                % {"max": MAX_IMAGES, "count": count, "left": max(MAX_IMAGES - count, 0)},
                code=ErrorCode.TOO_MANY_IMAGES,
                field="images",
            )
        position = (locked.images.aggregate(top=Max("position"))["top"] or 0) + (1 if count else 0)
        created = []
        for offset, upload in enumerate(files):
            image = ProductImage(
                shop_id=shop.pk, product=locked, kind=kind, position=position + offset
            )
            image.source.save(uuid.uuid4().hex, upload, save=False)
            created.append(image)
        ProductImage.objects.bulk_create(created)
        from catalog.services.listing import recheck_after_edit, refresh_listing

        refresh_listing(locked)
        recheck_after_edit(locked, actor=actor, changed=["images"])
        ids = [image.pk for image in created]
        from catalog import tasks

        transaction.on_commit(lambda: [tasks.process_product_image.delay(pk) for pk in ids])
    return created


def process_image(image_id: int) -> bool:
    """Make the clean sizes of one uploaded image (idempotent: a processed image is skipped)."""
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.status != ProductImage.Status.PENDING or not image.source:
        return False
    try:
        with image.source.open("rb") as source:
            processed = make_variants(source, spec=PRODUCT_IMAGE_SPEC)
    except ImageRejected as error:
        ProductImage.objects.filter(pk=image_id).update(
            status=ProductImage.Status.FAILED, error=str(error.message)[:300], source=""
        )
        _delete_source(image)
        _refresh(image.product_id)
        return False
    except FileNotFoundError:
        ProductImage.objects.filter(pk=image_id).update(
            status=ProductImage.Status.FAILED, error=_("The uploaded file is missing.")
        )
        return False
    stem = f"catalog/products/{image.shop_id}/{image.product_id}/{image.pk}-{uuid.uuid4().hex[:8]}"
    names = {}
    for size, data in processed.variants.items():
        names[size] = default_storage.save(
            f"{stem}-{size}.{processed.extension}", ContentFile(data)
        )
    with transaction.atomic():
        updated = ProductImage.objects.filter(
            pk=image_id, status=ProductImage.Status.PENDING
        ).update(
            status=ProductImage.Status.READY,
            thumbnail=names["thumbnail"],
            list_size=names["list"],
            detail_size=names["detail"],
            width=processed.width,
            height=processed.height,
            error="",
            source="",
        )
        if not updated:  # processed meanwhile, or removed: drop what we wrote
            transaction.on_commit(lambda: [default_storage.delete(n) for n in names.values()])
            return False
        _refresh(image.product_id)
    _delete_source(image)
    return True


def _refresh(product_id: int) -> None:
    from catalog.services.listing import refresh_listings

    refresh_listings([product_id])


def _delete_source(image: ProductImage) -> None:
    if image.source:
        image.source.storage.delete(image.source.name)


def delete_image_files(images) -> None:
    """Delete the files of removed images, except those another image still shows (the demo
    catalogue shares its generated pictures between products)."""
    images = list(images)
    names = {n for i in images for n in (i.thumbnail, i.list_size, i.detail_size) if n}
    still_used = set()
    if names:
        for row in ProductImage.objects.filter(thumbnail__in=names).values_list(
            "thumbnail", "list_size", "detail_size"
        ):
            still_used.update(row)
    for image in images:
        for name in (image.thumbnail, image.list_size, image.detail_size):
            if name and name not in still_used:
                default_storage.delete(name)
        _delete_source(image)


def remove_image(image: ProductImage, *, shop, actor=None) -> None:
    """Remove one image; a live listing keeps at least one."""
    if image.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=image.product_id)
        if product.state == Product.State.LIVE and product.images.count() <= 1:
            raise CatalogError(
                _("A live listing needs at least one image: add another one first."),
                code=ErrorCode.INVALID,
                field="images",
            )
        ProductImage.objects.filter(pk=image.pk).delete()
        _renumber(product)
        from catalog.services.listing import refresh_listing

        refresh_listing(product)
        transaction.on_commit(lambda: delete_image_files([image]))


def _renumber(product: Product) -> None:
    images = list(product.images.order_by("position", "id"))
    for index, image in enumerate(images):
        image.position = index
    ProductImage.objects.bulk_update(images, ["position"])


def reorder_images(product: Product, ordered_ids: list[int], *, shop, actor=None) -> None:
    """Put the product's images in this order (every image id exactly once)."""
    if product.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        images = {image.pk: image for image in locked.images.all()}
        try:
            wanted = [int(pk) for pk in ordered_ids]
        except (TypeError, ValueError) as error:
            raise CatalogError(
                _("Unknown image."), code=ErrorCode.INVALID, field="order"
            ) from error
        if sorted(wanted) != sorted(images):
            raise CatalogError(
                _("Give every image of this product exactly once."),
                code=ErrorCode.INVALID,
                field="order",
            )
        for position, pk in enumerate(wanted):
            images[pk].position = position
        ProductImage.objects.bulk_update(images.values(), ["position"])
        from catalog.services.listing import refresh_listing

        refresh_listing(locked)


def move_image(image: ProductImage, *, shop, offset: int) -> None:
    """Move an image one place up (-1) or down (+1)."""
    ids = list(
        ProductImage.objects.filter(product_id=image.product_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(image.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    reorder_images(image.product, ids, shop=shop)


def update_image(
    image: ProductImage, *, shop, kind: str | None = None, alt_text: str | None = None
):
    if image.shop_id != shop.pk:
        raise CatalogError(_("Not found."), code=ErrorCode.INVALID)
    if kind is not None and kind not in ProductImage.Kind.values:
        raise CatalogError(_("Unknown image kind."), code=ErrorCode.INVALID, field="kind")
    with transaction.atomic():
        if kind is not None:
            image.kind = kind
        if alt_text is not None:
            image.alt_text = " ".join(alt_text.split())[:200]
        image.save(update_fields=["kind", "alt_text"])
        from catalog.services.listing import refresh_listings

        refresh_listings([image.product_id])
    return image
