"""Seller-center pages of logistics: shipping templates and the shop's carriers.

Thin: parse, authorise (`shops.scoping.seller_view`, section "shipping"), call one service,
render. Templates named in URLs are fetched through the shop-scoped selector (another shop's is a
404).
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from logistics import forms, selectors, services
from logistics.quote import QuoteLine, quote_shipping
from logistics.regions import region_name
from marketplace.core.pages import refusals
from shops.roles import SHIPPING
from shops.scoping.views import seller_view


@seller_view(section=SHIPPING)
def template_list(request):
    templates = list(selectors.list_shipping_templates(request.shop))
    for template in templates:
        template.non_deliverable_names = [region_name(code) for code in template.non_deliverable]
    return TemplateResponse(
        request,
        "logistics/seller/template_list.html",
        {"templates": templates, "flat_rate": services.flat_rate()},
    )


def _editor(request, template=None):
    """The create/edit page: the template's fields and its rules inline, saved all at once."""
    status = 200
    if request.method == "POST" and "add_rule" in request.POST:
        # No script needed to add a rule: redisplay what was typed, with one more blank rule.
        form = forms.ShippingTemplateForm(
            initial=forms.raw_initial(forms.ShippingTemplateForm, request.POST)
        )
        formset = forms.rule_formset(rules=forms.submitted_rules(request.POST), extra=1)
    elif request.method == "POST":
        formset = forms.rule_formset(request.POST)
        form = forms.ShippingTemplateForm(request.POST, formset=formset)
        if forms.validate_template(form, formset):
            with refusals(form=form) as outcome:  # a rule's problem lands on that rule's form
                saved = services.save_shipping_template(
                    shop=request.shop,
                    actor=request.user,
                    template=template,
                    fields={name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS},
                    rules=formset.rules(),
                    request=request,
                )
            if outcome.ok:
                messages.success(
                    request, _("The shipping template “%(name)s” is saved.") % {"name": saved.name}
                )
                return redirect("seller:logistics-template-list")
        status = 400
    elif template is not None:
        form = forms.ShippingTemplateForm(initial=forms.ShippingTemplateForm.initial_from(template))
        formset = forms.rule_formset(
            rules=template.rules.all(), extra=1 if not template.rules.all() else 0
        )
    else:
        form = forms.ShippingTemplateForm()
        formset = forms.rule_formset(extra=1)
    return TemplateResponse(
        request,
        "logistics/seller/template_form.html",
        {"form": form, "formset": formset, "template": template},
        status=status,
    )


@seller_view(section=SHIPPING)
def template_create(request):
    return _editor(request)


@seller_view(section=SHIPPING)
def template_edit(request, template_id):
    template = selectors.get_shipping_template_for_shop_or_404(shop=request.shop, pk=template_id)
    response = _editor(request, template)
    if request.method == "GET":
        response.context_data.update(_preview(request, template))
    return response


def _preview(request, template) -> dict:
    """The "try it" box: the saved template's quote for a sample parcel (GET only)."""
    submitted = any(key.startswith("preview-") for key in request.GET)
    form = forms.QuotePreviewForm(request.GET if submitted else None)
    if not (submitted and form.is_valid()):
        return {"preview_form": form}
    data = form.cleaned_data
    line = QuoteLine(
        quantity=data["quantity"],
        unit_price=data["unit_price"],
        weight_kg=data["weight_kg"],
        volume_m3=data["volume_m3"],
    )
    with refusals(form=form) as outcome:  # "does not deliver to …" lands on the province
        quote = quote_shipping(
            template.snapshot(), province=data["province"], lines=[line], insure=data["insure"]
        )
    return {"preview_form": form, "preview": quote if outcome.ok else None}


@seller_view(section=SHIPPING)
def template_delete(request, template_id):
    template = selectors.get_shipping_template_for_shop_or_404(shop=request.shop, pk=template_id)
    status = 200
    if request.method == "POST":
        with refusals(request) as outcome:  # a template in use is kept: the message says why
            services.delete_shipping_template(
                shop=request.shop, actor=request.user, template=template, request=request
            )
        if outcome.ok:
            messages.success(
                request, _("The shipping template “%(name)s” is deleted.") % {"name": template.name}
            )
            return redirect("seller:logistics-template-list")
        status = 409
    return TemplateResponse(
        request, "logistics/seller/template_delete.html", {"template": template}, status=status
    )


@require_POST
@seller_view(section=SHIPPING)
def template_make_default(request, template_id):
    template = selectors.get_shipping_template_for_shop_or_404(shop=request.shop, pk=template_id)
    services.set_default_template(
        shop=request.shop, actor=request.user, template=template, request=request
    )
    messages.success(
        request,
        _("“%(name)s” is now used for products without a template of their own.")
        % {"name": template.name},
    )
    return redirect("seller:logistics-template-list")


@seller_view(section=SHIPPING)
def carriers(request):
    carriers = list(selectors.list_active_carriers())
    current = list(selectors.list_shop_carriers(request.shop))
    form = forms.ShopCarriersForm(request.POST or None, carriers=carriers, current=current)
    if request.method == "POST" and form.is_valid():
        chosen = [int(pk) for pk in form.cleaned_data["carriers"]]
        default = form.cleaned_data.get("default")
        with refusals(form=form) as outcome:
            services.set_shop_carriers(
                shop=request.shop,
                actor=request.user,
                carrier_ids=chosen,
                default_id=int(default) if default else None,
                account_numbers={pk: form.cleaned_data.get(f"account_{pk}", "") for pk in chosen},
                request=request,
            )
        if outcome.ok:
            messages.success(request, _("Your carriers are saved."))
            return redirect("seller:logistics-carriers")
    return TemplateResponse(
        request,
        "logistics/seller/carriers.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
