"""Placement limits and the settlement of singles and coupons from their legs."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bets.domain.errors import (
    CouponDuplicateEvent,
    CouponTooFewLegs,
    CouponTooManyLegs,
    PayoutAboveMaximum,
    StakeAboveMaximum,
    StakeBelowMinimum,
)
from bets.domain.limits import BetLimits
from bets.domain.odds import combined_coefficient, payout_minor
from bets.domain.settlement import LegState, Settlement, settle

LIMITS = BetLimits()


def test_stake_limits_are_inclusive() -> None:
    LIMITS.check_stake(100)
    LIMITS.check_stake(1_000_000)
    with pytest.raises(StakeBelowMinimum):
        LIMITS.check_stake(99)
    with pytest.raises(StakeAboveMaximum) as raised:
        LIMITS.check_stake(1_000_001)
    assert raised.value.details == {"max_stake": "10000.00"}


def test_payout_limit() -> None:
    LIMITS.check_payout(10_000_000)
    with pytest.raises(PayoutAboveMaximum):
        LIMITS.check_payout(10_000_001)


def test_coupon_legs_count_and_one_leg_per_event() -> None:
    events = [uuid.uuid4() for _ in range(16)]
    LIMITS.check_coupon_legs(events[:2])
    LIMITS.check_coupon_legs(events[:15])
    with pytest.raises(CouponTooFewLegs):
        LIMITS.check_coupon_legs(events[:1])
    with pytest.raises(CouponTooManyLegs):
        LIMITS.check_coupon_legs(events)
    with pytest.raises(CouponDuplicateEvent):
        LIMITS.check_coupon_legs([events[0], events[1], events[0]])


def leg(coefficient: str, outcome: str | None) -> LegState:
    return LegState(Decimal(coefficient), outcome)  # type: ignore[arg-type]


def test_single_results() -> None:
    assert settle(is_coupon=False, stake_minor=1000, legs=[leg("1.85", "won")]) == Settlement(
        "won", 1850
    )
    assert settle(is_coupon=False, stake_minor=1000, legs=[leg("1.85", "lost")]) == Settlement(
        "lost", 0
    )
    assert settle(is_coupon=False, stake_minor=1000, legs=[leg("1.85", "void")]) == Settlement(
        "void", 1000
    )
    assert settle(is_coupon=False, stake_minor=1000, legs=[leg("1.85", None)]) is None


def test_coupon_waits_for_its_last_leg_then_settles() -> None:
    legs = [leg("1.85", "won"), leg("2.10", "won"), leg("1.50", None)]
    assert settle(is_coupon=True, stake_minor=10_000, legs=legs) is None
    legs[2] = leg("1.50", "won")
    assert settle(is_coupon=True, stake_minor=10_000, legs=legs) == Settlement("won", 58_300)


def test_coupon_lost_if_any_leg_lost() -> None:
    legs = [leg("1.85", "won"), leg("2.10", "lost"), leg("1.50", "void")]
    assert settle(is_coupon=True, stake_minor=10_000, legs=legs) == Settlement("lost", 0)


def test_coupon_void_legs_count_at_one_with_the_seed_rounding() -> None:
    legs = [leg("1.85", "won"), leg("2.10", "void"), leg("1.50", "won")]
    # 1.85 x 1.50 = 2.775 → 2.78; 100.00 x 2.78 = 278.00
    assert settle(is_coupon=True, stake_minor=10_000, legs=legs) == Settlement("won", 27_800)


def test_coupon_all_void_refunds_the_stake() -> None:
    legs = [leg("1.85", "void"), leg("2.10", "void")]
    assert settle(is_coupon=True, stake_minor=10_000, legs=legs) == Settlement("void", 10_000)


outcomes = st.sampled_from(["won", "lost", "void"])
legs_strategy = st.lists(
    st.tuples(st.decimals(min_value=Decimal("1.01"), max_value=Decimal("20"), places=2), outcomes),
    min_size=2,
    max_size=15,
)


@given(st.integers(min_value=100, max_value=1_000_000), legs_strategy)
def test_coupon_settlement_properties(stake: int, raw: list[tuple[Decimal, str]]) -> None:
    legs = [LegState(c, o) for c, o in raw]  # type: ignore[arg-type]
    result = settle(is_coupon=True, stake_minor=stake, legs=legs)
    assert result is not None
    if any(o == "lost" for _, o in raw):
        assert result == Settlement("lost", 0)
    elif all(o == "void" for _, o in raw):
        assert result == Settlement("void", stake)
    else:
        won = [c for c, o in raw if o == "won"]
        assert result == Settlement("won", payout_minor(stake, combined_coefficient(won)))
        assert result.payout_minor >= stake
