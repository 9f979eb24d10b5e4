"""Checking and cleaning uploaded images (shop logos and banners now, product images later).

`process_image(upload, spec=...)` accepts only real JPEG, PNG or WebP files (recognised by their
content, not their name), refuses files over the byte limit and images over the pixel limit
*before* decoding them (a 20,000 × 20,000 PNG is a few hundred kilobytes on disk and 1.6 GB in
memory), applies the EXIF orientation, drops all metadata (EXIF, GPS, ICC) and returns freshly
encoded images at the standard sizes of the spec. Anything wrong raises `ImageRejected`
(a `DomainError`) with a message for the person who uploaded it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.core.errors import DomainError

# What the first bytes of each accepted format look like; nothing else is opened.
SIGNATURES = {
    "JPEG": (b"\xff\xd8\xff",),
    "PNG": (b"\x89PNG\r\n\x1a\n",),
}
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000  # 40 megapixels
MIN_SIDE = 16


class ImageRejected(DomainError):
    pass


@dataclass(frozen=True)
class ImageSpec:
    """The sizes an image is delivered in: name → (width, height) and how to fit it.

    mode "crop" fills the box exactly (centre crop); "contain" fits inside it keeping the ratio.
    """

    sizes: dict[str, tuple[int, int]]
    mode: str = "crop"
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    min_side: int = MIN_SIDE
    output_format: str = "WEBP"
    quality: int = 85


LOGO = ImageSpec(sizes={"large": (400, 400), "small": (120, 120)}, mode="crop")
BANNER = ImageSpec(sizes={"large": (1200, 300)}, mode="crop", max_bytes=8 * 1024 * 1024)
PRODUCT = ImageSpec(
    sizes={"large": (1200, 1200), "medium": (600, 600), "thumb": (240, 240)}, mode="contain"
)


@dataclass
class ProcessedImage:
    source_format: str
    width: int
    height: int
    extension: str
    content_type: str
    variants: dict[str, bytes] = field(default_factory=dict)


def sniff_format(head: bytes) -> str | None:
    """The format the file's first bytes announce, or None."""
    for name, prefixes in SIGNATURES.items():
        if any(head.startswith(prefix) for prefix in prefixes):
            return name
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _read_limited(upload, max_bytes: int) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _too_big(max_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return data


def _too_big(max_bytes: int) -> ImageRejected:
    return ImageRejected(
        _("The file is too large: at most %(mb)s MB.") % {"mb": max_bytes // (1024 * 1024)},
        code="file_too_large",
    )


def _too_many_pixels(width, height, max_pixels: int) -> ImageRejected:
    if width is None:
        message = _(
            "The image has too many pixels: at most %(mp)s megapixels are accepted. Resize it "
            "and upload it again."
        ) % {"mp": max_pixels // 1_000_000}
    else:
        message = _(
            "The image is %(width)s × %(height)s pixels; at most %(mp)s megapixels are "
            "accepted. Resize it and upload it again."
        ) % {"width": width, "height": height, "mp": max_pixels // 1_000_000}
    return ImageRejected(message, code="too_many_pixels")


def open_checked(
    upload,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_side: int = MIN_SIDE,
) -> tuple[Image.Image, str]:
    """Open an upload after checking bytes, real format and dimensions; nothing decoded yet."""
    data = _read_limited(upload, max_bytes)
    sniffed = sniff_format(data[:16])
    if sniffed is None:
        raise ImageRejected(
            _(
                "This is not a JPEG, PNG or WebP image. Upload a photo or picture in one of those "
                "formats."
            ),
            code="not_an_image",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[sniffed])  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own guard (about 89 megapixels) fired while reading the header.
        raise _too_many_pixels(None, None, max_pixels) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRejected(
            _("The image could not be read; it may be damaged."), code="unreadable"
        ) from error
    if image.format not in ACCEPTED_FORMATS:
        raise ImageRejected(_("Only JPEG, PNG and WebP images are accepted."), code="format")
    width, height = image.size
    if width * height > max_pixels:
        raise _too_many_pixels(width, height, max_pixels)
    if width < min_side or height < min_side:
        raise ImageRejected(
            _("The image is too small: at least %(side)s × %(side)s pixels.") % {"side": min_side},
            code="too_small",
        )
    return image, sniffed


def _decode(image: Image.Image) -> Image.Image:
    """Decode the pixels (the size was checked from the header) and apply the EXIF rotation."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            image = ImageOps.exif_transpose(image)
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ImageRejected(
            _("The image could not be read; it may be damaged."), code="unreadable"
        ) from error
    if image.mode not in ("RGB", "RGBA"):
        has_alpha = image.mode in ("LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if has_alpha else "RGB")
    return image


def _resize(image: Image.Image, box: tuple[int, int], mode: str) -> Image.Image:
    if mode == "crop":
        return ImageOps.fit(image, box, method=Image.Resampling.LANCZOS)
    copy = image.copy()
    copy.thumbnail(box, Image.Resampling.LANCZOS)
    return copy


def _encode(image: Image.Image, spec: ImageSpec) -> bytes:
    buffer = io.BytesIO()
    fmt = spec.output_format
    if fmt == "JPEG" and image.mode == "RGBA":
        image = image.convert("RGB")
    # A new image from the pixels only: no EXIF, ICC or text chunks survive.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(buffer, format=fmt, quality=spec.quality, method=4 if fmt == "WEBP" else 0)
    return buffer.getvalue()


EXTENSIONS = {
    "WEBP": ("webp", "image/webp"),
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
}


def process_image(upload, *, spec: ImageSpec) -> ProcessedImage:
    """Check `upload` (a Django UploadedFile or any binary file object) and return clean
    re-encoded variants at `spec.sizes`. Raises `ImageRejected` with a clear message."""
    image, sniffed = open_checked(
        upload, max_bytes=spec.max_bytes, max_pixels=spec.max_pixels, min_side=spec.min_side
    )
    width, height = image.size
    decoded = _decode(image)
    extension, content_type = EXTENSIONS[spec.output_format]
    result = ProcessedImage(
        source_format=sniffed,
        width=width,
        height=height,
        extension=extension,
        content_type=content_type,
    )
    for name, box in spec.sizes.items():
        result.variants[name] = _encode(_resize(decoded, box, spec.mode), spec)
    return result


def clean_document_image(upload, *, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> bytes:
    """A scanned document photo, kept at its size (up to 2400 px) without metadata, as JPEG."""
    spec = ImageSpec(
        sizes={"doc": (2400, 2400)},
        mode="contain",
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        output_format="JPEG",
        quality=90,
    )
    return process_image(upload, spec=spec).variants["doc"]
