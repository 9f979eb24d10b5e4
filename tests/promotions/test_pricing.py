"""The price engine's first form: totals, shipping per shop, the stacking pipeline, allocation."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from logistics.errors import NotDeliverable
from logistics.quote import Basis, Rate, TemplateSnapshot, flat_rate_template, quote_shipping
from promotions.pricing import (
    Funder,
    ItemOffer,
    OrderOffer,
    PricingError,
    PricingLine,
    Stage,
    price_lines,
    refund_for_units,
)

D = Decimal
NOW = datetime(2026, 6, 18, 10, 0, tzinfo=UTC)
SHOP_A, SHOP_B = 1, 2


def flat_quoter(amount="10.00"):
    def quoter(*, shop_id, lines):
        return quote_shipping(flat_rate_template(D(amount)), province="330000", lines=lines)

    return quoter


def free_quoter(*, shop_id, lines):
    return quote_shipping(flat_rate_template(D("0")), province="330000", lines=lines)


def pline(sku, shop, quantity, price, added=None, **extra):
    return PricingLine(
        sku_id=sku,
        shop_id=shop,
        quantity=quantity,
        current_price=D(price),
        added_price=D(added) if added is not None else None,
        **extra,
    )


def price(lines, promotions=(), quoter=None):
    return price_lines(
        lines,
        buyer=None,
        moment=NOW,
        shipping_quoter=quoter or flat_quoter(),
        promotions=promotions,
    )


# --- Test doubles of the promotions the promotions chapter will write -----------------------------
@dataclass
class PercentOffItems:
    percent: int
    source: str = "promotion:item"
    stage: Stage = Stage.ITEM
    shop_id: int | None = None

    def offer(self, view, *, buyer, moment):
        return ItemOffer(
            view.line.current_price * self.percent / 100, self.source, f"{self.percent}% off"
        )


@dataclass
class SpendSave:
    """满减: take `save` off a shop's lines once they reach `spend`."""

    spend: str
    save: str
    source: str = "promotion:threshold"
    stage: Stage = Stage.THRESHOLD
    shop_id: int | None = None
    funder: Funder = Funder.SHOP

    def offer(self, shop, *, buyer, moment):
        if shop.amount < D(self.spend):
            return None
        return OrderOffer(D(self.save), self.source, f"{self.spend} − {self.save}", self.funder)


@dataclass
class Coupon:
    amount: str
    stage: Stage
    source: str
    minimum: str = "0"
    shop_id: int | None = None
    funder: Funder = Funder.SHOP
    positions: tuple | None = None

    def offer(self, scope, *, buyer, moment):
        if scope.amount < D(self.minimum):
            return None
        return OrderOffer(D(self.amount), self.source, self.source, self.funder, self.positions)


# --- Without promotions ---------------------------------------------------------------------------
def test_lines_from_two_shops_are_priced_per_shop_with_shipping_and_a_grand_total():
    cart = price(
        [pline(1, SHOP_A, 2, "19.90"), pline(2, SHOP_B, 1, "5.05"), pline(3, SHOP_A, 1, "0.10")]
    )
    shop_a, shop_b = cart.shops
    assert [line.line_total for line in shop_a.lines] == [D("39.80"), D("0.10")]
    assert (shop_a.subtotal, shop_a.shipping, shop_a.total) == (D("39.90"), D("10.00"), D("49.90"))
    assert (shop_b.subtotal, shop_b.shipping, shop_b.total) == (D("5.05"), D("10.00"), D("15.05"))
    assert cart.subtotal == D("44.95")
    assert cart.shipping_total == D("20.00")
    assert cart.grand_total == D("64.95")
    assert cart.discount_total == D("0.00")
    assert [line.position for line in cart.lines] == [0, 2, 1]


def test_a_price_changed_since_adding_is_flagged_and_the_current_price_is_charged():
    with translation.override("en"):
        cart = price(
            [pline(1, SHOP_A, 1, "59.00", added="49.00"), pline(2, SHOP_A, 1, "5", added="5")]
        )
    changed, same = cart.lines
    assert changed.price_changed and changed.previous_price == D("49.00")
    assert changed.line_total == D("59.00")
    assert not same.price_changed
    assert cart.price_changes == (changed,)
    assert "The price changed from ¥49.00 to ¥59.00 since you added it." in changed.explanation


def test_shipping_sees_weights_templates_and_prices_after_item_discounts():
    seen = {}

    def quoter(*, shop_id, lines):
        seen[shop_id] = lines
        return quote_shipping(flat_rate_template(), province="330000", lines=lines)

    price(
        [pline(1, SHOP_A, 2, "100.00", weight_kg=D("0.5"), shipping_template_id=9)],
        promotions=[PercentOffItems(10)],
        quoter=quoter,
    )
    (line,) = seen[SHOP_A]
    assert (line.quantity, line.unit_price, line.weight_kg, line.shipping_template_id) == (
        2,
        D("90.00"),
        D("0.5"),
        9,
    )


def test_a_shop_that_does_not_deliver_is_marked_and_checkout_refuses_it():
    def quoter(*, shop_id, lines):
        if shop_id == SHOP_B:
            raise NotDeliverable("540000")
        return quote_shipping(flat_rate_template(), province="540000", lines=lines)

    with translation.override("en"):
        cart = price([pline(1, SHOP_A, 1, "10"), pline(2, SHOP_B, 1, "10")], quoter=quoter)
        shop_a, shop_b = cart.shops
        assert shop_a.deliverable and not shop_b.deliverable
        assert shop_b.shipping == D("0.00") and "Tibet" in shop_b.refusal
        assert not cart.deliverable
        with pytest.raises(PricingError) as refusal:
            cart.raise_if_not_deliverable()
    assert refusal.value.code == "not_deliverable"


def test_weight_based_shipping_through_a_real_template():
    template = TemplateSnapshot(
        id=5, name="Weight", basis=Basis.WEIGHT, default_rate=Rate(D(1), D(8), D(1), D(3))
    )

    def quoter(*, shop_id, lines):
        return quote_shipping(template, province="330000", lines=lines)

    cart = price([pline(1, SHOP_A, 3, "9.90", weight_kg=D("0.8"))], quoter=quoter)
    assert cart.shops[0].shipping == D("14.00")
    assert cart.grand_total == D("43.70")


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([pline(1, SHOP_A, 0, "1")], "invalid_quantity"),
        ([pline(1, SHOP_A, -2, "1")], "invalid_quantity"),
        ([pline(1, SHOP_A, 1, "-1")], "invalid_price"),
        ([pline(1, SHOP_A, 1, "1"), pline(2, SHOP_B, 1, "1", currency="USD")], "mixed_currencies"),
    ],
)
def test_bad_lines_are_refused(lines, code):
    with pytest.raises(PricingError) as error:
        price(lines)
    assert error.value.code == code


def test_a_naive_moment_is_refused():
    with pytest.raises(PricingError):
        price_lines([], buyer=None, moment=datetime(2026, 1, 1), shipping_quoter=free_quoter)  # noqa: DTZ001


def test_an_empty_cart_costs_nothing():
    cart = price([])
    assert cart.shops == () and cart.grand_total == D("0.00")


# --- The stacking pipeline the promotions chapter will fill ----------------------------------
def test_at_most_one_item_discount_per_line_the_best_wins():
    cart = price(
        [pline(1, SHOP_A, 3, "9.99")],
        promotions=[PercentOffItems(10, "promotion:a"), PercentOffItems(15, "promotion:b")],
        quoter=free_quoter,
    )
    (line,) = cart.lines
    assert line.unit_price == D("8.49")  # 9.99 − 1.50 (1.4985 rounded half-up per unit)
    assert line.line_total == D("25.47")
    assert [(d.source, d.amount, d.stage) for d in line.discounts] == [
        ("promotion:b", D("4.50"), Stage.ITEM)
    ]


def test_stages_stack_in_order_each_on_what_is_left():
    lines = [
        pline(1, SHOP_A, 1, "120.00"),
        pline(2, SHOP_A, 1, "80.00"),
        pline(3, SHOP_B, 1, "50.00"),
    ]
    promotions = [
        Coupon("5", Stage.PLATFORM_COUPON, "platform:5", funder=Funder.PLATFORM),
        Coupon("10", Stage.SHOP_COUPON, "shop-coupon:A", minimum="150", shop_id=SHOP_A),
        SpendSave("200", "20", shop_id=SHOP_A),
        PercentOffItems(10, shop_id=SHOP_B),
    ]
    cart = price(lines, promotions, quoter=free_quoter)
    shop_a, shop_b = cart.shops
    # Shop A: 200 → 满减 −20 → 180 → shop coupon (min 150) −10 → 170
    # Shop B: 50 → item −10% → 45
    # Platform coupon −5 over 215 left: A 170/215 of it, B 45/215
    assert [(d.stage, d.source, d.amount) for d in shop_a.discounts] == [
        (Stage.THRESHOLD, "promotion:threshold", D("20.00")),
        (Stage.SHOP_COUPON, "shop-coupon:A", D("10.00")),
        (Stage.PLATFORM_COUPON, "platform:5", D("3.95")),
    ]
    assert [(d.stage, d.amount) for d in shop_b.discounts] == [
        (Stage.ITEM, D("5.00")),
        (Stage.PLATFORM_COUPON, D("1.05")),
    ]
    assert cart.discount_total == D("40.00")
    assert cart.grand_total == D("210.00")
    # Order-level discounts are allocated back to lines by what is left on each
    line_1, line_2 = shop_a.lines
    assert [d.amount for d in line_1.discounts] == [D("12.00"), D("6.00"), D("2.37")]
    assert [d.amount for d in line_2.discounts] == [D("8.00"), D("4.00"), D("1.58")]
    assert line_1.line_total + line_2.line_total == shop_a.merchandise_total == D("166.05")
    assert line_1.discount_by(Funder.PLATFORM) == D("2.37")
    assert line_1.discount_by(Funder.SHOP) == D("18.00")


def test_a_threshold_is_judged_after_item_discounts():
    cart = price(
        [pline(1, SHOP_A, 1, "210.00")],
        promotions=[PercentOffItems(10), SpendSave("200", "20")],
        quoter=free_quoter,
    )
    assert cart.shops[0].discounts[-1].stage == Stage.ITEM  # 189 does not reach 200
    assert cart.grand_total == D("189.00")


def test_the_best_threshold_promotion_of_a_shop_applies_alone():
    cart = price(
        [pline(1, SHOP_A, 1, "320.00")],
        promotions=[SpendSave("200", "20", "t:200"), SpendSave("300", "40", "t:300")],
        quoter=free_quoter,
    )
    assert [(d.source, d.amount) for d in cart.shops[0].discounts] == [("t:300", D("40.00"))]


def test_shop_promotions_touch_only_their_shop():
    cart = price(
        [pline(1, SHOP_A, 1, "50"), pline(2, SHOP_B, 1, "50")],
        promotions=[Coupon("10", Stage.SHOP_COUPON, "shop-coupon:B", shop_id=SHOP_B)],
        quoter=free_quoter,
    )
    assert cart.shops[0].discount_total == D("0.00")
    assert cart.shops[1].discount_total == D("10.00")


def test_an_order_discount_never_exceeds_what_is_left_and_never_makes_a_line_negative():
    cart = price(
        [pline(1, SHOP_A, 1, "3.00"), pline(2, SHOP_A, 2, "0.01")],
        promotions=[Coupon("50", Stage.SHOP_COUPON, "big")],
        quoter=free_quoter,
    )
    assert cart.shops[0].merchandise_total == D("0.00")
    assert all(line.line_total == 0 for line in cart.lines)
    assert cart.discount_total == D("3.02")


def test_a_discount_limited_to_some_lines_is_allocated_only_to_them():
    cart = price(
        [pline(1, SHOP_A, 1, "30"), pline(2, SHOP_A, 1, "70")],
        promotions=[Coupon("10", Stage.SHOP_COUPON, "only-second", positions=(1,))],
        quoter=free_quoter,
    )
    first, second = cart.lines
    assert first.discounts == () and second.discount_total == D("10.00")


def test_allocation_to_lines_is_exact_for_awkward_amounts():
    lines = [pline(sku, SHOP_A, 1, "33.33") for sku in range(3)]
    cart = price(lines, promotions=[Coupon("10", Stage.SHOP_COUPON, "ten")], quoter=free_quoter)
    assert [line.discount_total for line in cart.lines] == [D("3.34"), D("3.33"), D("3.33")]
    assert sum(line.line_total for line in cart.lines) == D("89.99")


# --- Refunds ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line_total", "quantity", "steps", "expected"),
    [
        ("10.00", 3, [1, 1, 1], ["3.34", "3.33", "3.33"]),
        ("10.00", 3, [2, 1], ["6.67", "3.33"]),
        ("25.47", 3, [3], ["25.47"]),
        ("0.05", 4, [1, 3], ["0.02", "0.03"]),
    ],
)
def test_partial_refunds_add_up_to_what_was_paid(line_total, quantity, steps, expected):
    refunded_units = 0
    refunds = []
    for units in steps:
        refunds.append(
            refund_for_units(
                D(line_total), quantity=quantity, units=units, already_refunded_units=refunded_units
            )
        )
        refunded_units += units
    assert refunds == [D(value) for value in expected]
    assert sum(refunds) == D(line_total)


def test_refunding_more_units_than_bought_is_refused():
    with pytest.raises(PricingError):
        refund_for_units(D("10"), quantity=2, units=2, already_refunded_units=1)


def test_a_priced_line_refunds_its_own_share_of_order_discounts():
    lines = [pline(sku, SHOP_A, 3, "10.00") for sku in range(2)]
    cart = price(lines, promotions=[Coupon("1", Stage.SHOP_COUPON, "one")], quoter=free_quoter)
    first = cart.lines[0]
    assert first.line_total == D("29.50")
    assert first.refund_for_units(1) == D("9.84")
    assert sum(first.refund_for_units(1, already_refunded_units=n) for n in range(3)) == D("29.50")
