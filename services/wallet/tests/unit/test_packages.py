"""Prepaid packages' rules (wallet/domain/packages.py), by example and by property.

The property drives arbitrary sequences of purchases, usages (some retried with the same id)
and lapse runs at random times, applying each result as the database would.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.errors import DomainError
from wallet.domain.packages import (
    ConfirmedPayment,
    Deduction,
    NoticeKind,
    Package,
    PackageInactive,
    PackageKind,
    PackageUnaffordable,
    PaymentMismatch,
    Purchase,
    UnitsInsufficient,
    Usage,
    UsageIdReused,
    apply_lapses,
    apply_usage,
    check_purchasable,
    credit_purchase,
    free_bet_payout,
    lapse,
    notices,
    use_units,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
USER = uuid.UUID(int=1)


def make_package(**overrides: Any) -> Package:
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "name": "10 premium tips",
        "units": 10,
        "price_minor": 1_500,
        "validity_days": 30,
    }
    return Package(**{**fields, **overrides})


def bought(package: Package, at: datetime = T0, purchase_id: uuid.UUID | None = None) -> Purchase:
    payment = ConfirmedPayment(f"pay-{uuid.uuid4()}", USER, package.price_minor, at)
    return credit_purchase(purchase_id or uuid.uuid4(), package, payment)


# --- packages and purchases ----------------------------------------------------------------------


def test_a_package_has_positive_units_price_and_validity() -> None:
    for wrong in ({"units": 0}, {"price_minor": 0}, {"validity_days": 0}):
        with pytest.raises(ValueError, match="positive"):
            make_package(**wrong)


def test_only_a_free_bet_package_has_a_stake() -> None:
    make_package(kind=PackageKind.free_bet, stake_minor=500)
    with pytest.raises(ValueError, match="stake"):
        make_package(kind=PackageKind.free_bet)
    with pytest.raises(ValueError, match="stake"):
        make_package(stake_minor=500)


def test_buying_needs_a_package_on_sale_and_the_money() -> None:
    check_purchasable(make_package(), 1_500)
    with pytest.raises(PackageInactive):
        check_purchasable(make_package(active=False), 10**6)
    with pytest.raises(PackageUnaffordable) as refused:
        check_purchasable(make_package(), 1_499)
    assert refused.value.code == "package.insufficient_funds"


def test_a_confirmed_payment_credits_the_units_valid_from_its_confirmation() -> None:
    package = make_package(active=False)  # withdrawn from sale after the payment started
    paid_at = T0 + timedelta(minutes=3)
    payment = ConfirmedPayment("pi_123", USER, 1_500, paid_at)
    purchase = credit_purchase(uuid.uuid4(), package, payment)
    assert (purchase.units_total, purchase.units_left) == (10, 10)
    assert (purchase.paid_at, purchase.expires_at) == (paid_at, paid_at + 30 * DAY)
    assert (purchase.user_id, purchase.payment_reference) == (USER, "pi_123")


def test_a_payment_of_another_amount_credits_nothing() -> None:
    with pytest.raises(PaymentMismatch):
        credit_purchase(uuid.uuid4(), make_package(), ConfirmedPayment("pi_1", USER, 1_499, T0))


# --- usage -------------------------------------------------------------------------------------


def test_usage_takes_the_earliest_expiry_first_and_spills_over() -> None:
    late = bought(make_package(validity_days=60))
    early = bought(make_package(validity_days=7), at=T0 + DAY)
    usage = use_units([late, early], 12, T0 + 2 * DAY, "u1", {})
    assert usage.deductions == (Deduction(early.id, 10), Deduction(late.id, 2))
    after = apply_usage([late, early], usage)
    assert [p.units_left for p in after] == [8, 0]


def test_equal_expiries_go_by_purchase_time_then_id() -> None:
    package = make_package(validity_days=10)
    first = bought(package, at=T0, purchase_id=uuid.UUID(int=9))
    second_a = bought(package, at=T0 + DAY, purchase_id=uuid.UUID(int=2))
    second_b = bought(package, at=T0 + DAY, purchase_id=uuid.UUID(int=1))
    second_a = replace(second_a, expires_at=first.expires_at)
    second_b = replace(second_b, expires_at=first.expires_at)
    usage = use_units([second_a, second_b, first], 25, T0 + 2 * DAY, "u1", {})
    assert [d.purchase_id for d in usage.deductions] == [first.id, second_b.id, second_a.id]


def test_usage_never_takes_expired_units() -> None:
    expired = bought(make_package(validity_days=1))
    with pytest.raises(UnitsInsufficient):
        use_units([expired], 1, T0 + DAY, "u1", {})  # expiry is exclusive: gone at its instant


def test_usage_is_all_or_nothing() -> None:
    purchases = [bought(make_package(units=3)), bought(make_package(units=4))]
    with pytest.raises(UnitsInsufficient) as refused:
        use_units(purchases, 8, T0, "u1", {})
    assert refused.value.code == "package.insufficient_units"


def test_a_repeated_usage_id_answers_the_first_result_and_moves_nothing() -> None:
    purchases = [bought(make_package())]
    first = use_units(purchases, 4, T0, "u1", {})
    purchases = apply_usage(purchases, first)
    again = use_units(purchases, 4, T0 + DAY, "u1", {"u1": first})
    assert again.replayed
    assert again.deductions == first.deductions
    assert apply_usage(purchases, again) == purchases
    with pytest.raises(UsageIdReused):
        use_units(purchases, 5, T0, "u1", {"u1": first})


# --- lapse and notices -------------------------------------------------------------------------


def test_lapse_writes_off_the_units_left_on_expired_purchases() -> None:
    gone = bought(make_package(validity_days=1))
    kept = bought(make_package(validity_days=2))
    used_up = replace(bought(make_package(validity_days=1)), units_left=0)
    lapses = lapse([gone, kept, used_up], T0 + DAY)
    assert [(item.purchase_id, item.units) for item in lapses] == [(gone.id, 10)]
    assert [p.units_left for p in apply_lapses([gone, kept], lapses)] == [0, 10]


def test_notices_before_expiry_and_when_running_out_keyed_once_per_purchase_and_kind() -> None:
    soon = bought(make_package(validity_days=3))
    low = replace(bought(make_package(validity_days=30)), units_left=1)
    small_pack = bought(make_package(units=1, validity_days=30))  # 1 unit, none used yet
    due = notices([soon, low, small_pack], T0 + DAY, warn_before=2 * DAY, low_units=2)
    assert {(n.purchase_id, n.kind) for n in due} == {
        (soon.id, NoticeKind.expiring_soon),
        (low.id, NoticeKind.running_out),
    }
    assert {n.key for n in due} == {(soon.id, NoticeKind.expiring_soon), (low.id, "running_out")}
    assert notices([soon], soon.expires_at, 2 * DAY, 2) == []  # expired: the lapse's business


# --- free bets ---------------------------------------------------------------------------------


def test_a_free_bet_pays_only_the_winnings() -> None:
    assert free_bet_payout(payout_minor=2_770, stake_minor=1_000) == 1_770
    assert free_bet_payout(payout_minor=0, stake_minor=1_000) == 0  # lost
    with pytest.raises(ValueError, match="out of range"):
        free_bet_payout(payout_minor=-1, stake_minor=1_000)


# --- the property ------------------------------------------------------------------------------


@dataclass
class Holdings:
    """One user's purchases as the database keeps them, and what happened to the units."""

    purchases: list[Purchase] = field(default_factory=list)
    seen: dict[str, Usage] = field(default_factory=dict)
    bought: int = 0
    used: int = 0
    lapsed: int = 0


ARGUMENTS = {
    "buy": st.tuples(st.integers(1, 20), st.integers(1, 10)),  # units, validity in days
    "use": st.tuples(st.integers(1, 12), st.integers(0, 6)),  # units, which usage id
    "lapse": st.just((0, 0)),
}
actions = st.sampled_from(["buy"] * 2 + ["use"] * 4 + ["lapse"]).flatmap(
    lambda kind: ARGUMENTS[kind].map(lambda arguments: (kind, *arguments))
)
hours = st.integers(0, 24 * 4).map(lambda n: timedelta(hours=n))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(hours, actions), min_size=5, max_size=50))
def test_units_are_never_negative_used_earliest_expiry_first_once_per_usage_and_all_counted(
    events: list[tuple[timedelta, tuple[str, int, int]]],
) -> None:
    held = Holdings()
    now = T0
    for step, (gap, (action, number, other)) in enumerate(events):
        now += gap
        if action == "buy":
            package = make_package(units=number, validity_days=other)
            held.purchases.append(bought(package, at=now, purchase_id=uuid.UUID(int=step)))
            held.bought += number
        elif action == "use":
            usage_id = f"usage-{other}"
            first = held.seen.get(usage_id)
            units = first.units if first else number  # a retry sends the same record
            before = list(held.purchases)
            try:
                usage = use_units(held.purchases, units, now, usage_id, held.seen)
            except DomainError:
                usable = sum(p.units_left for p in before if not p.is_expired(now))
                assert usable < units, "refused although enough unexpired units were left"
                continue
            held.purchases = apply_usage(held.purchases, usage)
            if usage.replayed:
                assert held.purchases == before, "a repeated usage id moved units"
                continue
            held.seen[usage_id] = usage
            held.used += units
            assert_earliest_expiry_first(before, usage, now)
        else:
            lapses = lapse(held.purchases, now)
            held.purchases = apply_lapses(held.purchases, lapses)
            held.lapsed += sum(item.units for item in lapses)
        assert all(0 <= p.units_left <= p.units_total for p in held.purchases)
        assert held.used + held.lapsed + sum(p.units_left for p in held.purchases) == held.bought


def assert_earliest_expiry_first(before: list[Purchase], usage: Usage, now: datetime) -> None:
    """Every unit taken came from an unexpired purchase, the amounts add up, and a purchase
    was touched only once every unexpired purchase expiring earlier was emptied."""
    by_id = {p.id: p for p in before}
    taken = {d.purchase_id: d.units for d in usage.deductions}
    assert sum(taken.values()) == usage.units
    for purchase_id, units in taken.items():
        purchase = by_id[purchase_id]
        assert not purchase.is_expired(now), "an expired unit was used"
        assert 0 < units <= purchase.units_left
        for other in before:
            if not other.is_expired(now) and other.expires_at < purchase.expires_at:
                assert taken.get(other.id, 0) == other.units_left, "a later expiry went first"
