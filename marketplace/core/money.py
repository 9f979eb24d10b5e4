"""Money: the one place amounts are rounded and split (DESIGN §4).

    quantize(Decimal("10.005"))                  -> Decimal("10.01")   # half-up, CNY minor unit
    to_minor(Decimal("12.34"))                   -> 1234
    from_minor(1234)                             -> Decimal("12.34")
    allocate(Decimal("10.00"), [1, 1, 1])        -> [Decimal("3.34"), Decimal("3.33"),
                                                     Decimal("3.33")]
    Money("12.30") + Money("0.70")               -> Money(amount=Decimal("13.00"), currency="CNY")

Amounts are `Decimal`, never `float`: every function here refuses a float (`TypeError`), so a float
cannot slip into a money path unnoticed. Rounding is ROUND_HALF_UP to the currency's minor unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

DEFAULT_CURRENCY = "CNY"

# Digits after the decimal point (ISO 4217 minor unit) of the currencies the platform knows.
MINOR_UNIT_DIGITS: dict[str, int] = {
    "CNY": 2,
    "HKD": 2,
    "TWD": 2,
    "MOP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "AUD": 2,
    "CAD": 2,
    "JPY": 0,
    "KRW": 0,
}

ZERO = Decimal("0")


def minor_digits(currency: str = DEFAULT_CURRENCY) -> int:
    try:
        return MINOR_UNIT_DIGITS[currency.upper()]
    except KeyError as error:
        raise ValueError(f"Unknown currency {currency!r}") from error


def minor_unit(currency: str = DEFAULT_CURRENCY) -> Decimal:
    """The smallest amount of `currency`: Decimal("0.01") for CNY, Decimal("1") for JPY."""
    return Decimal(1).scaleb(-minor_digits(currency))


def as_decimal(value) -> Decimal:
    """`value` (Decimal, int or numeric string) as a Decimal; a float is refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool | float):
        raise TypeError("Money amounts must be Decimal, int or str, never float or bool.")
    if isinstance(value, int | str):
        return Decimal(value)
    raise TypeError(f"Not a money amount: {value!r}")


def quantize(amount, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """`amount` rounded half-up to the minor unit of `currency`."""
    return as_decimal(amount).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def to_minor(amount, currency: str = DEFAULT_CURRENCY) -> int:
    """`amount` in minor units (fen for CNY), after rounding half-up."""
    return int(quantize(amount, currency).scaleb(minor_digits(currency)))


def from_minor(units: int, currency: str = DEFAULT_CURRENCY) -> Decimal:
    """`units` minor units as an amount with the currency's exponent (1234 -> Decimal("12.34"))."""
    if not isinstance(units, int) or isinstance(units, bool):
        raise TypeError("Minor units are an int.")
    return quantize(Decimal(units).scaleb(-minor_digits(currency)), currency)


def allocate(amount, weights: Sequence, currency: str = DEFAULT_CURRENCY) -> list[Decimal]:
    """Split `amount` over `weights` in proportion, exactly, in minor units (largest remainder).

    Each share is first rounded down to a whole minor unit; the units left over go one each to
    the shares with the largest remainders (ties to the earlier position). The shares always add
    up to `amount`, so refunding one line's share returns exactly what was paid for that line.

    With `0 <= amount <= sum(weights)` and weights in minor units (e.g. line totals), no share
    exceeds its weight: a discount allocated by line totals never makes a line negative.
    Weights are non-negative Decimals or ints; `amount` is non-negative.
    """
    total_units = to_minor(amount, currency)
    if total_units < 0:
        raise ValueError("Only a non-negative amount can be allocated.")
    weight_values = [as_decimal(weight) for weight in weights]
    if any(weight < 0 for weight in weight_values):
        raise ValueError("Allocation weights must not be negative.")
    weight_sum = sum(weight_values, ZERO)
    if not weight_values:
        if total_units:
            raise ValueError("Cannot allocate an amount over no weights.")
        return []
    if weight_sum == 0:
        if total_units:
            raise ValueError("Cannot allocate an amount over weights that are all zero.")
        return [from_minor(0, currency) for _ in weight_values]

    floors: list[int] = []
    remainders: list[Decimal] = []
    for weight in weight_values:
        exact = Decimal(total_units) * weight / weight_sum
        floor = int(exact.to_integral_value(rounding=ROUND_FLOOR))
        floors.append(floor)
        remainders.append(exact - floor)
    left_over = total_units - sum(floors)
    by_remainder = sorted(range(len(weight_values)), key=lambda i: (-remainders[i], i))
    for index in by_remainder[:left_over]:
        floors[index] += 1
    return [from_minor(units, currency) for units in floors]


CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "US$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}


def format_amount(amount, currency: str = DEFAULT_CURRENCY) -> str:
    """The one display form of money, in Python and (as the `money` filter) in templates:
    the amount rounded to the currency's minor unit, grouped in the active language's number
    format, with the currency's symbol ("¥1,288.00", "-¥3.00") or its code ("5 KRW")."""
    currency = (currency or DEFAULT_CURRENCY).upper()
    value = quantize(amount, currency)
    digits = _grouped(abs(value), minor_digits(currency))
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


@lru_cache(maxsize=32)
def _number_style(language: str | None) -> tuple[str, str, object]:
    from django.utils.formats import get_format

    return (
        get_format("DECIMAL_SEPARATOR", language),
        get_format("THOUSAND_SEPARATOR", language),
        get_format("NUMBER_GROUPING", language),
    )


def _grouped(value: Decimal, places: int) -> str:
    """`value` as Django's number_format(…, force_grouping=True) writes it in the active
    language, by Python's own formatting for the groupings our languages use (a storefront
    list formats dozens of prices: number_format costs ten times as much)."""
    from django.utils import translation
    from django.utils.formats import number_format

    decimal_sep, thousand_sep, grouping = _number_style(translation.get_language())
    if grouping == 3:
        text = f"{value:,.{places}f}"
        return text.translate({ord(","): thousand_sep, ord("."): decimal_sep})
    if not grouping:
        return f"{value:.{places}f}".replace(".", decimal_sep)
    return number_format(value, decimal_pos=places, force_grouping=True)


@dataclass(frozen=True, order=False)
class Money:
    """An amount with its currency. Arithmetic keeps the currency and refuses to mix two.

    `Money` is a convenience for code that carries amounts around; the stored form stays a
    `DecimalField(max_digits=12, decimal_places=2)` with a currency field beside it.
    """

    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self):
        object.__setattr__(self, "currency", self.currency.upper())
        minor_digits(self.currency)  # refuses an unknown currency
        object.__setattr__(self, "amount", quantize(self.amount, self.currency))

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(ZERO, currency)

    @classmethod
    def from_minor(cls, units: int, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(from_minor(units, currency), currency)

    @property
    def minor(self) -> int:
        return to_minor(self.amount, self.currency)

    def _same_currency(self, other) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise ValueError(f"Cannot combine {self.currency} and {other.currency}.")
        return other

    def __add__(self, other):
        other = self._same_currency(other)
        if other is NotImplemented:
            return NotImplemented
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other):
        other = self._same_currency(other)
        if other is NotImplemented:
            return NotImplemented
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor):
        return Money(self.amount * as_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __neg__(self):
        return Money(-self.amount, self.currency)

    def __lt__(self, other):
        other = self._same_currency(other)
        if other is NotImplemented:
            return NotImplemented
        return self.amount < other.amount

    def __le__(self, other):
        other = self._same_currency(other)
        if other is NotImplemented:
            return NotImplemented
        return self.amount <= other.amount

    def __gt__(self, other):
        other = self._same_currency(other)
        if other is NotImplemented:
            return NotImplemented
        return self.amount > other.amount

    def __ge__(self, other):
        other = self._same_currency(other)
        if other is NotImplemented:
            return NotImplemented
        return self.amount >= other.amount

    def __bool__(self):
        return self.amount != 0

    def allocate(self, weights: Sequence) -> list[Money]:
        return [
            Money(share, self.currency) for share in allocate(self.amount, weights, self.currency)
        ]

    def __str__(self):
        return f"{self.amount} {self.currency}"
