"""Placing orders: one checkout → one order per shop, stock reserved, one payment — all or nothing.

    placement = place_order(
        buyer=user,
        token=checkout_token,                 # from the review page: the idempotency key
        address_id=3,                         # one of the buyer's saved addresses
        choices={shop_id: ShopChoice(carrier_code="sf", note="…", insure=False)},
        invoice=InvoiceRequest(type="company", title="…", tax_number="…"),
        expected_total=Decimal("123.40"),     # what the buyer reviewed (None: do not check)
    )
    placement.checkout, placement.orders, placement.payment, placement.created

What it trusts: nothing from the browser but the buyer's choices. Prices, discounts and shipping
are recomputed by the price engine from the locked SKUs; the shop of a line is the SKU's; choices
for shops not in the cart are ignored; `expected_total` only guards against charging more (or
less) than the buyer saw: if it differs, nothing is written and the buyer reviews again.

How (Saleor's and oscar's habits):
1. the buyer's cart row is locked first, so a double submit waits, then finds the checkout of
   the first submit by its token and returns it (`created=False`): a no-op, the same orders;
2. the SKUs are locked in primary-key order and re-checked (live, in stock) and priced;
3. checkout, orders (numbers from a sequence), lines, the "placed" timeline rows, the stock
   reservations (catalog's conditional update, one ledger row per SKU) and the payment row are
   written in that one transaction; bought lines leave the cart;
4. after commit, the payment provider is called (`payments.start_payment`), outside the
   transaction; a provider failure leaves the orders pending with a "pay again" button.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.models import Sku
from marketplace.accounts.models import Address
from marketplace.core.models import StateEvent
from marketplace.core.money import as_decimal, format_amount, quantize
from orders import events, selectors
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import Cart, CartLine, Checkout, InvoiceType, Order, OrderLine, Payment
from orders.numbering import next_order_numbers
from orders.services import payments as payment_services
from orders.services.cart import sku_problem
from orders.services.lifecycle import mark_paid, payload, payment_window
from orders.shipping import quoter_for, resolve_province
from promotions.pricing import Funder

TAX_NUMBER = re.compile(r"^[0-9A-Z]{15,20}$")
MAX_NOTE = 300


@dataclass(frozen=True)
class ShopChoice:
    """What the buyer chose for one shop's parcel."""

    carrier_code: str = ""
    note: str = ""
    insure: bool = False


@dataclass(frozen=True)
class InvoiceRequest:
    type: str = ""
    title: str = ""
    tax_number: str = ""


@dataclass
class Placement:
    checkout: Checkout
    orders: list[Order] = field(default_factory=list)
    payment: Payment | None = None
    created: bool = False


def parse_token(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as error:
        raise OrdersError(
            _("This checkout form is out of date; please review your order again."),
            code=ErrorCode.INVALID,
            field="token",
        ) from error


def clean_invoice(invoice: InvoiceRequest | None) -> InvoiceRequest:
    invoice = invoice or InvoiceRequest()
    kind = (invoice.type or "").strip()
    if kind not in InvoiceType.values:
        raise OrdersError(
            _("Choose a kind of invoice."), code=ErrorCode.INVALID_INVOICE, field="invoice_type"
        )
    if not kind:
        return InvoiceRequest()
    title = " ".join((invoice.title or "").split())[:120]
    if not title:
        raise OrdersError(
            _("Enter the name the invoice is made out to."),
            code=ErrorCode.INVALID_INVOICE,
            field="invoice_title",
        )
    tax_number = (invoice.tax_number or "").strip().upper()
    if kind == InvoiceType.COMPANY and not TAX_NUMBER.match(tax_number):
        raise OrdersError(
            _("A company invoice needs the tax number: 15 to 20 letters and digits."),
            code=ErrorCode.INVALID_INVOICE,
            field="invoice_tax_number",
        )
    if kind == InvoiceType.PERSONAL:
        tax_number = ""
    return InvoiceRequest(type=kind, title=title, tax_number=tax_number)


def _clean_choices(choices: Mapping | None) -> dict[int, ShopChoice]:
    cleaned = {}
    for key, choice in (choices or {}).items():
        try:
            shop_id = int(key)
        except (TypeError, ValueError):
            continue  # not a shop: ignored
        note = " ".join((choice.note or "").split())
        if len(note) > MAX_NOTE:
            raise OrdersError(
                _("Keep notes to the seller under %(max)d characters.") % {"max": MAX_NOTE},
                code=ErrorCode.INVALID,
                field="note",
            )
        cleaned[shop_id] = ShopChoice(
            carrier_code=(choice.carrier_code or "").strip()[:40], note=note, insure=choice.insure
        )
    return cleaned


def existing_placement(token: uuid.UUID, buyer) -> Placement | None:
    checkout = Checkout.objects.filter(token=token).first()
    if checkout is None:
        return None
    if checkout.buyer_id != buyer.pk:
        raise OrdersError(
            _("This checkout form is out of date; please review your order again."),
            code=ErrorCode.CHECKOUT_TAKEN,
            field="token",
        )
    return Placement(
        checkout=checkout,
        orders=list(checkout.orders.select_related("shop").order_by("shop_id")),
        payment=checkout.payments.order_by("-created_at", "-pk").first(),
        created=False,
    )


def _address_of(buyer, address_id) -> Address:
    try:
        address_id = int(address_id)
    except (TypeError, ValueError):
        address_id = None
    address = Address.objects.filter(user=buyer, pk=address_id).first() if address_id else None
    if address is None:
        raise OrdersError(
            _("Choose a delivery address."), code=ErrorCode.NO_ADDRESS, field="address"
        )
    return address


def _discounts_json(discounts) -> list[dict]:
    return [
        {
            "stage": int(d.stage),
            "source": d.source,
            "funder": str(d.funder),
            "amount": str(d.amount),
            "label": str(d.label),
        }
        for d in discounts
    ]


def place_order(
    *,
    buyer,
    token,
    address_id,
    choices: Mapping | None = None,
    invoice: InvoiceRequest | None = None,
    expected_total: Decimal | None = None,
) -> Placement:
    """See the module docstring."""
    token = parse_token(token)
    known = existing_placement(token, buyer)
    if known is not None:
        return _resume(known)
    invoice = clean_invoice(invoice)
    choices = _clean_choices(choices)
    address = _address_of(buyer, address_id)
    try:
        province_code = resolve_province(address.province)
    except OrdersError:
        raise
    except Exception as error:  # LogisticsError: an address logistics cannot place
        raise OrdersError(
            _("We cannot deliver to the province “%(province)s”; check the address.")
            % {"province": address.province},
            code=ErrorCode.NOT_DELIVERABLE,
            field="address",
        ) from error
    if expected_total is not None:
        expected_total = quantize(as_decimal(expected_total))

    try:
        with transaction.atomic():
            placement = _place(
                buyer=buyer,
                token=token,
                address=address,
                province_code=province_code,
                choices=choices,
                invoice=invoice,
                expected_total=expected_total,
            )
    except IntegrityError:
        known = existing_placement(token, buyer)  # the token was taken meanwhile
        if known is None:
            raise
        return _resume(known)
    return _resume(placement)


def _resume(placement: Placement) -> Placement:
    """After commit: send a payment that was not sent yet to the provider."""
    if placement.payment is not None and placement.payment.state == Payment.State.CREATED:
        placement.payment = payment_services.start_payment(placement.payment)
    return placement


def _place(*, buyer, token, address, province_code, choices, invoice, expected_total) -> Placement:
    cart = Cart.objects.select_for_update().filter(user=buyer).first()
    known = existing_placement(token, buyer)  # a double submit waited for the lock above
    if known is not None:
        return known
    lines = selectors.cart_lines(cart)
    if not lines:
        raise OrdersError(_("Your cart is empty."), code=ErrorCode.EMPTY_CART)

    # Lock the SKUs in primary-key order and re-read them (price, stock, state) under the lock.
    sku_ids = sorted({line.sku_id for line in lines})
    locked = {
        sku.pk: sku
        for sku in Sku.objects.select_for_update(of=("self",))
        .select_related("product", "shop")
        .filter(pk__in=sku_ids)
        .order_by("pk")
    }
    buying: list[CartLine] = []
    left_out: list[str] = []
    for line in lines:
        sku = locked.get(line.sku_id)
        if sku is None:
            continue
        line.sku = sku
        code, message = sku_problem(sku, line.quantity)
        if code == ErrorCode.INSUFFICIENT_STOCK:
            raise OrdersConflict(message, code=ErrorCode.INSUFFICIENT_STOCK, field="quantity")
        if code:
            left_out.append(message)  # unavailable or sold out: stays in the cart, not bought
        else:
            buying.append(line)
    if not buying:
        raise OrdersError(_("Nothing in your cart can be bought now."), code=ErrorCode.UNAVAILABLE)

    now = timezone.now()
    insure = {shop_id for shop_id, choice in choices.items() if choice.insure}
    priced = selectors.price(
        [selectors.pricing_line(line) for line in buying],
        buyer=buyer,
        quoter=quoter_for(province=province_code, insure_shops=insure),
        moment=now,
    )
    if not priced.deliverable:
        shop = next(s for s in priced.shops if not s.deliverable)
        raise OrdersError(shop.refusal, code=ErrorCode.NOT_DELIVERABLE, field="address")
    if expected_total is not None and expected_total != priced.grand_total:
        message = _(
            "Prices or shipping changed since you reviewed your order: the total is now "
            "%(total)s. Please review it again."
        ) % {"total": format_amount(priced.grand_total, priced.currency)}
        raise OrdersConflict(" ".join([*left_out, message]), code=ErrorCode.PRICES_CHANGED)

    address_fields = {name: getattr(address, name) for name in Checkout.ADDRESS_FIELDS}
    checkout = Checkout.objects.create(
        token=token,
        buyer=buyer,
        currency=priced.currency,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        shipping_total=priced.shipping_total,
        grand_total=priced.grand_total,
        invoice_type=invoice.type,
        invoice_title=invoice.title,
        invoice_tax_number=invoice.tax_number,
        province_code=province_code,
        **address_fields,
    )

    shops = sorted(priced.shops, key=lambda s: s.shop_id)
    numbers = next_order_numbers(len(shops), now=now)
    cart_line_by_sku = {line.sku_id: line for line in buying}
    orders: list[Order] = []
    order_lines: list[OrderLine] = []
    for number, priced_shop in zip(numbers, shops, strict=True):
        choice = choices.get(priced_shop.shop_id, ShopChoice())
        quote = priced_shop.shipping_quote
        carriers = quote.carriers if quote is not None else ()
        carrier = None
        if choice.carrier_code:
            carrier = next((c for c in carriers if c.code == choice.carrier_code), None)
            if carrier is None:
                raise OrdersError(
                    _("This shop does not ship with the carrier you chose; choose again."),
                    code=ErrorCode.INVALID,
                    field="carrier",
                )
        carrier = carrier or (quote.default_carrier if quote is not None else None)
        shop_lines = priced_shop.lines
        order = Order(
            shop_id=priced_shop.shop_id,
            number=number,
            checkout=checkout,
            buyer=buyer,
            currency=priced.currency,
            subtotal=priced_shop.subtotal,
            discount_total=priced_shop.discount_total,
            discount_shop=sum((line.discount_by(Funder.SHOP) for line in shop_lines), Decimal(0)),
            discount_platform=sum(
                (line.discount_by(Funder.PLATFORM) for line in shop_lines), Decimal(0)
            ),
            merchandise_total=priced_shop.merchandise_total,
            shipping=priced_shop.shipping,
            total=priced_shop.total,
            discounts=_discounts_json(priced_shop.discounts),
            shipping_explanation=list(priced_shop.explanation),
            carrier_code=carrier.code if carrier else "",
            carrier_name=carrier.name if carrier else "",
            insured=bool(quote and quote.insured),
            note=choice.note,
            invoice_type=invoice.type,
            invoice_title=invoice.title,
            invoice_tax_number=invoice.tax_number,
            province_code=province_code,
            payment_due_at=now + payment_window(),
            **address_fields,
        )
        orders.append(order)
        for priced_line in shop_lines:
            sku = cart_line_by_sku[priced_line.sku_id].sku
            order_lines.append(
                OrderLine(
                    shop_id=priced_shop.shop_id,
                    order=order,
                    sku=sku,
                    product_id_snapshot=sku.product_id,
                    category_id_snapshot=sku.product.category_id,
                    title=sku.product.title[:120],
                    sku_code=sku.code,
                    options=sku.option_label[:200],
                    image=sku.product.main_image_thumb,
                    quantity=priced_line.quantity,
                    list_price=priced_line.list_price,
                    unit_price=priced_line.unit_price,
                    subtotal=priced_line.subtotal,
                    discount_total=priced_line.discount_total,
                    discount_shop=priced_line.discount_by(Funder.SHOP),
                    discount_platform=priced_line.discount_by(Funder.PLATFORM),
                    line_total=priced_line.line_total,
                    discounts=_discounts_json(priced_line.discounts),
                    explanation=list(priced_line.explanation),
                    weight_kg=sku.weight or Decimal(0),
                )
            )
    Order.objects.bulk_create(orders)
    for line in order_lines:
        line.order_id = line.order.pk
    OrderLine.objects.bulk_create(order_lines)

    # Stock: one reservation per order (the SKUs are already locked, in primary-key order).
    for order in orders:
        catalog_services.reserve_stock(
            [(line.sku_id, line.quantity) for line in order_lines if line.order_id == order.pk],
            order_ref=order.number,
            actor=buyer,
        )
    content_type = ContentType.objects.get_for_model(Order)
    StateEvent.objects.bulk_create(
        StateEvent(
            content_type=content_type,
            object_id=str(order.pk),
            machine="order",
            from_state="",
            to_state=Order.State.PENDING_PAYMENT,
            actor=buyer,
            reason=_("Order placed."),
            shop_id=order.shop_id,
        )
        for order in orders
    )
    CartLine.objects.filter(cart=cart, pk__in=[line.pk for line in buying]).delete()
    for order in orders:
        events.order_placed.publish(**payload(order))

    payment = None
    if priced.grand_total > 0:
        payment = payment_services.create_payment(checkout=checkout, orders=orders)
    else:  # nothing to pay (free goods, free shipping): paid at once
        for order in orders:
            mark_paid(order, payment=None, now=now)
    return Placement(checkout=checkout, orders=orders, payment=payment, created=True)
