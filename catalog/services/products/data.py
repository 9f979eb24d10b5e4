"""What a form, the API or an import row sends for a product (`ProductData`, `SkuData`), the
limits, and the field checks that the product checks, imports and the SKU API share.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.models import Category, Product
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


class FieldErrors(dict):
    """Messages per field key ("title", "skus[2].price"), raised together as one ValidationError."""

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
