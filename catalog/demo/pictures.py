"""Product pictures for the demo catalogue: a gradient and a simple object (tea leaves, a cup, a
bottle) drawn with Pillow, a few dozen in all, stored once in every size and shared between
products.
"""

from __future__ import annotations

import io
import math

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from catalog.services.images import PRODUCT_IMAGE_SPEC

IMAGE_DIR = "catalog/demo"

PALETTES = {
    "tea": [
        (46, 125, 50),
        (85, 139, 47),
        (158, 157, 36),
        (121, 85, 72),
        (0, 105, 92),
        (191, 54, 12),
    ],
    "ware": [
        (69, 90, 100),
        (0, 131, 143),
        (93, 64, 55),
        (55, 71, 79),
        (38, 50, 56),
        (120, 144, 156),
    ],
    "beauty": [
        (173, 20, 87),
        (123, 31, 162),
        (216, 67, 21),
        (194, 24, 91),
        (94, 53, 177),
        (255, 143, 0),
    ],
}


def draw_picture(kind: str, color: tuple[int, int, int], variant: int, size: int = 1200):
    """A product picture (a PIL image): a gradient and a simple object (tea leaves, a cup, a
    bottle)."""
    light = tuple(min(255, c + (255 - c) * 3 // 4) for c in color)
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    for y in range(0, size, 8):
        t = y / size
        row = tuple(int(light[i] * (1 - t * 0.35) + color[i] * t * 0.35) for i in range(3))
        draw.rectangle([0, y, size, y + 8], fill=row)
    s = size
    dark = tuple(max(0, c - 40) for c in color)
    if kind == "tea":
        # Leaves (pointed at both ends) fanned out around a stem, over a tea bowl.
        draw.ellipse([s * 0.22, s * 0.74, s * 0.78, s * 0.84], fill=dark)
        leaves = 3 + variant % 3
        for index in range(leaves):
            angle = math.radians(-60 + 120 * index / max(leaves - 1, 1) - 90)
            length, width = s * 0.34, s * 0.09
            cx = s / 2 + math.cos(angle) * length * 0.55
            cy = s * 0.62 + math.sin(angle) * length * 0.55
            outline = []
            for step in range(21):
                t = step / 20
                outline.append((length * (t - 0.5), width * math.sin(math.pi * t)))
            for step in range(20, -1, -1):
                t = step / 20
                outline.append((length * (t - 0.5), -width * math.sin(math.pi * t)))
            points = [
                (
                    cx + x * math.cos(angle) - y * math.sin(angle),
                    cy + x * math.sin(angle) + y * math.cos(angle),
                )
                for x, y in outline
            ]
            draw.polygon(points, fill=color)
            tip = (cx + math.cos(angle) * length / 2, cy + math.sin(angle) * length / 2)
            base = (cx - math.cos(angle) * length / 2, cy - math.sin(angle) * length / 2)
            draw.line([base, tip], fill=dark, width=max(2, s // 250))
    elif kind == "ware":
        top = s * (0.3 + 0.03 * variant)
        draw.ellipse([s * 0.25, top - s * 0.05, s * 0.75, top + s * 0.05], fill=dark)
        draw.polygon(
            [(s * 0.25, top), (s * 0.75, top), (s * 0.65, s * 0.75), (s * 0.35, s * 0.75)],
            fill=color,
        )
        draw.ellipse([s * 0.35, s * 0.72, s * 0.65, s * 0.78], fill=dark)
        if variant % 2:
            draw.arc([s * 0.68, s * 0.38, s * 0.85, s * 0.6], 270, 90, fill=color, width=s // 40)
    else:
        width = s * (0.16 + 0.03 * (variant % 3))
        draw.rounded_rectangle(
            [s / 2 - width, s * 0.38, s / 2 + width, s * 0.8], radius=int(s * 0.05), fill=color
        )
        draw.rectangle([s / 2 - width * 0.45, s * 0.27, s / 2 + width * 0.45, s * 0.38], fill=dark)
        draw.rectangle([s / 2 - width * 0.7, s * 0.5, s / 2 + width * 0.7, s * 0.62], fill=light)
    return image


def pictures(kind: str) -> list[dict]:
    """The shared pictures of one kind (drawn and stored once; later runs reuse the files)."""
    result = []
    for index, color in enumerate(PALETTES[kind]):
        for variant in range(2):
            stem = f"{IMAGE_DIR}/{kind}-{index}-{variant}"
            names = {size: f"{stem}-{size}.webp" for size in ("thumbnail", "list", "detail")}
            if not all(default_storage.exists(name) for name in names.values()):
                picture = draw_picture(kind, color, variant, size=1200)
                for size, name in names.items():
                    copy = picture.copy()
                    copy.thumbnail(PRODUCT_IMAGE_SPEC.sizes[size], Image.Resampling.LANCZOS)
                    buffer = io.BytesIO()
                    copy.save(buffer, format="WEBP", quality=80, method=0)
                    if default_storage.exists(name):
                        default_storage.delete(name)
                    default_storage.save(name, ContentFile(buffer.getvalue()))
            result.append(names)
    return result
