"""Deposit limits' and restrictions' rules (wallet/domain/responsible_gambling.py), by example
and by property: whatever the sequence of changes, the limit in force never rises before 24
hours have passed since the user asked for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wallet.domain.errors import AccountRestricted, DepositLimitReached
from wallet.domain.responsible_gambling import (
    COOLING_OFF,
    ChangeOutcome,
    DepositLimit,
    LimitPeriod,
    PendingChange,
    Restriction,
    RestrictionKind,
    change_limit,
    check_deposit_limits,
    check_money_in_allowed,
)

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
NONE = DepositLimit(LimitPeriod.day, None)


def test_a_first_limit_and_a_decrease_apply_at_once() -> None:
    first = change_limit(NONE, 10_000, T0)
    assert (first.outcome, first.after.amount_minor, first.effective_at) == (
        ChangeOutcome.applied,
        10_000,
        T0,
    )
    lower = change_limit(first.after, 5_000, T0 + timedelta(minutes=1))
    assert (lower.outcome, lower.after.amount_minor, lower.after.pending) == (
        ChangeOutcome.applied,
        5_000,
        None,
    )


@pytest.mark.parametrize("requested", [20_000, None])
def test_an_increase_or_a_removal_waits_the_cooling_off(requested: int | None) -> None:
    current = DepositLimit(LimitPeriod.week, 10_000)
    change = change_limit(current, requested, T0)

    assert change.outcome is ChangeOutcome.scheduled
    assert change.after.amount_minor == 10_000
    assert change.after.pending == PendingChange(requested, T0 + COOLING_OFF)
    assert change.after.resolved(T0 + COOLING_OFF - timedelta(microseconds=1)).amount_minor == (
        10_000
    )
    assert change.after.resolved(T0 + COOLING_OFF) == DepositLimit(LimitPeriod.week, requested)


def test_a_decrease_drops_a_pending_increase_and_asking_again_restarts_the_wait() -> None:
    pending = change_limit(DepositLimit(LimitPeriod.day, 10_000), 30_000, T0).after
    again = change_limit(pending, 30_000, T0 + timedelta(hours=20))
    assert again.after.pending == PendingChange(30_000, T0 + timedelta(hours=44))
    lower = change_limit(again.after, 8_000, T0 + timedelta(hours=21))
    assert lower.after == DepositLimit(LimitPeriod.day, 8_000)


def test_a_pending_change_whose_time_came_is_the_base_of_the_next() -> None:
    pending = change_limit(DepositLimit(LimitPeriod.day, 10_000), 30_000, T0).after
    later = T0 + timedelta(days=2)
    change = change_limit(pending, 25_000, later)
    assert change.before.amount_minor == 30_000
    assert (change.outcome, change.after.amount_minor) == (ChangeOutcome.applied, 25_000)


def test_the_deposit_check_names_the_first_period_passed() -> None:
    limits = [DepositLimit(LimitPeriod.day, 10_000), DepositLimit(LimitPeriod.month, 50_000)]
    used = {LimitPeriod.day: 2_000, LimitPeriod.week: 0, LimitPeriod.month: 45_000}
    check_deposit_limits(limits, used, 5_000, T0)  # exactly the month's limit
    with pytest.raises(DepositLimitReached) as refused:
        check_deposit_limits(limits, used, 5_001, T0)
    assert refused.value.details == {
        "period": "month",
        "limit": "500.00",
        "used": "450.00",
        "remaining": "50.00",
    }


def test_money_in_is_refused_until_the_restriction_ends() -> None:
    until = T0 + timedelta(days=1)
    found = Restriction(RestrictionKind.time_out, until)
    with pytest.raises(AccountRestricted) as refused:
        check_money_in_allowed(found, until - timedelta(microseconds=1))
    assert refused.value.details == {"kind": "time_out", "until": until.isoformat()}
    check_money_in_allowed(found, until)
    check_money_in_allowed(None, T0)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=72 * 60),  # minutes after the previous change
            st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)),
        ),
        max_size=12,
    )
)
def test_the_limit_in_force_never_rises_within_24_hours_of_asking(
    steps: list[tuple[int, int | None]],
) -> None:
    limit, now = NONE, T0
    asked: list[tuple[datetime, int | None]] = []  # (when, what) for every change asked
    for minutes, requested in steps:
        before = limit.resolved(now)
        now += timedelta(minutes=minutes)
        limit = change_limit(limit, requested, now).after
        asked.append((now, requested))
        in_force = limit.resolved(now).amount_minor
        rose = before.amount_minor is not None and (
            in_force is None or in_force > before.amount_minor
        )
        if rose:
            # Only a change asked at least 24 hours ago, to as much or to no limit, lets it rise.
            assert any(
                now - at >= COOLING_OFF
                and (amount is None or (in_force is not None and amount >= in_force))
                for at, amount in asked
            )
