"""Demo logos and banners, drawn with Pillow (PNG bytes)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # an older Pillow without scalable default font
        return ImageFont.load_default()


def draw_logo(initials: str, colors, size: int = 400) -> bytes:
    dark, light = colors
    image = Image.new("RGB", (size, size), light)
    draw = ImageDraw.Draw(image)
    draw.ellipse([size * 0.08, size * 0.08, size * 0.92, size * 0.92], fill=dark)
    font = _font(int(size * 0.36))
    box = draw.textbbox((0, 0), initials, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), initials, fill=light, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_banner(colors, size=(1200, 300)) -> bytes:
    """A gradient with soft circles: no text (the default font has no accents or CJK, and the
    page shows the shop's name under the banner anyway)."""
    dark, light = colors
    image = Image.new("RGB", size, light)
    draw = ImageDraw.Draw(image)
    width, height = size
    for x in range(0, width, 4):
        t = x / width
        color = tuple(int(light[i] * (1 - t) + dark[i] * t) for i in range(3))
        draw.rectangle([x, 0, x + 4, height], fill=color)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for index, (cx, cy, r) in enumerate(
        [(180, 60, 140), (520, 260, 110), (860, 40, 170), (1100, 240, 120)]
    ):
        alpha = 40 + 15 * (index % 2)
        shapes.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 255, 255, alpha))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
