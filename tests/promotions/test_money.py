"""The one money helper: half-up rounding to the minor unit, no floats, exact allocation."""

from decimal import Decimal

import pytest

from marketplace.core.money import (
    Money,
    allocate,
    format_amount,
    from_minor,
    minor_unit,
    quantize,
    to_minor,
)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("10.005", "CNY", Decimal("10.01")),
        ("10.004", "CNY", Decimal("10.00")),
        ("-10.005", "CNY", Decimal("-10.01")),
        ("2.5", "JPY", Decimal("3")),
        ("0", "CNY", Decimal("0.00")),
        (7, "CNY", Decimal("7.00")),
        (Decimal("1.995"), "usd", Decimal("2.00")),
    ],
)
def test_quantize_rounds_half_up_to_the_minor_unit(amount, currency, expected):
    result = quantize(amount, currency)
    assert result == expected
    assert result.as_tuple().exponent == expected.as_tuple().exponent


@pytest.mark.parametrize("bad", [0.1, 1.0, True])
def test_floats_and_bools_are_refused(bad):
    with pytest.raises(TypeError):
        quantize(bad)


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError):
        minor_unit("XXX")


def test_minor_units_round_trip():
    assert to_minor(Decimal("12.345")) == 1235
    assert from_minor(1235) == Decimal("12.35")
    assert to_minor(Decimal("12"), "JPY") == 12


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        ("10.00", [1, 1, 1], ["3.34", "3.33", "3.33"]),
        ("0.02", [1, 1, 1], ["0.01", "0.01", "0.00"]),
        ("20.00", [3000, 2000, 5000], ["6.00", "4.00", "10.00"]),
        ("10.00", [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")], ["3.33", "3.33", "3.34"]),
        ("5.00", [0, 1], ["0.00", "5.00"]),
        ("0.00", [1, 2], ["0.00", "0.00"]),
        ("0.00", [0, 0], ["0.00", "0.00"]),
        ("1.00", [1], ["1.00"]),
        # ties of remainders go to the earlier position
        ("0.01", [1, 1], ["0.01", "0.00"]),
    ],
)
def test_allocate_splits_exactly_by_largest_remainder(amount, weights, expected):
    shares = allocate(Decimal(amount), weights)
    assert shares == [Decimal(value) for value in expected]
    assert sum(shares) == Decimal(amount)


@pytest.mark.parametrize(
    ("amount", "weights_in_fen"),
    [
        ("99.99", [1, 9999, 3333, 7]),
        ("0.07", [100, 100, 100, 100, 100, 100, 100, 100]),
        ("123.45", [12345]),
        ("123.45", [4115, 4115, 4115]),
        ("0.28", [1] * 28),
        ("0.27", [1] * 28),
        ("33.35", [3333, 1, 1]),
    ],
)
def test_allocated_shares_add_up_and_never_exceed_their_weight_when_amount_fits(
    amount, weights_in_fen
):
    shares = allocate(Decimal(amount), weights_in_fen)
    assert sum(shares) == Decimal(amount)
    for share, weight in zip(shares, weights_in_fen, strict=True):
        assert Decimal(0) <= share <= from_minor(weight)


@pytest.mark.parametrize(
    ("amount", "weights"),
    [("-1.00", [1]), ("1.00", []), ("1.00", [0, 0]), ("1.00", [1, -1])],
)
def test_allocate_refuses_what_cannot_be_split(amount, weights):
    with pytest.raises(ValueError):
        allocate(Decimal(amount), weights)


def test_money_keeps_its_currency_and_rounds():
    total = Money("12.30") + Money("0.705")
    assert total == Money(Decimal("13.01"))
    assert total.minor == 1301
    assert Money("3.00") * 3 == Money("9.00")
    assert Money("1.00") < Money("1.01")
    assert Money("10.00").allocate([1, 1, 1]) == [Money("3.34"), Money("3.33"), Money("3.33")]
    with pytest.raises(ValueError):
        Money("1.00") + Money("1.00", "USD")
    with pytest.raises(TypeError):
        Money(0.5)


def test_format_amount_uses_the_currency_symbol():
    assert format_amount(Decimal("12.5")) == "¥12.50"
    assert format_amount(Decimal("-3")) == "-¥3.00"
    assert format_amount(Decimal("5"), "KRW") == "5 KRW"
