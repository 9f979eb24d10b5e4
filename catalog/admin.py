"""Django admin of the catalog, for platform staff: the category tree with attribute templates
and commission rates, listing moderation (approve, reject, block, unblock, each with a reason and
an audit row), and read-only views of the stock ledger, alerts, stocktakes and bulk jobs.

Writes go through `catalog.services` like everywhere else.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import quality, selectors
from catalog.forms import ModerationForm
from catalog.models import (
    AttributeDefinition,
    AttributeType,
    BulkJob,
    Category,
    Product,
    ProductImage,
    Sku,
    StockAlert,
    StockMovement,
    Stocktake,
)
from catalog.services import categories as category_services
from catalog.services import listing
from marketplace.core.admin import ReadOnlyAdmin, StateHistoryAdminMixin
from marketplace.core.pages import refusals


# --- Categories -------------------------------------------------------------------------------
class ChoicesField(forms.CharField):
    """Choices as lines of "value | English | 中文" (the labels may be left out)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(" | ".join(str(part) for part in choice) for choice in value)
        return value

    def to_python(self, value):
        rows = []
        for line in (value or "").splitlines():
            parts = [part.strip() for part in line.split("|")]
            if not parts[0]:
                continue
            while len(parts) < 3:
                parts.append(parts[-1])
            rows.append(parts[:3])
        values = [row[0] for row in rows]
        if len(values) != len(set(values)):
            raise ValidationError(_("Each choice value may appear once."))
        return rows


class AttributeForm(forms.ModelForm):
    choices = ChoicesField(
        label=gettext_lazy("Choices"),
        required=False,
        help_text=gettext_lazy("One per line: value | English | 中文"),
    )

    class Meta:
        model = AttributeDefinition
        fields = [
            "position",
            "code",
            "name",
            "name_zh",
            "type",
            "unit",
            "choices",
            "required",
            "filterable",
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("type")
        if kind in (AttributeType.CHOICE, AttributeType.MULTI_CHOICE) and not cleaned.get(
            "choices"
        ):
            self.add_error("choices", _("List the choices of this attribute."))
        return cleaned


class AttributeInline(admin.TabularInline):
    model = AttributeDefinition
    form = AttributeForm
    extra = 1


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "parent",
            "name",
            "name_zh",
            "slug",
            "position",
            "commission_rate",
            "requires_review",
            "is_active",
        ]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        pk = self.instance.pk
        if parent is not None and pk and (parent.pk == pk or f"/{pk}/" in parent.path):
            raise ValidationError(_("A category cannot be placed below itself."))
        if parent is not None and Product.objects.filter(category=parent).exists():
            raise ValidationError(
                _("This category holds products; move them before adding subcategories.")
            )
        return parent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    inlines = [AttributeInline]
    list_display = [
        "tree_label",
        "slug",
        "is_leaf",
        "commission_rate",
        "requires_review",
        "is_active",
        "product_total",
    ]
    list_filter = ["is_active", "requires_review", "is_leaf", "depth"]
    search_fields = ["name", "name_zh", "slug"]
    list_editable = ["commission_rate", "requires_review", "is_active"]
    ordering = ["path", "position"]
    prepopulated_fields = {"slug": ["name"]}
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description=gettext_lazy("Category"), ordering="path")
    def tree_label(self, category):
        return format_html("{}{}", "— " * category.depth, f"{category.name} / {category.name_zh}")

    @admin.display(description=gettext_lazy("Products"), ordering="product_total")
    def product_total(self, category):
        return category.product_total

    def save_model(self, request, obj, form, change):
        category_services.save_category(obj)

    def delete_model(self, request, obj):
        try:
            category_services.delete_category(obj)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.children.exists() or obj.products.exists()):
            return False
        return super().has_delete_permission(request, obj)


# --- Products and moderation -------------------------------------------------------------------
class SkuInline(admin.TabularInline):
    model = Sku
    fields = [
        "code",
        "option_label",
        "price",
        "cost_price",
        "stock",
        "reserved",
        "sold_count",
        "is_active",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


class ImageInline(admin.TabularInline):
    model = ProductImage
    fields = ["preview", "kind", "position", "status", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("Image"))
    def preview(self, image):
        if not image.thumbnail:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="80" height="80" style="object-fit:contain">',
            image.thumbnail_url,
        )


MODERATION = {
    "approve": (listing.approve_product, gettext_lazy("Approve"), False),
    "reject": (listing.reject_product, gettext_lazy("Reject (back to draft)"), True),
    "block": (listing.block_product, gettext_lazy("Block"), True),
    "unblock": (listing.unblock_product, gettext_lazy("Lift the block"), False),
}


@admin.register(Product)
class ProductAdmin(StateHistoryAdminMixin, ReadOnlyAdmin):
    list_display = [
        "title",
        "shop_name",
        "state",
        "category",
        "min_price",
        "total_stock",
        "sales_count",
        "quality_score",
        "updated_at",
    ]
    list_filter = ["state", "shop_visible", "category__requires_review", "category"]
    search_fields = ["title", "code", "shop_name", "skus__code"]
    list_select_related = ["category"]
    date_hierarchy = "created_at"
    inlines = [SkuInline, ImageInline]
    actions = ["approve_selected", "reject_selected", "block_selected", "unblock_selected"]
    readonly_fields = [
        "shop", "category", "code", "title", "slug", "state", "state_reason", "published_at",
        "description_html", "specifications", "variant_dimensions", "tags", "search_keywords",
        "meta_title", "meta_description", "video_url", "min_price", "max_price", "total_stock",
        "sales_count", "quality", "state_history", "created_at", "updated_at",
    ]  # fmt: skip
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_vector")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("catalog.moderate_product"):
            for name in (
                "approve_selected",
                "reject_selected",
                "block_selected",
                "unblock_selected",
            ):
                actions.pop(name, None)
        return actions

    @admin.display(description=gettext_lazy("Description"))
    def description_html(self, product):
        return (
            format_html('<div style="max-width:60em">{}</div>', product.description)
            if product.description
            else "—"
        )

    @admin.display(description=gettext_lazy("Specifications"))
    def specifications(self, product):
        template = {d.code: d for d in selectors.attribute_template(product.category)}
        rows = [
            (template[code].label if code in template else code, value)
            for code, value in (product.attributes or {}).items()
        ]
        return format_html_join("\n", "<div>{}: {}</div>", rows) if rows else "—"

    @admin.display(description=gettext_lazy("Listing quality"))
    def quality(self, product):
        issues = quality.describe_all(product.quality_issues)
        return format_html("<strong>{}</strong>/100 {}", product.quality_score, "; ".join(issues))

    def _moderate(self, request, queryset, name):
        action, label, needs_reason = MODERATION[name]
        form = ModerationForm(request.POST if "apply" in request.POST else None)
        if not needs_reason:
            form.fields["reason"].required = False
        if "apply" in request.POST and form.is_valid():
            done = 0
            for product in queryset.select_related("category").order_by("pk"):
                with refusals(request, about=product) as outcome:
                    action(product, actor=request.user, reason=form.cleaned_data["reason"])
                if outcome.ok:
                    done += 1
            if done:
                self.message_user(
                    request,
                    _("%(action)s: %(n)d listing(s).") % {"action": label, "n": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": label,
            "action_name": f"{name}_selected",
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "subtitle": None,
        }
        return TemplateResponse(request, "admin/catalog/moderate_selected.html", context)

    @admin.action(
        description=gettext_lazy("Approve the selected listings"), permissions=["moderate"]
    )
    def approve_selected(self, request, queryset):
        return self._moderate(request, queryset, "approve")

    @admin.action(
        description=gettext_lazy("Reject the selected listings (with a reason)"),
        permissions=["moderate"],
    )
    def reject_selected(self, request, queryset):
        return self._moderate(request, queryset, "reject")

    @admin.action(
        description=gettext_lazy("Block the selected listings (with a reason)"),
        permissions=["moderate"],
    )
    def block_selected(self, request, queryset):
        return self._moderate(request, queryset, "block")

    @admin.action(
        description=gettext_lazy("Lift the block of the selected listings"),
        permissions=["moderate"],
    )
    def unblock_selected(self, request, queryset):
        return self._moderate(request, queryset, "unblock")

    def has_moderate_permission(self, request):
        return request.user.has_perm("catalog.moderate_product")


# --- Read-only records ------------------------------------------------------------------------
@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "sku",
        "kind",
        "quantity",
        "reserved_change",
        "stock_after",
        "reference",
        "reason",
        "actor",
    ]
    list_filter = ["kind"]
    search_fields = ["sku__code", "reference"]
    list_select_related = ["sku", "actor"]
    date_hierarchy = "created_at"


@admin.register(StockAlert)
class StockAlertAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "sku",
        "stock",
        "warning_line",
        "suggested_quantity",
        "notified_at",
        "resolved_at",
    ]
    list_select_related = ["sku"]
    search_fields = ["sku__code"]


@admin.register(Stocktake)
class StocktakeAdmin(ReadOnlyAdmin):
    list_display = ["title", "shop", "state", "created_at", "posted_at"]
    list_filter = ["state"]
    list_select_related = ["shop"]


@admin.register(BulkJob)
class BulkJobAdmin(ReadOnlyAdmin):
    list_display = [
        "__str__",
        "shop",
        "format",
        "status",
        "total_rows",
        "ok_rows",
        "error_rows",
        "created_at",
    ]
    list_filter = ["kind", "status", "format"]
    list_select_related = ["shop"]
    exclude = ["source", "result", "error_report"]
