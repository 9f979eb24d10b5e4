"""The whole product checked at once, before anything is written: every bad field is named in
one `ValidationError` (`title`, `attributes.material`, `skus[2].price`, …).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from catalog import selectors, specs, text
from catalog.models import Product
from catalog.models.products import MAX_VARIANT_DIMENSIONS, TITLE_MAX_LENGTH, TITLE_MIN_LENGTH
from catalog.services.products.data import (
    MAX_DESCRIPTION_LENGTH,
    MAX_DIMENSION_NAME,
    MAX_TAGS,
    FieldErrors,
    ProductData,
    check_listing_text,
)
from catalog.services.products.skus import clean_skus


@dataclass
class CleanProduct:
    fields: dict
    skus: list[dict] | None
    dimensions: list[str]


def clean_product(data: ProductData, *, shop, product: Product | None) -> CleanProduct:
    errors = FieldErrors()
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
        skus = clean_skus(data.skus, dimensions, errors, shop=shop, product=product)
    errors.raise_if_any()
    return CleanProduct(fields=cleaned, skus=skus, dimensions=dimensions)
