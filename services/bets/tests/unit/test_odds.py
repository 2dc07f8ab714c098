"""Odds and payout maths: the seed's coupon rounding, round-down payouts, the odds policy."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bets.domain.odds import (
    accepts_odds,
    combined_coefficient,
    coupon_payout_minor,
    single_payout_minor,
)

coefficients = st.decimals(
    min_value=Decimal("1.001"), max_value=Decimal("50"), places=3, allow_nan=False
)
stakes = st.integers(min_value=100, max_value=1_000_000)


def test_the_seed_coupon_combines_to_5_83() -> None:
    legs = [Decimal("1.85"), Decimal("2.10"), Decimal("1.50")]
    assert combined_coefficient(legs) == Decimal("5.83")  # 5.8275 half-up
    assert coupon_payout_minor(10_000, legs) == 58_300


def test_half_up_at_the_midpoint() -> None:
    assert combined_coefficient([Decimal("1.5"), Decimal("1.005")]) == Decimal("1.51")  # 1.5075


def test_single_payout_rounds_down_to_the_cent() -> None:
    assert single_payout_minor(333, Decimal("1.555")) == 517  # 517.815 cents
    assert single_payout_minor(10_000, Decimal("2.5")) == 25_000


@given(stakes, st.lists(coefficients, min_size=1, max_size=15))
def test_coupon_payout_is_stake_times_rounded_product_rounded_down(
    stake: int, legs: list[Decimal]
) -> None:
    product = Decimal(1)
    for leg in legs:
        product *= leg
    combined = product.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    expected = (Decimal(stake) * combined).to_integral_value(rounding=ROUND_DOWN)
    assert coupon_payout_minor(stake, legs) == int(expected)
    assert coupon_payout_minor(stake, legs) >= stake  # every coefficient is above 1


@given(stakes, coefficients)
def test_single_payout_never_pays_more_than_the_exact_product(
    stake: int, coefficient: Decimal
) -> None:
    payout = single_payout_minor(stake, coefficient)
    exact = Decimal(stake) * coefficient
    assert payout <= exact < payout + 1


@pytest.mark.parametrize(
    ("policy", "expected", "current", "accepted"),
    [
        ("none", "2.10", "2.10", True),
        ("none", "2.10", "2.20", False),
        ("none", "2.10", "2.00", False),
        ("higher", "2.10", "2.20", True),
        ("higher", "2.10", "2.10", True),
        ("higher", "2.10", "2.00", False),
        ("any", "2.10", "1.50", True),
        ("any", "2.10", "3.00", True),
        ("none", None, "2.00", True),
    ],
)
def test_odds_change_policy(
    policy: str, expected: str | None, current: str, accepted: bool
) -> None:
    assert (
        accepts_odds(
            policy,  # type: ignore[arg-type]
            expected=None if expected is None else Decimal(expected),
            current=Decimal(current),
        )
        is accepted
    )
