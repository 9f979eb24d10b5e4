"""Placing orders: one checkout → one order per shop, stock reserved, one payment — all or nothing.

    placement = place_order(
        buyer=user,
        token=checkout_token,                 # from the review page: the idempotency key
        address_id=3,                         # one of the buyer's saved addresses (or address=,
                                              # the buyer's Address the caller already read)
        choices={shop_id: ShopChoice(carrier_code="sf", note="…", insure=False)},
        invoice=InvoiceRequest(type="company", title="…", tax_number="…"),
        expected_total=Decimal("123.40"),     # what the buyer reviewed (None: do not check)
    )
    placement.checkout, placement.orders, placement.payment, placement.created

What it trusts: nothing from the browser but the buyer's choices. Prices, discounts and shipping
are recomputed by the price engine from the locked SKUs; the shop of a line is the SKU's; choices
for shops not in the cart are ignored; `expected_total` only guards against charging more (or
less) than the buyer saw: if it differs, nothing is written and the buyer reviews again.

How (Saleor's and oscar's habits), one transaction, each step a function below:
1. `_lock_cart`: the buyer's cart row is locked first (NOWAIT, with whether the token is taken
   in the same query); a double submit finds it locked, waits for it in a second attempt, then
   finds the checkout of the first submit by its token (the one idempotency check) and returns
   it (`created=False`): a no-op, the same orders;
2. the request is checked once: invoice, choices, the address and its province (`_read_request`);
3. `_lock_lines`: the cart's lines are read with their SKUs locked in the same query (catalog's
   `lock_stock_of`: their products, then the SKUs, in primary-key order) and re-checked (live,
   in stock);
4. `_price`: the cart is priced once by the engine and checked (deliverable, the reviewed total),
   and `_choose_carriers` checks each shop's carrier;
5. `_create_checkout`, `_create_orders` (numbers from a sequence, lines), `_reserve_stock`
   (catalog's conditional update and one ledger row per SKU in one statement, under the locks of
   step 3), `_record_placed` (the "placed"
   timeline rows, `order_placed`), the bought lines leave the cart, `_create_payment`;
6. after commit, the payment provider is called (`payments.start_payment`), outside the
   transaction; a provider failure leaves the orders pending with a "pay again" button.

Locks, in the one order of docs/architecture.md ("Lock order"): the cart, then the stock
(products, SKUs); the rows it creates are new. A transaction PostgreSQL aborted for a deadlock or
a serialization failure runs again, whole (`marketplace.core.db.retry_on_deadlock`).

A refusal raised once the cart is priced carries that priced cart (`refused_summary(error)`), so
the page that shows the refusal does not price the cart again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import services as catalog_services
from catalog.models import Sku
from logistics.errors import LogisticsError
from logistics.services import resolve_province
from marketplace.accounts.models import Address
from marketplace.core.db import retry_on_deadlock
from marketplace.core.errors import DomainError
from marketplace.core.models import StateEvent
from marketplace.core.money import as_decimal, format_amount, quantize
from orders import events, selectors
from orders.errors import ErrorCode, OrdersConflict, OrdersError
from orders.models import Cart, CartLine, Checkout, InvoiceType, Order, OrderLine, Payment
from orders.numbering import next_order_numbers
from orders.selectors import CartSummary
from orders.services.lifecycle import mark_orders_paid, payload, payment_window
from orders.services.payments import create_payment, start_payment
from orders.shipping import quoter_for
from promotions.pricing import Funder, PricedCart

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL: NOWAIT found the row locked
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


def _address_of(buyer, *, address_id=None, address: Address | None = None) -> Address:
    """The buyer's delivery address: the one given (checked to be theirs) or read by id."""
    if address is None:
        try:
            address_id = int(address_id)
        except (TypeError, ValueError):
            address_id = None
        address = Address.objects.filter(user=buyer, pk=address_id).first() if address_id else None
    if address is None or address.user_id != buyer.pk:
        raise OrdersError(
            _("Choose a delivery address."), code=ErrorCode.NO_ADDRESS, field="address"
        )
    return address


def _province_of(address: Address) -> str:
    """The region code of the address's province; one logistics cannot place is refused."""
    try:
        return resolve_province(address.province)
    except LogisticsError as error:
        raise OrdersError(
            _("We cannot deliver to the province “%(province)s”; check the address.")
            % {"province": address.province},
            code=ErrorCode.NOT_DELIVERABLE,
            field="address",
        ) from error


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


# --- Refusals that carry the priced cart ----------------------------------------------------------
def _with_summary(error: DomainError, summary: CartSummary) -> DomainError:
    """`error`, carrying the cart as priced under the locks (read back by `refused_summary`)."""
    error.summary = summary
    return error


def refused_summary(error: DomainError) -> CartSummary | None:
    """The cart as `place_order` priced it before refusing, for the page that shows the refusal
    (None when it refused before pricing: that page prices the cart itself, once)."""
    return vars(error).get("summary")


# --- The service ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Submit:
    """What the buyer asked for, checked once (`_read_request`)."""

    buyer: Any
    token: uuid.UUID
    invoice: InvoiceRequest
    choices: dict[int, ShopChoice]
    address: Address
    province_code: str
    expected_total: Decimal | None
    now: datetime

    @property
    def address_fields(self) -> dict:
        return {name: getattr(self.address, name) for name in Checkout.ADDRESS_FIELDS}

    @property
    def insured_shops(self) -> set[int]:
        return {shop_id for shop_id, choice in self.choices.items() if choice.insure}


def place_order(
    *,
    buyer,
    token,
    address_id=None,
    address: Address | None = None,
    choices: Mapping | None = None,
    invoice: InvoiceRequest | None = None,
    expected_total: Decimal | None = None,
) -> Placement:
    """See the module docstring."""
    token = parse_token(token)
    request = {
        "address_id": address_id,
        "address": address,
        "choices": choices,
        "invoice": invoice,
        "expected_total": expected_total,
    }
    try:
        placement = _place(buyer=buyer, token=token, request=request)
    except IntegrityError:
        placement = existing_placement(token, buyer)  # the token was taken meanwhile
        if placement is None:
            raise
    return _resume(placement)


def _resume(placement: Placement) -> Placement:
    """After commit: send a payment that was not sent yet to the provider (with the orders in
    hand when they were placed now: they are not read again)."""
    if placement.payment is not None and placement.payment.state == Payment.State.CREATED:
        placement.payment = start_payment(
            placement.payment, orders=placement.orders if placement.created else None
        )
    return placement


@retry_on_deadlock
def _place(*, buyer, token, request: dict) -> Placement:
    """`_place_once`, first without waiting for the cart's lock; when another submit of the
    buyer holds it (a double submit), that attempt stops at once, rolled back, and the second
    waits for the lock, then looks the token up again."""
    try:
        return _place_once(buyer=buyer, token=token, request=request, wait=False)
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != LOCK_NOT_AVAILABLE:
            raise
    return _place_once(buyer=buyer, token=token, request=request, wait=True)


@transaction.atomic
def _place_once(*, buyer, token, request: dict, wait: bool) -> Placement:
    """The steps of the module docstring, in one transaction: a refusal at any step writes
    nothing. `request`: what the buyer sent, as `place_order` took it."""
    cart = _lock_cart(buyer, token, wait=wait)
    if cart is None or cart.token_taken or wait:  # `wait`: a double submit waited for the lock
        known = existing_placement(token, buyer)
        if known is not None:
            return known
    submit = _read_request(buyer=buyer, token=token, **request)
    summary, left_out, locked = _lock_lines(cart)
    priced = _price(summary, submit, left_out=left_out)
    carriers = _choose_carriers(summary, submit)
    checkout = _create_checkout(priced, submit)
    orders, order_lines = _create_orders(checkout, summary, submit, carriers)
    _reserve_stock(orders, order_lines, actor=buyer, locked=locked)
    _record_placed(orders, actor=buyer)
    CartLine.objects.filter(
        cart=cart, pk__in=[item.line.pk for item in summary.purchasable_items]
    ).delete()
    payment = _create_payment(checkout, orders, priced, now=submit.now)
    return Placement(checkout=checkout, orders=orders, payment=payment, created=True)


# --- The steps ------------------------------------------------------------------------------------
def _lock_cart(buyer, token, *, wait: bool) -> Cart | None:
    """Lock the buyer's cart row: a second submit of the same checkout waits here for the first.
    The same query says whether a checkout holds `token` already (`cart.token_taken`). That is
    only true to the statement's snapshot, taken before any wait: hence `wait=False` (NOWAIT:
    a held lock raises at once) for the common case, which then needs no second query."""
    return (
        Cart.objects.select_for_update(no_key=True, of=("self",), nowait=not wait)
        .filter(user=buyer)
        .annotate(token_taken=Exists(Checkout.objects.filter(token=token)))
        .order_by("pk")
        .first()
    )


def _read_request(
    *, buyer, token, address_id, address, choices, invoice, expected_total
) -> _Submit:
    """Check what the buyer sent, once: invoice, choices, the address and its province."""
    invoice = clean_invoice(invoice)
    choices = _clean_choices(choices)
    address = _address_of(buyer, address_id=address_id, address=address)
    province_code = _province_of(address)
    return _Submit(
        buyer=buyer,
        token=token,
        invoice=invoice,
        choices=choices,
        address=address,
        province_code=province_code,
        expected_total=(
            quantize(as_decimal(expected_total)) if expected_total is not None else None
        ),
        now=timezone.now(),
    )


def _lock_lines(cart: Cart | None) -> tuple[CartSummary, list[str], dict[int, Sku]]:
    """Lock the cart's SKUs (their products, then them, in primary-key order) and read them
    (price, stock, state) under the lock; returns the cart grouped by shop (not priced yet) and,
    in cart order, why the lines left out (unavailable, sold out: they stay in the cart) are. A
    line asking for more than is left refuses the whole checkout, and so does a cart with
    nothing to buy. Also returns the locked SKUs by id (reserved later without a second lock).
    One query: the lines with their SKUs, products and shops, the stock locked as they are read
    (`catalog.services.lock_stock_of`)."""
    if cart is None:
        raise OrdersError(_("Your cart is empty."), code=ErrorCode.EMPTY_CART)
    present = catalog_services.lock_stock_of(CartLine.objects.filter(cart=cart))
    if not present:
        raise OrdersError(_("Your cart is empty."), code=ErrorCode.EMPTY_CART)
    present.sort(key=lambda line: (line.created_at, line.pk))  # the cart's order
    locked = {line.sku_id: line.sku for line in present}
    summary = selectors.group_cart(cart, lines=present)
    item_of = {item.line.pk: item for item in summary.items}
    left_out: list[str] = []
    for line in present:
        item = item_of[line.pk]
        if item.blocks_checkout:
            raise OrdersConflict(item.problem, code=ErrorCode.INSUFFICIENT_STOCK, field="quantity")
        if not item.purchasable:
            left_out.append(item.problem)
    if not summary.purchasable_items:
        raise OrdersError(_("Nothing in your cart can be bought now."), code=ErrorCode.UNAVAILABLE)
    return summary, left_out, locked


def _price(summary: CartSummary, submit: _Submit, *, left_out: list[str]) -> PricedCart:
    """Price the lines bought, once, to the address; refuse a shop that does not deliver there
    and a total other than the one the buyer reviewed."""
    quoter = quoter_for(province=submit.province_code, insure_shops=submit.insured_shops)
    priced = selectors.price_summary(
        summary, buyer=submit.buyer, quoter=quoter, moment=submit.now
    ).priced
    if not priced.deliverable:
        shop = next(s for s in priced.shops if not s.deliverable)
        raise _with_summary(
            OrdersError(shop.refusal, code=ErrorCode.NOT_DELIVERABLE, field="address"), summary
        )
    if submit.expected_total is not None and submit.expected_total != priced.grand_total:
        message = _(
            "Prices or shipping changed since you reviewed your order: the total is now "
            "%(total)s. Please review it again."
        ) % {"total": format_amount(priced.grand_total, priced.currency)}
        raise _with_summary(
            OrdersConflict(" ".join([*left_out, message]), code=ErrorCode.PRICES_CHANGED), summary
        )
    return priced


def _choose_carriers(summary: CartSummary, submit: _Submit) -> dict:
    """Each shop's carrier: the buyer's choice among those the shop's quote offers, else the
    shop's default (None when the shop has no carrier). A carrier not offered is refused."""
    carriers = {}
    for priced_shop in summary.priced.shops:
        choice = submit.choices.get(priced_shop.shop_id, ShopChoice())
        quote = priced_shop.shipping_quote
        offered = quote.carriers if quote is not None else ()
        carrier = None
        if choice.carrier_code:
            carrier = next((c for c in offered if c.code == choice.carrier_code), None)
            if carrier is None:
                raise _with_summary(
                    OrdersError(
                        _("This shop does not ship with the carrier you chose; choose again."),
                        code=ErrorCode.INVALID,
                        field="carrier",
                    ),
                    summary,
                )
        carriers[priced_shop.shop_id] = carrier or (
            quote.default_carrier if quote is not None else None
        )
    return carriers


def _create_checkout(priced: PricedCart, submit: _Submit) -> Checkout:
    """The checkout row: the token, the cart's totals, the invoice and the address."""
    invoice = submit.invoice
    return Checkout.objects.create(
        token=submit.token,
        buyer=submit.buyer,
        currency=priced.currency,
        subtotal=priced.subtotal,
        discount_total=priced.discount_total,
        shipping_total=priced.shipping_total,
        grand_total=priced.grand_total,
        invoice_type=invoice.type,
        invoice_title=invoice.title,
        invoice_tax_number=invoice.tax_number,
        province_code=submit.province_code,
        **submit.address_fields,
    )


def _create_orders(
    checkout: Checkout, summary: CartSummary, submit: _Submit, carriers: dict
) -> tuple[list[Order], list[OrderLine]]:
    """One order per shop (by shop id, numbered from the sequence) and its lines, with every
    price, discount and the shipping snapshotted as the engine computed them (two inserts)."""
    priced = summary.priced
    sku_at = {item.priced.position: item.line.sku for item in summary.items if item.priced}
    shop_of = {sku.shop_id: sku.shop for sku in sku_at.values()}
    shops = sorted(priced.shops, key=lambda s: s.shop_id)
    numbers = next_order_numbers(len(shops), now=submit.now)
    invoice = submit.invoice
    address_fields = submit.address_fields
    orders: list[Order] = []
    order_lines: list[OrderLine] = []
    for number, priced_shop in zip(numbers, shops, strict=True):
        choice = submit.choices.get(priced_shop.shop_id, ShopChoice())
        quote = priced_shop.shipping_quote
        carrier = carriers[priced_shop.shop_id]
        shop_lines = priced_shop.lines
        order = Order(
            shop_id=priced_shop.shop_id,
            number=number,
            checkout=checkout,
            buyer=submit.buyer,
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
            province_code=submit.province_code,
            payment_due_at=submit.now + payment_window(),
            **address_fields,
        )
        if priced_shop.shop_id in shop_of:
            order.shop = shop_of[priced_shop.shop_id]  # read with the SKUs (the provider needs it)
        orders.append(order)
        order_lines.extend(_order_line(order, line, sku_at[line.position]) for line in shop_lines)
    Order.objects.bulk_create(orders)
    for line in order_lines:
        line.order_id = line.order.pk
    OrderLine.objects.bulk_create(order_lines)
    return orders, order_lines


def _order_line(order: Order, priced_line, sku: Sku) -> OrderLine:
    """An order line: the SKU and product as they are now, and the engine's prices."""
    return OrderLine(
        shop_id=order.shop_id,
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


def _reserve_stock(
    orders: list[Order], order_lines: list[OrderLine], *, actor, locked: dict[int, Sku]
) -> None:
    """Every order's reservation through catalog at once; the SKUs were locked (in the one
    order) and checked by `_lock_lines` in this transaction, so they are not locked again."""
    catalog_services.reserve_stock_for_orders(
        {
            order.number: [
                (line.sku_id, line.quantity) for line in order_lines if line.order_id == order.pk
            ]
            for order in orders
        },
        actor=actor,
        locked=locked,
    )


def _record_placed(orders: list[Order], *, actor) -> None:
    """The "placed" row of each order's timeline (one insert), and `order_placed` after commit."""
    content_type = ContentType.objects.get_for_model(Order)
    StateEvent.objects.bulk_create(
        StateEvent(
            content_type=content_type,
            object_id=str(order.pk),
            machine="order",
            from_state="",
            to_state=Order.State.PENDING_PAYMENT,
            actor=actor,
            reason=_("Order placed."),
            shop_id=order.shop_id,
        )
        for order in orders
    )
    for order in orders:
        events.order_placed.publish(**payload(order))


def _create_payment(checkout: Checkout, orders: list[Order], priced: PricedCart, *, now):
    """The payment row for the whole checkout (sent to the provider after commit); with nothing
    to pay (free goods, free shipping), the orders are paid at once and there is none."""
    if priced.grand_total > 0:
        return create_payment(checkout=checkout, orders=orders)
    mark_orders_paid(orders, payment=None, now=now)
    return None
