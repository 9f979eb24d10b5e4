"""Field options the logistics models share: money and unit amounts, never negative."""

from decimal import Decimal

from django.core.validators import MinValueValidator

ZERO = Decimal("0")
MONEY = {"max_digits": 12, "decimal_places": 2}
UNITS = {"max_digits": 9, "decimal_places": 3}
NON_NEGATIVE = [MinValueValidator(ZERO)]
POSITIVE_UNITS = [MinValueValidator(Decimal("0.001"))]
