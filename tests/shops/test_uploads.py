"""Logo, banner and document uploads are checked for what they are (SPEC §5)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from marketplace.core import images
from shops.models import ApplicationDocument
from tests.factories.shops import ShopApplicationFactory, image_bytes, image_upload, pdf_upload

pytestmark = pytest.mark.django_db


def huge_png(width=20_000, height=20_000) -> bytes:
    """A valid PNG header claiming 20,000 × 20,000 pixels, a few hundred bytes on disk."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_a_20000_by_20000_png_is_refused_before_decoding():
    upload = SimpleUploadedFile("big.png", huge_png(), content_type="image/png")

    with pytest.raises(images.ImageRejected) as caught:
        images.process_image(upload, spec=images.LOGO)

    assert caught.value.code == "too_many_pixels"
    assert "megapixels" in str(caught.value.message)


def test_an_image_just_over_the_limit_names_its_size():
    upload = SimpleUploadedFile("big.png", huge_png(7000, 6000), content_type="image/png")

    with pytest.raises(images.ImageRejected) as caught:
        images.process_image(upload, spec=images.LOGO)

    assert "7000 × 6000" in str(caught.value.message)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a renamed .exe
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'),
        ("logo.gif", b"GIF89a" + b"\x00" * 50),
        ("logo.png", b""),
    ],
)
def test_only_real_jpeg_png_and_webp_are_accepted(name, content):
    with pytest.raises(images.ImageRejected) as caught:
        images.process_image(SimpleUploadedFile(name, content), spec=images.LOGO)

    assert caught.value.code == "not_an_image"


def test_a_truncated_png_is_refused_as_unreadable():
    data = image_bytes("PNG", (300, 300))[:120]

    with pytest.raises(images.ImageRejected) as caught:
        images.process_image(SimpleUploadedFile("logo.png", data), spec=images.LOGO)

    assert caught.value.code == "unreadable"


def test_exif_is_stripped_orientation_applied_and_sizes_standard():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "SecretCam"  # camera make
    data = image_bytes("JPEG", (200, 100), exif=exif.tobytes())

    result = images.process_image(SimpleUploadedFile("p.jpg", data), spec=images.LOGO)

    large = Image.open(io.BytesIO(result.variants["large"]))
    small = Image.open(io.BytesIO(result.variants["small"]))
    assert (large.format, large.size, small.size) == ("WEBP", (400, 400), (120, 120))
    assert not large.getexif()
    assert b"SecretCam" not in result.variants["large"]
    assert (result.width, result.height) == (200, 100)


def test_webp_and_png_with_transparency_are_accepted():
    for fmt in ("WEBP", "PNG"):
        buffer = io.BytesIO()
        Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(buffer, format=fmt)
        result = images.process_image(SimpleUploadedFile("x", buffer.getvalue()), spec=images.LOGO)
        assert Image.open(io.BytesIO(result.variants["large"])).mode == "RGBA"


def test_an_executable_logo_in_the_shop_profile_is_a_field_error_and_saves_nothing(
    seller_client, shop
):
    response = seller_client.post(
        reverse("seller:shop-profile"),
        {
            "description": "Changed",
            "logo": SimpleUploadedFile("logo.png", b"MZ" + b"\x00" * 300),
        },
    )

    assert response.status_code == 400
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    shop.refresh_from_db()
    assert shop.description != "Changed"
    assert not shop.logo


def test_a_huge_banner_in_the_shop_profile_is_refused_with_a_clear_message(seller_client, shop):
    response = seller_client.post(
        reverse("seller:shop-profile"),
        {"description": "Changed", "banner": SimpleUploadedFile("b.png", huge_png())},
    )

    assert response.status_code == 400
    assert "megapixels" in response.content.decode()
    shop.refresh_from_db()
    assert not shop.banner


def test_a_good_logo_and_banner_are_resized_and_stored(seller_client, shop):
    response = seller_client.post(
        reverse("seller:shop-profile"),
        {
            "description": "Tea since 1998",
            "logo": image_upload(size=(800, 600)),
            "banner": image_upload("b.jpg", "JPEG", size=(2400, 900)),
        },
    )

    assert response.status_code == 302
    shop.refresh_from_db()
    assert Image.open(shop.logo.path).size == (400, 400)
    assert Image.open(shop.logo_small.path).size == (120, 120)
    assert Image.open(shop.banner.path).size == (1200, 300)


def test_documents_must_be_pdf_or_images(user_client, user):
    application = ShopApplicationFactory(applicant=user)
    url = reverse("seller:application-step", args=[application.pk, "documents"])

    svg = user_client.post(
        url,
        {
            "kind": "business_licence",
            "file": SimpleUploadedFile("licence.pdf", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        },
    )
    scripted = user_client.post(
        url,
        {
            "kind": "business_licence",
            "file": SimpleUploadedFile(
                "licence.pdf", b"%PDF-1.4\n/JavaScript (app.alert(1))\n%%EOF"
            ),
        },
    )
    ok = user_client.post(url, {"kind": "business_licence", "file": pdf_upload()})

    assert svg.status_code == 400
    assert "none of those" in svg.content.decode()
    assert scripted.status_code == 400
    assert "scripts" in scripted.content.decode()
    assert ok.status_code == 302
    assert ApplicationDocument.objects.filter(application=application).count() == 1


def test_document_photos_lose_their_exif(user_client, user):
    application = ShopApplicationFactory(applicant=user)
    exif = Image.Exif()
    exif[0x8825] = {1: "N"}  # GPS info
    exif[0x010F] = "PhoneMaker"
    upload = SimpleUploadedFile("id.jpg", image_bytes("JPEG", (600, 400), exif=exif.tobytes()))

    user_client.post(
        reverse("seller:application-step", args=[application.pk, "documents"]),
        {"kind": "business_licence", "file": upload},
    )

    document = ApplicationDocument.objects.get()
    with document.file.open("rb") as stored:
        content = stored.read()
    assert b"PhoneMaker" not in content
    assert document.content_type == "image/jpeg"
    assert document.original_name == "id.jpg"
    assert "id.jpg" not in document.file.name  # stored under a random name


def test_documents_are_private(user_client, user):
    application = ShopApplicationFactory(applicant=user, with_documents=True)
    document = application.documents.get()
    url = reverse("seller:application-document", args=[application.pk, document.pk])

    own = user_client.get(url)
    anonymous = Client().get(url)

    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert anonymous.status_code == 302
    with pytest.raises(ValueError, match="no public URL"):
        document.file.url  # noqa: B018
