"""Decimal odds (ARCHITECTURE.md §4): greater than 1.000, at most three decimals.

Stored as ``NUMERIC(8,3)``; the ceiling keeps every value far inside that column.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from events.domain.errors import CoefficientInvalid

QUANTUM: Final = Decimal("0.001")
MINIMUM_EXCLUSIVE: Final = Decimal(1)
MAXIMUM: Final = Decimal(1000)
_MAX_INPUT_CHARS: Final = 20


def parse_coefficient(value: object) -> Decimal:
    """A client's coefficient (JSON number or string) as a ``Decimal`` with three places.

    Reasons (``CoefficientInvalid.reason``): ``not_a_number``, ``not_finite``,
    ``too_many_decimals``, ``not_above_one`` (≤ 1.000, negatives included), ``too_large``.
    """
    if isinstance(value, bool) or value is None:
        raise CoefficientInvalid("not_a_number", "The coefficient must be a number.")
    if isinstance(value, float):
        value = repr(value)  # the shortest repr: 1.85 stays 1.85
    if isinstance(value, int | Decimal):
        value = str(value)
    if not isinstance(value, str) or len(value.strip()) > _MAX_INPUT_CHARS:
        raise CoefficientInvalid("not_a_number", "The coefficient must be a number.")
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise CoefficientInvalid("not_a_number", "The coefficient must be a number.") from None
    if not number.is_finite():
        raise CoefficientInvalid("not_finite", "The coefficient must be finite.")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -3 and number != number.quantize(QUANTUM):
        raise CoefficientInvalid("too_many_decimals", "At most three decimals.")
    if number <= MINIMUM_EXCLUSIVE:
        raise CoefficientInvalid("not_above_one", "The coefficient must be greater than 1.000.")
    if number > MAXIMUM:
        raise CoefficientInvalid("too_large", f"The coefficient must be at most {MAXIMUM}.")
    return number.quantize(QUANTUM)
