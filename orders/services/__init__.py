"""Every write of the orders chapter. Split by sub-domain; the names below are the public API.

Cart (orders.services.cart)
    add_to_cart(cart=, sku_id=, quantity=), update_quantity(cart=, line_id=, quantity=),
    remove_line(cart=, line_id=), accept_current_prices(cart=), merge_guest_cart(user=, token=)
Placement (orders.services.placement)
    place_order(buyer=, token=, address_id= or address=, choices={shop_id: ShopChoice},
                invoice=InvoiceRequest, expected_total=) -> Placement(checkout, orders, payment,
                created)
Payments (orders.services.payments)
    start_payment(payment), pay_again(order=, buyer=), receive_payment_event(provider, body,
    headers), handle_payment_event(ProviderEvent) -> PaymentEvent, check_payment(payment) -> Check
Lifecycle (orders.services.lifecycle)
    mark_paid(order, payment=), mark_orders_paid(orders, payment=), accept_order(order, shop=,
    actor=), accept_orders(shop=, actor=, numbers=), cancel_order(order, by=, actor=, reason=,
    shop=), record_shipment(order, shop=, actor=, quantities=), mark_delivered(order, actor=),
    confirm_receipt(order, buyer=), complete_order(order), flag_problem(order, kind=, note=),
    resolve_problem(order, shop=, actor=), beat jobs: complete_due_orders(),
    confirm_overdue_receipts()
Payment repair (orders.services.payment_repair)
    beat jobs: repair_pending_payments() (ask the provider about payments pending for minutes: a
    lost webhook), cancel_unpaid_orders() (the unpaid timeout, which asks the provider first)
Refunds (orders.services.refunds): every refund goes through create_refund, capped at what is left
    refundable(order) -> Refundable, create_refund(order=, reason=, amount= or lines=, payment=,
    actor=, cap=), refund_order(order, reason=, actor=), process_refund(refund_id),
    cancel_open_payment(payment, reason=)

Who imports whom (at module level; no loop):

    payment_repair -> payments, lifecycle
    placement -> payments, lifecycle      payments -> lifecycle, refunds
    lifecycle -> refunds                  refunds  -> no other service
    cart      -> orders.selectors (read rules such as `sku_problem`; selectors import no service)

A payment event marks orders paid (payments → lifecycle); cancelling an order cancels its open
payment or refunds it (lifecycle → refunds), so what both need from the payment side lives in
`refunds`, which knows no order state.
"""

from orders.services.cart import (
    accept_current_prices,
    add_to_cart,
    merge_guest_cart,
    remove_line,
    update_quantity,
)
from orders.services.lifecycle import (
    accept_order,
    accept_orders,
    cancel_order,
    complete_due_orders,
    complete_order,
    confirm_overdue_receipts,
    confirm_receipt,
    flag_problem,
    mark_delivered,
    mark_orders_paid,
    mark_paid,
    record_shipment,
    resolve_problem,
)
from orders.services.payment_repair import cancel_unpaid_orders, repair_pending_payments
from orders.services.payments import (
    check_payment,
    handle_payment_event,
    pay_again,
    receive_payment_event,
    start_payment,
)
from orders.services.placement import (
    InvoiceRequest,
    Placement,
    ShopChoice,
    place_order,
)
from orders.services.refunds import create_refund, process_refund, refund_order, refundable

__all__ = [
    "InvoiceRequest",
    "Placement",
    "ShopChoice",
    "accept_current_prices",
    "accept_order",
    "accept_orders",
    "add_to_cart",
    "cancel_order",
    "cancel_unpaid_orders",
    "check_payment",
    "complete_due_orders",
    "complete_order",
    "confirm_overdue_receipts",
    "confirm_receipt",
    "create_refund",
    "flag_problem",
    "handle_payment_event",
    "mark_delivered",
    "mark_orders_paid",
    "mark_paid",
    "merge_guest_cart",
    "pay_again",
    "place_order",
    "process_refund",
    "receive_payment_event",
    "record_shipment",
    "refund_order",
    "refundable",
    "remove_line",
    "repair_pending_payments",
    "resolve_problem",
    "start_payment",
    "update_quantity",
]
