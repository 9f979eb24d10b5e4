"""Seller-center forms of the catalog. They check types; the services check the rules.

The product page is a `ProductForm` (with one field per attribute of the category's template,
named ``attr_<code>``) and a formset of `SkuForm` rows, one per variant of the colour × size ×
… matrix. `apply_errors()` puts a service's `ValidationError` on the right form and field.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models import AttributeType, ProductImage, StockMovement
from catalog.models.products import MAX_IMAGES, MAX_VARIANT_DIMENSIONS, TITLE_MAX_LENGTH
from catalog.services.products import ProductData, SkuData, variant_matrix

_VALUES_SPLIT = re.compile(r"[,，、;；\n]+")


def split_values(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in _VALUES_SPLIT.split(text or ""):
        value = " ".join(part.split())
        if value:
            seen.setdefault(value, None)
    return list(seen)


class CategoryChoiceForm(forms.Form):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)

    def __init__(self, *args, leaves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose…"))] + [
            (category.pk, label) for category, label in leaves
        ]


class ProductForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("What it is, brand, model, key feature; put your main search keyword in it."),
    )
    code = forms.CharField(label=_("Product code"), max_length=64, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Basic HTML is allowed: paragraphs, lists, tables, images, links."),
    )
    search_keywords = forms.CharField(
        label=_("Search keywords"),
        max_length=200,
        required=False,
        help_text=_("Separated by commas, e.g. “longjing, green tea, 龙井”."),
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=400, required=False, help_text=_("Separated by commas.")
    )
    slug = forms.SlugField(label=_("Web address (slug)"), max_length=140, required=False)
    meta_title = forms.CharField(label=_("Meta title"), max_length=70, required=False)
    meta_description = forms.CharField(
        label=_("Meta description"),
        max_length=160,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    video_url = forms.URLField(
        label=_("Video link"), max_length=300, required=False, assume_scheme="https"
    )

    def __init__(self, *args, template=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.template = list(template)
        for n in range(1, MAX_VARIANT_DIMENSIONS + 1):
            self.fields[f"dim{n}_name"] = forms.CharField(
                label=_("Option %(n)d name") % {"n": n}, max_length=20, required=False
            )
            self.fields[f"dim{n}_values"] = forms.CharField(
                label=_("Option %(n)d values") % {"n": n},
                max_length=600,
                required=False,
                help_text=_("Separated by commas, e.g. “Red, Blue”.") if n == 1 else "",
            )
        for definition in self.template:
            self.fields[f"attr_{definition.code}"] = attribute_field(definition)

    @property
    def attribute_fields(self):
        return [self[f"attr_{d.code}"] for d in self.template]

    @property
    def dimension_fields(self):
        return [
            (self[f"dim{n}_name"], self[f"dim{n}_values"])
            for n in range(1, MAX_VARIANT_DIMENSIONS + 1)
        ]

    @property
    def basic_fields(self):
        return [self[name] for name in ("title", "code", "description", "search_keywords", "tags")]

    @property
    def seo_fields(self):
        return [self[name] for name in ("slug", "meta_title", "meta_description", "video_url")]

    def dimensions(self) -> list[tuple[str, list[str]]]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        result = []
        for n in range(1, MAX_VARIANT_DIMENSIONS + 1):
            name = " ".join((data.get(f"dim{n}_name") or "").split())
            values = split_values(data.get(f"dim{n}_values") or "")
            if name and values:
                result.append((name, values))
        return result

    def attributes(self) -> dict:
        values = {}
        for definition in self.template:
            value = self.cleaned_data.get(f"attr_{definition.code}")
            if value in (None, "", []):
                continue
            if definition.type == AttributeType.BOOLEAN:
                value = value == "yes"
            values[definition.code] = value
        return values

    def clean(self):
        cleaned = super().clean()
        for n in range(1, MAX_VARIANT_DIMENSIONS + 1):
            name, values = cleaned.get(f"dim{n}_name"), cleaned.get(f"dim{n}_values")
            if bool(name) != bool(split_values(values or "")):
                self.add_error(
                    f"dim{n}_values" if name else f"dim{n}_name",
                    _("Give the option's name and its values."),
                )
        return cleaned

    @staticmethod
    def initial_for(product) -> dict:
        initial = {
            "title": product.title,
            "code": product.code,
            "description": product.description,
            "search_keywords": product.search_keywords,
            "tags": ", ".join(product.tags or []),
            "slug": product.slug,
            "meta_title": product.meta_title,
            "meta_description": product.meta_description,
            "video_url": product.video_url,
        }
        names = list(product.variant_dimensions or [])
        skus = list(product.skus.filter(is_active=True).order_by("position", "id"))
        for n, name in enumerate(names, start=1):
            values = list(dict.fromkeys((sku.options or {}).get(name, "") for sku in skus))
            initial[f"dim{n}_name"] = name
            initial[f"dim{n}_values"] = ", ".join(v for v in values if v)
        for code, value in (product.attributes or {}).items():
            if isinstance(value, bool):
                value = "yes" if value else "no"
            initial[f"attr_{code}"] = value
        return initial


def attribute_field(definition) -> forms.Field:
    label = f"{definition.label} ({definition.unit})" if definition.unit else definition.label
    common = {"label": label, "required": False}
    kind = definition.type
    if kind == AttributeType.INTEGER:
        return forms.IntegerField(**common)
    if kind == AttributeType.DECIMAL:
        return forms.DecimalField(max_digits=18, decimal_places=6, **common)
    if kind == AttributeType.BOOLEAN:
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], **common)
    if kind == AttributeType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *definition.choice_pairs], **common)
    if kind == AttributeType.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=definition.choice_pairs, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=200, **common)


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(**kwargs)


class SkuForm(forms.Form):
    sku_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    options = forms.CharField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label=_("SKU code"), max_length=64)
    price = MoneyField(label=_("Price"))
    cost_price = MoneyField(label=_("Cost price"), required=False)
    weight = forms.DecimalField(
        label=_("Weight (kg)"), max_digits=8, decimal_places=3, min_value=0, required=False
    )
    barcode = forms.CharField(label=_("Barcode"), max_length=32, required=False)
    stock = forms.IntegerField(
        label=_("Opening stock"), min_value=0, max_value=1_000_000, required=False
    )
    warning_line = forms.IntegerField(
        label=_("Warning line"), min_value=0, max_value=1_000_000, required=False
    )

    def option_values(self) -> dict:
        raw = self["options"].value() or "{}"
        try:
            options = json.loads(raw)
        except (TypeError, ValueError):
            return {}
        return options if isinstance(options, dict) else {}

    @property
    def option_label(self) -> str:
        return " / ".join(str(v) for v in self.option_values().values())

    def clean_options(self):
        raw = self.cleaned_data.get("options") or "{}"
        try:
            value = json.loads(raw)
        except ValueError as error:
            raise ValidationError(_("Rebuild the variant table.")) from error
        if not isinstance(value, dict):
            raise ValidationError(_("Rebuild the variant table."))
        return value


SkuFormSet = forms.formset_factory(SkuForm, extra=0, max_num=600, validate_max=True)


def matrix_initial(dimensions, *, previous: list[dict]) -> list[dict]:
    """The SKU rows of a variant matrix, keeping what was typed (or saved) for a combination."""
    by_key = {}
    for row in previous:
        options = row.get("options")
        if isinstance(options, str):
            try:
                options = json.loads(options or "{}")
            except ValueError:
                options = {}
        by_key[json.dumps(options or {}, sort_keys=True, ensure_ascii=False)] = row
    rows = []
    for options in variant_matrix(dimensions):
        key = json.dumps(options, sort_keys=True, ensure_ascii=False)
        row = dict(by_key.get(key, {}))
        row["options"] = json.dumps(options, ensure_ascii=False)
        rows.append(row)
    return rows


def sku_rows_for(product) -> list[dict]:
    return [
        {
            "sku_id": sku.pk,
            "options": json.dumps(sku.options or {}, ensure_ascii=False),
            "code": sku.code,
            "price": sku.price,
            "cost_price": sku.cost_price,
            "weight": sku.weight,
            "barcode": sku.barcode,
            "stock": sku.stock,
            "warning_line": sku.warning_line,
        }
        for sku in product.skus.filter(is_active=True).order_by("position", "id")
    ]


def build_product_data(form: ProductForm, formset, *, category) -> ProductData:
    dimensions = form.dimensions()
    skus = [
        SkuData(
            id=row.cleaned_data.get("sku_id"),
            code=row.cleaned_data.get("code") or "",
            price=row.cleaned_data.get("price"),
            options=row.cleaned_data.get("options") or {},
            cost_price=row.cleaned_data.get("cost_price"),
            weight=row.cleaned_data.get("weight"),
            barcode=row.cleaned_data.get("barcode") or "",
            stock=row.cleaned_data.get("stock"),
            warning_line=row.cleaned_data.get("warning_line"),
        )
        for row in formset.forms
    ]
    data = form.cleaned_data
    return ProductData(
        category=category,
        title=data["title"],
        code=data.get("code", ""),
        description=data.get("description", ""),
        search_keywords=data.get("search_keywords", ""),
        tags=split_values(data.get("tags", "")),
        slug=data.get("slug", ""),
        meta_title=data.get("meta_title", ""),
        meta_description=data.get("meta_description", ""),
        video_url=data.get("video_url", ""),
        attributes=form.attributes(),
        variant_dimensions=[name for name, _values in dimensions],
        skus=skus,
    )


def apply_errors(error: ValidationError, *, form, formset=None) -> None:
    """Put a service's ValidationError ({"title": [...], "skus[2].price": [...]}) on the forms."""
    for key, messages in error.message_dict.items():
        match = re.fullmatch(r"skus\[(\d+)\]\.(\w+)", key)
        if match and formset is not None and int(match.group(1)) < len(formset.forms):
            row = formset.forms[int(match.group(1))]
            field = (
                match.group(2)
                if match.group(2) in row.fields and match.group(2) != "options"
                else None
            )
            for message in messages:
                row.add_error(field, message)
            continue
        if key.startswith("attributes.") and f"attr_{key.split('.', 1)[1]}" in form.fields:
            name = f"attr_{key.split('.', 1)[1]}"
        elif key == "variant_dimensions":
            name = "dim1_name"
        elif key in form.fields:
            name = key
        else:
            name = None
        for message in messages:
            form.add_error(name, message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class ImageUploadForm(forms.Form):
    images = MultipleFileField(
        label=_("Images"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "JPEG, PNG or WebP, at least 200 × 200 pixels, up to 8 MB each; %(max)d per product."
        )
        % {"max": MAX_IMAGES},
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ProductImage.Kind.choices, initial=ProductImage.Kind.MAIN
    )

    def clean_images(self):
        files = self.cleaned_data.get("images") or []
        if not files:
            raise ValidationError(_("Choose at least one image."))
        return files


class StockChangeForm(forms.Form):
    ACTIONS = [("receive", _("Goods received (+)")), ("adjust", _("Correction (+ or −)"))]
    action = forms.ChoiceField(
        label=_("What happened"), choices=ACTIONS, widget=forms.RadioSelect, initial="receive"
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=_("For a correction, a negative number takes stock away."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def clean(self):
        cleaned = super().clean()
        quantity, action = cleaned.get("quantity"), cleaned.get("action")
        if quantity is not None and action == "receive" and quantity <= 0:
            self.add_error("quantity", _("Enter how many units arrived (1 or more)."))
        if quantity == 0:
            self.add_error("quantity", _("Enter a quantity other than zero."))
        if action == "adjust" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the correction."))
        return cleaned

    def apply_domain_error(self, error) -> None:
        """A refusal of the stock service (through `refusals`): the change it names is this
        form's quantity."""
        field = {"change": "quantity"}.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, str(error.message))


class AlertSettingsForm(forms.Form):
    warning_line = forms.IntegerField(label=_("Warning line"), min_value=0, max_value=1_000_000)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, max_value=365)


class MovementFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + list(StockMovement.Kind.choices), required=False
    )


class StocktakeStartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    query = forms.CharField(
        label=_("Only products matching"),
        max_length=100,
        required=False,
        help_text=_("Leave empty to count every active SKU."),
    )


class StocktakePostForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the adjustments"), max_length=255)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or GBK) or Excel .xlsx, up to 10 MB and 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def apply_domain_error(self, error) -> None:
        """Every refusal of an upload (through `refusals`) is about the file."""
        self.add_error("file", str(error.message))


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")]
    )


class ModerationForm(forms.Form):
    """Admin actions that need a reason (reject, block)."""

    reason = forms.CharField(
        label=_("Reason (the seller reads it)"), widget=forms.Textarea(attrs={"rows": 3})
    )
