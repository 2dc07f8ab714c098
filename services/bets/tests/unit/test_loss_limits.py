"""The cooling-off rule of loss limits and the loss check (domain/loss_limits.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bets.domain.errors import LossLimitReached
from bets.domain.loss_limits import COOLING_OFF, LossLimit, Period, change, check_loss

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
DAY = Period.day


def test_a_first_limit_and_a_decrease_apply_at_once() -> None:
    first = change(None, DAY, 5_000, NOW)
    assert first is not None
    assert (first.limit, first.effective_at) == (LossLimit(DAY, 5_000), NOW)
    lower = change(first.limit, DAY, 3_000, NOW)
    assert lower is not None
    assert (lower.limit.amount_minor, lower.old_amount_minor, lower.effective_at) == (
        3_000,
        5_000,
        NOW,
    )


def test_an_increase_or_a_removal_waits_out_the_cooling_off() -> None:
    stored = LossLimit(DAY, 3_000)
    for requested in (8_000, None):
        later = change(stored, DAY, requested, NOW)
        assert later is not None
        assert later.limit == LossLimit(DAY, 3_000, requested, NOW + COOLING_OFF)
        assert later.limit.in_force(NOW + COOLING_OFF - timedelta(seconds=1)) == 3_000
        assert later.limit.in_force(NOW + COOLING_OFF) == requested


def test_the_same_request_again_changes_nothing() -> None:
    pending = LossLimit(DAY, 3_000, 8_000, NOW + COOLING_OFF)
    assert change(pending, DAY, 8_000, NOW + timedelta(hours=5)) is None
    assert change(LossLimit(DAY, 3_000), DAY, 3_000, NOW) is None
    assert change(None, DAY, None, NOW) is None


def test_a_decrease_cancels_a_pending_increase() -> None:
    pending = LossLimit(DAY, 3_000, 8_000, NOW + COOLING_OFF)
    same = change(pending, DAY, 3_000, NOW)
    assert same is not None
    assert same.limit == LossLimit(DAY, 3_000)


def test_the_loss_may_reach_the_limit_but_not_pass_it() -> None:
    check_loss(DAY, 1_500, 1_000, 500)
    check_loss(DAY, 1_500, -2_000, 3_500)  # winnings in the window leave room
    with pytest.raises(LossLimitReached) as refused:
        check_loss(DAY, 1_500, 1_000, 501)
    assert refused.value.details == {
        "period": "day",
        "limit": "15.00",
        "loss_so_far": "10.00",
        "stake": "5.01",
    }
