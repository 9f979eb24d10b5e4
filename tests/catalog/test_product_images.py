"""Product images: checked on upload, made clean and resized by the task, ordered, 1–15."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.errors import CatalogError
from catalog.models import ProductImage
from catalog.services import images
from tests.factories.catalog import add_ready_image, image_upload


def test_an_upload_is_processed_into_three_clean_sizes(
    shop, product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (image,) = images.add_images(product, [image_upload(size=(1600, 900))], shop=shop)
    image.refresh_from_db()
    assert image.status == ProductImage.Status.READY
    for name, box in ((image.thumbnail, 240), (image.list_size, 480), (image.detail_size, 1200)):
        with default_storage.open(name) as stored:
            picture = Image.open(stored)
            assert picture.format == "WEBP"
            assert max(picture.size) == box
    assert not image.source  # the private original is gone
    product.refresh_from_db()
    assert product.main_image_thumb == image.thumbnail
    assert product.main_image_list == image.list_size
    assert product.image_count == 1


def test_exif_orientation_is_applied_then_stripped(shop, product):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "SecretCam"  # camera make: must not survive
    Image.new("RGB", (800, 400), (10, 200, 10)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    (image,) = images.add_images(product, [upload], shop=shop)
    images.process_image(image.pk)
    image.refresh_from_db()
    with default_storage.open(image.detail_size) as stored:
        picture = Image.open(stored)
        assert picture.size == (400, 800)  # portrait after rotation
        assert not picture.getexif()
        assert b"SecretCam" not in stored.read()


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (
            SimpleUploadedFile("tea.jpg", b"this is a text file, not a photo"),
            "not a JPEG, PNG or WebP",
        ),
        (image_upload("tiny.png", size=(50, 50)), "too small"),
        (image_upload("tea.gif", fmt="PNG", size=(300, 300)), None),  # a real PNG: accepted
    ],
)
def test_uploads_are_checked_for_what_they_really_are(shop, product, upload, fragment):
    if fragment is None:
        assert images.add_images(product, [upload], shop=shop)
        return
    with pytest.raises(CatalogError) as error:
        images.add_images(product, [upload], shop=shop)
    assert upload.name in str(error.value.message)
    assert fragment in str(error.value.message)
    assert not ProductImage.objects.exists()


def test_a_decompression_bomb_is_refused_before_decoding(shop, product):
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")  # 81 MP, a few kB on disk
    upload = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(CatalogError) as error:
        images.add_images(product, [upload], shop=shop)
    assert "megapixels" in str(error.value.message)


def test_one_bad_file_refuses_the_whole_upload(shop, product):
    with pytest.raises(CatalogError):
        images.add_images(
            product, [image_upload("ok.png"), SimpleUploadedFile("bad.png", b"nope")], shop=shop
        )
    assert not ProductImage.objects.exists()


def test_at_most_fifteen_images(shop, product):
    images.add_images(product, [image_upload(f"{n}.png") for n in range(14)], shop=shop)
    with pytest.raises(CatalogError) as error:
        images.add_images(product, [image_upload("a.png"), image_upload("b.png")], shop=shop)
    assert "add at most 1 more" in str(error.value.message)
    images.add_images(product, [image_upload("last.png")], shop=shop)
    assert product.images.count() == 15


def test_order_kind_and_cover(shop, product):
    first = add_ready_image(product)
    second = add_ready_image(product, kind=ProductImage.Kind.SCENE)
    third = add_ready_image(product)
    assert [i.pk for i in product.images.order_by("position")] == [first.pk, second.pk, third.pk]
    images.reorder_images(product, [third.pk, first.pk, second.pk], shop=shop)
    product.refresh_from_db()
    assert product.main_image_thumb == third.thumbnail
    images.move_image(ProductImage.objects.get(pk=second.pk), shop=shop, offset=-1)
    assert [i.pk for i in product.images.order_by("position")] == [third.pk, second.pk, first.pk]
    with pytest.raises(CatalogError):
        images.reorder_images(product, [third.pk, first.pk], shop=shop)  # one missing
    images.update_image(third, shop=shop, kind=ProductImage.Kind.DETAIL)
    product.refresh_from_db()
    assert product.main_image_thumb == first.thumbnail  # the first *main* image is the cover


def test_a_live_listing_keeps_its_last_image(shop, product):
    from catalog.services import listing

    image = add_ready_image(product)
    listing.publish_product(product, shop=shop, actor=shop.owner)
    with pytest.raises(CatalogError):
        images.remove_image(image, shop=shop)
    listing.delist_product(product, shop=shop, actor=shop.owner)
    images.remove_image(image, shop=shop)
    product.refresh_from_db()
    assert product.image_count == 0 and product.main_image_thumb == ""
