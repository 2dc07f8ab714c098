"""Pure rules: transfers balance, shards, statistics, limits, suspicious patterns."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from wallet.domain import ledger as rules
from wallet.domain.errors import (
    DailyWithdrawalLimitExceeded,
    HoldAlreadyFinished,
    UnbalancedTransfer,
    WithdrawalAboveMaximum,
    WithdrawalBelowMinimum,
    WithdrawalNotPending,
)
from wallet.domain.ledger import AccountKind, AccountRef, HoldStatus, Leg, Transfer, TransferKind
from wallet.domain.stats import BetTotals, percent, streaks
from wallet.domain.withdrawals import (
    SuspicionThresholds,
    SuspiciousPattern,
    WithdrawalActivity,
    WithdrawalLimits,
    WithdrawalStatus,
    check_amount,
    check_daily_limit,
    finish,
    suspicious_patterns,
    utc_day_bounds,
)

USER = uuid.UUID("00000000-0000-4000-8000-000000000001")
BET = uuid.UUID("00000000-0000-4000-8000-0000000000b1")


def test_every_operation_builds_a_balanced_transfer() -> None:
    transfers = [
        rules.deposit(USER, BET, 500),
        rules.hold_stake(USER, BET, 100),
        rules.void_stake(USER, BET, 100),
        rules.post_stake(USER, BET, 100),
        rules.pay_out(USER, BET, 185),
        rules.resettle(USER, BET, 2, -85),
        rules.resettle(USER, BET, 3, 85),
        rules.request_withdrawal(USER, BET, 1000),
        rules.pay_withdrawal(USER, BET, 1000),
        rules.return_withdrawal(USER, BET, 1000),
    ]
    for t in transfers:
        assert sum(leg.amount_minor for leg in t.legs) == 0
    hold = rules.hold_stake(USER, BET, 100)
    assert hold.delta(AccountKind.available) == -100
    assert hold.delta(AccountKind.held) == 100
    assert [leg.require_funds for leg in hold.legs] == [True, False]
    assert rules.resettle(USER, BET, 2, -85).reference == f"{BET}:2"


def test_unbalanced_or_empty_transfers_are_refused() -> None:
    available = AccountRef.user(AccountKind.available, USER)
    house = AccountRef.system(AccountKind.house, USER)
    with pytest.raises(UnbalancedTransfer):
        Transfer(TransferKind.payout, "x", USER, (Leg(house, -100), Leg(available, 99)))
    with pytest.raises(UnbalancedTransfer):
        Transfer(TransferKind.payout, "x", USER, (Leg(house, 0), Leg(available, 0)))
    with pytest.raises(UnbalancedTransfer):
        Transfer(TransferKind.payout, "x", USER, (Leg(house, 0),))
    with pytest.raises(UnbalancedTransfer):
        rules.pay_out(USER, BET, 0)
    with pytest.raises(UnbalancedTransfer):  # only a debit of available may require funds
        Transfer(
            TransferKind.payout, "x", USER, (Leg(house, -1, require_funds=True), Leg(available, 1))
        )


def test_account_refs_know_their_owner() -> None:
    with pytest.raises(ValueError):
        AccountRef(AccountKind.available)
    with pytest.raises(ValueError):
        AccountRef(AccountKind.house, shard=16)
    assert AccountRef.system(AccountKind.house, USER).shard == rules.shard_for(USER)


def test_shards_are_stable_and_spread_users_over_all_sixteen() -> None:
    assert rules.shard_for(USER) == rules.shard_for(uuid.UUID(str(USER)))
    counts = Counter(rules.shard_for(uuid.uuid4()) for _ in range(4000))
    assert set(counts) == set(range(rules.SYSTEM_ACCOUNT_SHARDS))
    assert min(counts.values()) > 150  # ~250 each


def test_user_legs_come_in_lock_order_available_before_held() -> None:
    void = rules.void_stake(USER, BET, 100)  # held → available
    assert [leg.account.kind for leg in void.user_legs] == [AccountKind.available, AccountKind.held]


def test_a_hold_finishes_once() -> None:
    assert rules.finish_hold(HoldStatus.pending, HoldStatus.posted) is HoldStatus.posted
    with pytest.raises(HoldAlreadyFinished):
        rules.finish_hold(HoldStatus.voided, HoldStatus.posted)
    with pytest.raises(ValueError):
        rules.finish_hold(HoldStatus.pending, HoldStatus.pending)


def test_stats_formulas_by_hand() -> None:
    # 3 won (stakes 100, 200, 50 → payouts 185, 420, 150), 2 lost (stakes 100, 50)
    totals = BetTotals(
        wins=3,
        losses=2,
        staked_bets=5,  # none of them free bets
        total_bet_minor=50_000,
        total_won_minor=75_500,
        total_lost_minor=15_000,
        biggest_win_minor=42_000,
        biggest_loss_minor=10_000,
    )
    assert totals.net_profit_minor == 25_500
    assert totals.roi_percent == Decimal("51.00")
    assert totals.win_rate == Decimal("60.00")
    assert totals.average_bet_minor == 10_000
    assert percent(2, 3) == Decimal("66.67")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 0) == Decimal("0.00")
    assert percent(-1, 3) == Decimal("-33.33")
    assert BetTotals().roi_percent == Decimal("0.00")
    assert percent(1, 200) == Decimal("0.50")  # 0.5 exactly
    assert percent(1, 16) == Decimal("6.25")
    assert percent(5, 1000) == Decimal("0.50")
    assert percent(1, 1600) == Decimal("0.06")  # 0.0625 → half-up


def test_streaks() -> None:
    s = streaks(["won", "won", "lost", "won", "won", "won", "lost", "lost"])
    assert (s.longest_win, s.longest_loss, s.current) == (3, 2, -2)
    assert streaks([]).current == 0
    assert streaks(["won"]).current == 1


def test_withdrawal_amount_limits_at_their_edges() -> None:
    limits = WithdrawalLimits()
    with pytest.raises(WithdrawalBelowMinimum):
        check_amount(999, limits)
    check_amount(1_000, limits)
    check_amount(10_000_000, limits)
    with pytest.raises(WithdrawalAboveMaximum):
        check_amount(10_000_001, limits)


def test_daily_limit_reports_used_and_remaining() -> None:
    limits = WithdrawalLimits()
    check_daily_limit(1_000_000, 4_000_000, limits)  # exactly 50 000.00
    with pytest.raises(DailyWithdrawalLimitExceeded) as caught:
        check_daily_limit(1_000_001, 4_000_000, limits)
    assert caught.value.details == {
        "daily_limit": "50000.00",
        "used_today": "40000.00",
        "remaining": "10000.00",
        "requested_amount": "10000.01",
    }


def test_utc_day_and_status_transitions() -> None:
    start, end = utc_day_bounds(datetime(2026, 11, 25, 23, 30, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 11, 25, tzinfo=UTC), datetime(2026, 11, 26, tzinfo=UTC))
    assert (
        finish(WithdrawalStatus.pending, WithdrawalStatus.completed) is WithdrawalStatus.completed
    )
    with pytest.raises(WithdrawalNotPending):
        finish(WithdrawalStatus.cancelled, WithdrawalStatus.completed)


def test_suspicious_patterns() -> None:
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    thresholds = SuspicionThresholds()
    quiet = WithdrawalActivity(now, now - timedelta(days=3), 0, 0, 0)
    assert suspicious_patterns(quiet, thresholds) == []
    fresh = WithdrawalActivity(now, now - timedelta(hours=2), 0, 3, 2)
    assert suspicious_patterns(fresh, thresholds) == [
        SuspiciousPattern.withdrawal_after_deposit_without_bets,
        SuspiciousPattern.repeated_failed_withdrawals,
        SuspiciousPattern.withdrawal_velocity,
    ]
    played = WithdrawalActivity(now, now - timedelta(hours=2), 4, 0, 0)
    assert suspicious_patterns(played, thresholds) == []
