"""Seller pages: the product list, the product form (details, specifications, variant matrix),
the product page (quality, images, SKUs, state) and its actions."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog import quality, selectors, specs
from catalog.forms import (
    CategoryChoiceForm,
    ImageUploadForm,
    ProductForm,
    SkuFormSet,
    apply_errors,
    build_product_data,
    matrix_initial,
    sku_rows_for,
)
from catalog.models import Category, Product, ProductImage
from catalog.services import images as image_services
from catalog.services import listing
from catalog.services import products as product_services
from catalog.services.products import variant_matrix
from catalog.views.seller.paging import paginate, query_without_page
from marketplace.core.pages import refusals
from marketplace.core.states import history
from shops import roles
from shops.scoping.models import get_for_shop_or_404
from shops.scoping.views import seller_view

SECTION = roles.PRODUCTS


@seller_view(section=SECTION)
def product_list(request):
    state = request.GET.get("state", "")
    if state not in Product.State.values:
        state = ""
    query = " ".join(request.GET.get("q", "").split())[:100]
    low = request.GET.get("low") == "1"
    products = selectors.list_products_for_shop(
        shop=request.shop, state=state or None, query=query, low_stock=low
    )
    page = paginate(request, products)
    counts = selectors.state_counts(shop=request.shop)
    tabs = [("", _("All"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Product.State.choices
    ]
    return TemplateResponse(
        request,
        "catalog/seller/product_list.html",
        {
            "page": page,
            "tabs": tabs,
            "state": state,
            "query": query,
            "low": low,
            "page_query": query_without_page(request),
        },
    )


@seller_view(section=SECTION)
def product_new(request):
    """Choose the (leaf) category first (?category=<id>); its attribute template shapes the
    product form that follows on the same address."""
    leaves = selectors.leaf_categories()
    form = CategoryChoiceForm(request.GET or None, leaves=leaves)
    if request.GET.get("category") and form.is_valid():
        category = get_object_or_404(
            Category, pk=form.cleaned_data["category"], is_active=True, is_leaf=True
        )
        return _product_form(request, category=category, product=None)
    return TemplateResponse(request, "catalog/seller/choose_category.html", {"form": form})


@seller_view(section=SECTION)
def product_edit(request, product_id: int):
    product = selectors.get_product_for_shop_or_404(shop=request.shop, pk=product_id)
    if not product.is_editable:
        messages.error(request, _("A blocked listing cannot be edited; contact the platform."))
        return redirect("seller:product-detail", product_id=product.pk)
    category = product.category
    new_category = request.GET.get("category")
    if new_category and new_category.isdigit():
        category = get_object_or_404(Category, pk=int(new_category), is_active=True, is_leaf=True)
    return _product_form(request, category=category, product=product)


def _raw_rows(formset) -> list[dict]:
    names = (
        "sku_id",
        "options",
        "code",
        "price",
        "cost_price",
        "weight",
        "barcode",
        "stock",
        "warning_line",
    )
    return [{name: form[name].value() for name in names} for form in formset.forms]


def _options_key(options) -> str:
    return json.dumps(options or {}, sort_keys=True, ensure_ascii=False)


def _product_form(request, *, category: Category, product: Product | None):
    template = selectors.attribute_template(category)
    if request.method == "POST":
        form = ProductForm(request.POST, template=template)
        formset = SkuFormSet(request.POST, prefix="sku")
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok:
            dimensions = form.dimensions()
            expected = sorted(_options_key(o) for o in variant_matrix(dimensions))
            current = sorted(_options_key(f.option_values()) for f in formset.forms)
            if request.POST.get("action") == "build" or expected != current:
                if request.POST.get("action") != "build":
                    messages.info(
                        request,
                        _("The variant table now matches your options: check the rows, then save."),
                    )
                formset = SkuFormSet(
                    initial=matrix_initial(dimensions, previous=_raw_rows(formset)), prefix="sku"
                )
                return _render_form(request, form, formset, category=category, product=product)
        if form_ok and formset_ok:
            data = build_product_data(form, formset, category=category)
            saved = None
            with refusals(form=form):
                try:
                    saved = _save_product(request, product, data)
                except ValidationError as error:
                    apply_errors(error, form=form, formset=formset)
            if saved is not None:
                return redirect("seller:product-detail", product_id=saved.pk)
    else:
        initial = ProductForm.initial_for(product) if product is not None else {}
        form = ProductForm(initial=initial, template=template)
        rows = sku_rows_for(product) if product is not None else [{"options": "{}"}]
        formset = SkuFormSet(initial=rows, prefix="sku")
    return _render_form(request, form, formset, category=category, product=product)


def _save_product(request, product: Product | None, data) -> Product:
    if product is None:
        saved = product_services.create_product(shop=request.shop, actor=request.user, data=data)
        messages.success(request, _("The product is saved as a draft."))
    else:
        saved = product_services.update_product(
            product, shop=request.shop, actor=request.user, data=data
        )
        messages.success(request, _("Your changes are saved."))
    return saved


def _render_form(request, form, formset, *, category, product):
    return TemplateResponse(
        request,
        "catalog/seller/product_form.html",
        {
            "form": form,
            "formset": formset,
            "category": category,
            "category_label": selectors.category_path_label(category),
            "product": product,
            "has_dimensions": any(f.option_values() for f in formset.forms),
        },
    )


@seller_view(section=SECTION)
def product_detail(request, product_id: int):
    product = selectors.get_product_for_shop_or_404(shop=request.shop, pk=product_id)
    template = selectors.attribute_template(product.category)
    by_code = {definition.code: definition for definition in template}
    specifications = [
        (by_code[code].label, specs.display_value(by_code[code], value))
        for code, value in (product.attributes or {}).items()
        if code in by_code
    ]
    blockers = []
    if product.state in (Product.State.DRAFT, Product.State.DELISTED):
        blockers = listing.publish_blockers(product, shop=request.shop)
    return TemplateResponse(
        request,
        "catalog/seller/product_detail.html",
        {
            "product": product,
            "category_label": selectors.category_path_label(product.category),
            "skus": selectors.product_skus(product),
            "images": selectors.product_images(product),
            "issues": quality.describe_all(product.quality_issues),
            "specifications": specifications,
            "missing_required": specs.missing_required(template, product.attributes),
            "events": list(history(product).select_related("actor").order_by("-created_at")[:20]),
            "blockers": blockers,
            "upload_form": ImageUploadForm(),
            "image_kinds": ProductImage.Kind.choices,
            "max_images": 15,
        },
    )


@require_POST
@seller_view(section=SECTION)
def product_publish(request, product_id: int):
    product = selectors.get_product_for_shop_or_404(shop=request.shop, pk=product_id)
    with refusals(request) as outcome:
        listing.publish_product(product, shop=request.shop, actor=request.user)
    if outcome.ok:
        if product.state == Product.State.PENDING_REVIEW:
            messages.success(
                request, _("Submitted: the platform reviews listings in this category.")
            )
        else:
            messages.success(request, _("The product is live."))
    return redirect("seller:product-detail", product_id=product.pk)


@require_POST
@seller_view(section=SECTION)
def product_delist(request, product_id: int):
    product = selectors.get_product_for_shop_or_404(shop=request.shop, pk=product_id)
    with refusals(request) as outcome:
        listing.delist_product(
            product,
            shop=request.shop,
            actor=request.user,
            reason=request.POST.get("reason", "")[:200],
        )
    if outcome.ok:
        messages.success(request, _("The product is off sale."))
    return redirect("seller:product-detail", product_id=product.pk)


@require_POST
@seller_view(section=SECTION)
def product_delete(request, product_id: int):
    product = selectors.get_product_for_shop_or_404(shop=request.shop, pk=product_id)
    with refusals(request) as outcome:
        product_services.delete_product(product, shop=request.shop, actor=request.user)
    if not outcome.ok:
        return redirect("seller:product-detail", product_id=product.pk)
    messages.success(request, _("The product is deleted."))
    return redirect("seller:product-list")


@require_POST
@seller_view(section=SECTION)
def image_upload(request, product_id: int):
    product = selectors.get_product_for_shop_or_404(shop=request.shop, pk=product_id)
    form = ImageUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("seller:product-detail", product_id=product.pk)
    with refusals(request) as outcome:
        created = image_services.add_images(
            product,
            form.cleaned_data["images"],
            shop=request.shop,
            actor=request.user,
            kind=form.cleaned_data["kind"],
        )
    if outcome.ok:
        messages.success(
            request,
            _("%(n)d image(s) uploaded; they are being resized.") % {"n": len(created)},
        )
    return redirect("seller:product-detail", product_id=product.pk)


def _image(request, product_id: int, image_id: int) -> ProductImage:
    return get_for_shop_or_404(
        ProductImage.objects.select_related("product"),
        shop=request.shop,
        pk=image_id,
        product_id=product_id,
    )


@require_POST
@seller_view(section=SECTION)
def image_move(request, product_id: int, image_id: int):
    image = _image(request, product_id, image_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    with refusals(request):
        image_services.move_image(image, shop=request.shop, offset=offset)
    return redirect("seller:product-detail", product_id=product_id)


@require_POST
@seller_view(section=SECTION)
def image_kind(request, product_id: int, image_id: int):
    image = _image(request, product_id, image_id)
    with refusals(request):
        image_services.update_image(image, shop=request.shop, kind=request.POST.get("kind", ""))
    return redirect("seller:product-detail", product_id=product_id)


@require_POST
@seller_view(section=SECTION)
def image_delete(request, product_id: int, image_id: int):
    image = _image(request, product_id, image_id)
    with refusals(request) as outcome:
        image_services.remove_image(image, shop=request.shop, actor=request.user)
    if outcome.ok:
        messages.success(request, _("The image is removed."))
    return redirect("seller:product-detail", product_id=product_id)
