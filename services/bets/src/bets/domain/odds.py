"""Odds and payout maths (ARCHITECTURE §4), in ``Decimal`` and integer minor units.

- A single pays ``stake x coefficient``, rounded down to the cent.
- A coupon's combined odds are the product of its legs' coefficients rounded half-up to two
  decimals (the seed's 1.85 x 2.10 x 1.50 = 5.83); it pays ``stake x combined``, rounded down.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

OddsPolicy = Literal["none", "higher", "any"]

_CENT = Decimal("0.01")
_ONE = Decimal(1)


def combined_coefficient(coefficients: Iterable[Decimal]) -> Decimal:
    """Product of the coefficients, rounded half-up to 2 decimals (1.00 for no legs)."""
    product = _ONE
    for coefficient in coefficients:
        product *= coefficient
    return product.quantize(_CENT, rounding=ROUND_HALF_UP)


def payout_minor(stake_minor: int, coefficient: Decimal) -> int:
    """``stake x coefficient`` in minor units, rounded down to the cent."""
    return int((Decimal(stake_minor) * coefficient).to_integral_value(rounding=ROUND_DOWN))


def single_payout_minor(stake_minor: int, coefficient: Decimal) -> int:
    return payout_minor(stake_minor, coefficient)


def coupon_payout_minor(stake_minor: int, coefficients: Iterable[Decimal]) -> int:
    return payout_minor(stake_minor, combined_coefficient(coefficients))


def accepts_odds(policy: OddsPolicy, *, expected: Decimal | None, current: Decimal) -> bool:
    """Whether a bet is taken at ``current`` when the user saw ``expected``.

    ``none``: only the same coefficient; ``higher``: the same or a better one; ``any``: whatever
    it is now. Without an expected coefficient the user takes the current one.
    """
    if expected is None or policy == "any":
        return True
    if policy == "higher":
        return current >= expected
    return current == expected
