"""Forms of the orders chapter: they parse; the services decide."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import format_amount
from orders.models import MAX_LINE_QUANTITY, InvoiceType, Order
from orders.services.placement import InvoiceRequest, ShopChoice


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY)


class AddToCartForm(forms.Form):
    sku = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_LINE_QUANTITY, initial=1
    )


class AddressChoiceForm(forms.Form):
    address = forms.ModelChoiceField(
        label=_("Deliver to"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of your addresses.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].queryset = user.addresses.all()
        self.fields["address"].label_from_instance = lambda a: (
            f"{a.recipient} · {a.phone} · {a.one_line()}"
        )


SHOP_FIELD = re.compile(r"^shop-(\d{1,18})-(?:carrier|insure|note)$")
MAX_POSTED_SHOPS = 100


def posted_shop_ids(data) -> list[int]:
    """The shops a submitted review form names fields for (`shop-<id>-carrier|insure|note`), so
    that a submit is parsed without reading the cart first: the service ignores choices for
    shops not in the cart, and a shop of the cart without posted fields gets the defaults, as
    it would from empty fields. At most MAX_POSTED_SHOPS."""
    found = sorted({int(m.group(1)) for key in data if (m := SHOP_FIELD.match(key))})
    return found[:MAX_POSTED_SHOPS]


class ReviewForm(forms.Form):
    """Step 2: the buyer's choices. Prices are not fields: the server computes them."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    expected_total = forms.DecimalField(
        widget=forms.HiddenInput, max_digits=12, decimal_places=2, required=False
    )
    invoice_type = forms.ChoiceField(
        label=_("Do you need an invoice?"),
        choices=InvoiceType.choices,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    invoice_title = forms.CharField(
        label=_("Invoice made out to"),
        max_length=120,
        required=False,
        help_text=_("Your name, or the company's registered name."),
    )
    invoice_tax_number = forms.CharField(
        label=_("Tax number"),
        max_length=20,
        required=False,
        help_text=_("Companies only: the unified social credit code."),
    )

    def __init__(self, *args, groups=(), shop_ids=(), **kwargs):
        """Per-shop fields from the priced cart's `groups` (to render), or, to parse a submit
        without pricing the cart twice, plain fields for `shop_ids` (the service checks the
        carrier against the shop's quote itself)."""
        super().__init__(*args, **kwargs)
        self.shop_fields = []
        for shop_id in shop_ids:
            names = {
                "carrier": f"shop-{shop_id}-carrier",
                "insure": f"shop-{shop_id}-insure",
                "note": f"shop-{shop_id}-note",
            }
            self.fields[names["carrier"]] = forms.CharField(max_length=40, required=False)
            self.fields[names["insure"]] = forms.BooleanField(required=False)
            self.fields[names["note"]] = forms.CharField(max_length=300, required=False)
            self.shop_fields.append((shop_id, names))
        for group in groups:
            if group.priced is None:
                continue
            shop_id = group.shop.pk
            quote = group.priced.shipping_quote
            carriers = list(quote.carriers) if quote is not None else []
            names = {}
            if carriers:
                name = f"shop-{shop_id}-carrier"
                default = quote.default_carrier
                self.fields[name] = forms.ChoiceField(
                    label=_("Carrier"),
                    choices=[(c.code, c.name) for c in carriers],
                    initial=default.code if default else None,
                    required=False,
                )
                names["carrier"] = name
            if quote is not None and quote.insurance_offer is not None:
                name = f"shop-{shop_id}-insure"
                self.fields[name] = forms.BooleanField(
                    label=_("Insure this parcel (+%(fee)s)")
                    % {"fee": format_amount(quote.insurance_offer, quote.currency)},
                    required=False,
                    widget=forms.CheckboxInput(attrs={"data-recalculate": ""}),
                )
                names["insure"] = name
            name = f"shop-{shop_id}-note"
            self.fields[name] = forms.CharField(
                label=_("Note to the seller"),
                max_length=300,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": _("Optional")}),
            )
            names["note"] = name
            self.shop_fields.append((shop_id, names))

    @property
    def offers_insurance(self) -> bool:
        return any("insure" in names for _shop_id, names in self.shop_fields)

    def bound(self, names):
        return {key: self[name] for key, name in names.items()}

    def choices(self) -> dict[int, ShopChoice]:
        data = self.cleaned_data
        return {
            shop_id: ShopChoice(
                carrier_code=data.get(names.get("carrier", ""), "") or "",
                note=data.get(names["note"], "") or "",
                insure=bool(data.get(names.get("insure", ""), False)),
            )
            for shop_id, names in self.shop_fields
        }

    def insured_shops(self) -> set[int]:
        """Insurance ticked in the submitted data (used before the form is validated)."""
        return {
            shop_id
            for shop_id, names in self.shop_fields
            if "insure" in names and self.data.get(names["insure"]) in ("on", "true", "1")
        }

    def invoice(self) -> InvoiceRequest:
        data = self.cleaned_data
        return InvoiceRequest(
            type=data.get("invoice_type") or "",
            title=data.get("invoice_title") or "",
            tax_number=data.get("invoice_tax_number") or "",
        )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SellerCancelForm(forms.Form):
    REASONS = [
        ("", _("Choose a reason")),
        ("out_of_stock", _("Out of stock")),
        ("address", _("Cannot deliver to the address")),
        ("buyer_asked", _("The buyer asked to cancel")),
        ("other", _("Other")),
    ]
    reason_kind = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    reason = forms.CharField(
        label=_("Explain to the buyer"),
        max_length=250,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def full_reason(self) -> str:
        label = dict(self.REASONS)[self.cleaned_data["reason_kind"]]
        text = self.cleaned_data.get("reason", "").strip()
        return f"{label}: {text}" if text else str(label)


class SellerOrderFilterForm(forms.Form):
    STATES = [
        ("", _("All states")),
        ("open", _("To handle (paid or accepted)")),
        *Order.State.choices,
    ]
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    placed_from = forms.DateField(
        label=_("Placed from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    exceptions = forms.BooleanField(label=_("Exceptions only"), required=False)
    q = forms.CharField(label=_("Order number or recipient"), max_length=60, required=False)


class FlagProblemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Problem"),
        choices=[(value, label) for value, label in Order.Problem.choices if value],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
