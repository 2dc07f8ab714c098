"""Recurring billing's rules (wallet/domain/subscriptions.py), by example and by property.

The properties drive arbitrary timelines — job ticks with jitter, outages of any length, replicas
deciding on one read at the same or different instants, top-ups, plan changes, cancellations,
resumes — through the domain functions against a small in-test ledger: a balance, and charges
unique by key as the database's constraint makes them.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from common.errors import DomainError
from wallet.domain.subscriptions import (
    DEFAULT_PERIOD,
    Charge,
    PeriodKey,
    Plan,
    PlanChange,
    PlanRetired,
    PlanUnaffordable,
    PlanUnchanged,
    Refund,
    Subscription,
    SubscriptionAlreadyActive,
    SubscriptionNotActive,
    SubscriptionStatus,
    Suspend,
    cancel,
    change_plan,
    decide_renewal,
    grants,
    resume,
    subscribe,
)

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
US = timedelta(microseconds=1)
LEAD = 5 * MINUTE
USER = uuid.UUID(int=1)


def make_plan(**overrides: object) -> Plan:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "name": "LOOSELINE Pro",
        "price_minor": 1_000,
        "features": frozenset({"premium_stats"}),
    }
    return Plan(**{**fields, **overrides})  # type: ignore[arg-type]


def subscribed(plan: Plan, at: datetime = T0) -> tuple[Subscription, Charge]:
    return subscribe(uuid.uuid4(), USER, plan, plan.price_minor, at)


def suspended(sub: Subscription) -> Subscription:
    """``sub`` suspended by a renewal decided on its current read."""
    return sub.suspended(Suspend(sub.id, USER, sub.period_number, sub.paid_through, 1))


def renewed(sub: Subscription, plan: Plan, now: datetime) -> tuple[Subscription, Charge]:
    decision = decide_renewal(sub, plan, plan.price_minor, now, LEAD)
    assert isinstance(decision, Charge)
    return sub.after(decision), decision


# --- plans and access --------------------------------------------------------------------------


def test_a_plan_defaults_to_the_seeds_hourly_period_and_refuses_nonsense() -> None:
    assert make_plan().period == DEFAULT_PERIOD == HOUR
    with pytest.raises(ValueError, match="positive amount"):
        make_plan(price_minor=0)
    with pytest.raises(ValueError, match="period is positive"):
        make_plan(period=timedelta(0))


def test_access_is_the_paid_interval_start_included_end_excluded() -> None:
    sub, _ = subscribed(make_plan())
    assert not sub.has_access(T0 - US)
    assert sub.has_access(T0)
    assert sub.has_access(T0 + HOUR - US)
    assert not sub.has_access(T0 + HOUR)


def test_grants_only_the_plans_features_and_only_with_access() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    assert grants(sub, plan, "premium_stats", T0 + MINUTE)
    assert not grants(sub, plan, "odds_alerts", T0 + MINUTE)
    assert not grants(sub, plan, "premium_stats", T0 + HOUR)
    with pytest.raises(ValueError, match="not on plan"):
        grants(sub, make_plan(), "premium_stats", T0)


# --- subscribing -------------------------------------------------------------------------------


def test_subscribing_charges_the_first_full_period_from_now() -> None:
    plan = make_plan(period=90 * MINUTE)
    sub, charge = subscribed(plan)
    assert (charge.period_start, charge.period_end, charge.amount_minor) == (
        T0,
        T0 + 90 * MINUTE,
        1_000,
    )
    assert charge.key == PeriodKey(sub.id, 1) == sub.last_key
    assert (sub.status, sub.paid_from, sub.paid_through) == (
        SubscriptionStatus.active,
        T0,
        T0 + 90 * MINUTE,
    )


def test_subscribing_to_a_retired_plan_is_refused() -> None:
    with pytest.raises(PlanRetired):
        subscribed(make_plan(retired=True))


def test_subscribing_never_on_credit() -> None:
    with pytest.raises(PlanUnaffordable) as refused:
        subscribe(uuid.uuid4(), USER, make_plan(), 999, T0)
    assert refused.value.code == "billing.insufficient_funds"


# --- renewal -----------------------------------------------------------------------------------


def test_renewal_is_not_due_before_the_lead() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    assert decide_renewal(sub, plan, 10**6, T0 + HOUR - LEAD - US, LEAD) is None


def test_renewal_within_the_lead_continues_at_the_paid_end() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    sub, charge = renewed(sub, plan, T0 + HOUR - LEAD)
    assert (charge.period_start, charge.period_end, charge.period_number) == (
        T0 + HOUR,
        T0 + 2 * HOUR,
        2,
    )
    assert (sub.paid_from, sub.paid_through) == (T0, T0 + 2 * HOUR)
    assert sub.has_access(T0 + HOUR - US)  # the period still running keeps its access


def test_a_late_job_starts_the_period_at_its_tick_and_charges_nothing_for_the_gap() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    tick = T0 + 3 * HOUR + 17 * MINUTE
    sub, charge = renewed(sub, plan, tick)
    assert (charge.period_start, charge.period_end, charge.amount_minor) == (
        tick,
        tick + HOUR,
        1_000,
    )
    assert not sub.has_access(tick - US)
    assert (sub.paid_from, sub.paid_through) == (tick, tick + HOUR)


def test_renewal_without_the_money_suspends_and_keeps_the_paid_time() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    decision = decide_renewal(sub, plan, 999, T0 + HOUR - LEAD, LEAD)
    assert decision == Suspend(sub.id, USER, 1, T0 + HOUR, 1_000)
    sub = sub.suspended(decision)
    assert sub.has_access(T0 + HOUR - US)
    assert not sub.has_access(T0 + HOUR)
    assert decide_renewal(sub, plan, 10**6, T0 + 5 * HOUR, LEAD) is None


def test_a_stale_replicas_suspension_leaves_a_renewed_subscription_active() -> None:
    """Two replicas read period 1; the first renews (the balance is now spent), the second,
    deciding on its stale read with the balance after that charge, suspends: that decision is
    about period 1 and must not stop a subscription paid through period 2."""
    plan = make_plan()
    read, _ = subscribed(plan)
    sub, _ = renewed(read, plan, T0 + HOUR - LEAD)
    stale = decide_renewal(read, plan, 0, T0 + HOUR - LEAD + US, LEAD)
    assert isinstance(stale, Suspend)
    assert stale.period_number == 1
    assert sub.suspended(stale) == sub
    assert sub.status is SubscriptionStatus.active


def test_a_cancelled_subscription_is_not_renewed() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    assert decide_renewal(cancel(sub), plan, 10**6, T0 + 2 * HOUR, LEAD) is None


def test_a_retired_plan_still_renews_its_current_subscribers() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    retired = Plan(plan.id, plan.name, plan.price_minor, plan.period, plan.features, retired=True)
    assert isinstance(decide_renewal(sub, retired, 10**6, T0 + HOUR, LEAD), Charge)


def test_the_lead_is_shorter_than_the_period() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    with pytest.raises(ValueError, match="renewal lead"):
        decide_renewal(sub, plan, 10**6, T0, HOUR)


def test_replicas_late_at_different_instants_compute_one_key() -> None:
    """Two replicas read the same row and decide a little apart while the job is late: the
    periods start at their own ticks, but the key is the same, so the ledger takes one."""
    plan = make_plan()
    sub, _ = subscribed(plan)
    first = decide_renewal(sub, plan, 10**6, T0 + 2 * HOUR, LEAD)
    second = decide_renewal(sub, plan, 10**6, T0 + 2 * HOUR + 3 * US, LEAD)
    assert isinstance(first, Charge)
    assert isinstance(second, Charge)
    assert first.period_start != second.period_start
    assert first.key == second.key


# --- resume ------------------------------------------------------------------------------------


def test_resuming_after_a_suspension_charges_a_full_period_from_the_top_up() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    sub = suspended(sub)
    top_up = T0 + HOUR + 25 * MINUTE
    sub, charge = resume(sub, plan, 1_000, top_up, LEAD)
    assert charge is not None
    assert (charge.period_start, charge.period_end, charge.period_number) == (
        top_up,
        top_up + HOUR,
        2,
    )
    assert sub.status is SubscriptionStatus.active
    assert not sub.has_access(top_up - US)
    assert sub.has_access(top_up)


def test_resuming_needs_the_full_price() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    with pytest.raises(PlanUnaffordable):
        resume(suspended(sub), plan, 999, T0 + 2 * HOUR, LEAD)


def test_coming_back_before_the_paid_end_charges_nothing_the_job_renews() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    back, charge = resume(cancel(sub), plan, 0, T0 + 10 * MINUTE, LEAD)
    assert charge is None
    assert back == sub


def test_resuming_an_active_subscription_is_refused() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    with pytest.raises(SubscriptionAlreadyActive):
        resume(sub, plan, 10**6, T0 + 2 * HOUR, LEAD)


def test_coming_back_to_a_retired_plan_after_cancelling_is_refused() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    retired = Plan(plan.id, plan.name, plan.price_minor, plan.period, retired=True)
    with pytest.raises(PlanRetired):
        resume(cancel(sub), retired, 10**6, T0 + 2 * HOUR, LEAD)
    resumed, charge = resume(suspended(sub), retired, 10**6, T0 + 2 * HOUR, LEAD)
    assert charge is not None
    assert resumed.status is SubscriptionStatus.active


# --- cancel ------------------------------------------------------------------------------------


def test_cancelling_keeps_access_to_the_paid_end_and_refunds_nothing() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    cancelled = cancel(sub)
    assert cancelled.status is SubscriptionStatus.cancelled
    assert cancelled.has_access(T0 + HOUR - US)
    assert not cancelled.has_access(T0 + HOUR)
    with pytest.raises(SubscriptionNotActive):
        cancel(cancelled)


# --- plan change -------------------------------------------------------------------------------


def test_a_plan_change_refunds_the_unused_part_with_the_used_part_rounded_down() -> None:
    old = make_plan(price_minor=1_000, period=3 * HOUR)
    new = make_plan(price_minor=2_500, period=HOUR, features=frozenset({"odds_alerts"}))
    sub, _ = subscribed(old)
    at = T0 + HOUR  # a third used: 333.33 → 333 used, 667 back
    change = change_plan(sub, old, new, 1_833, at)
    assert change.refund == Refund(sub.id, USER, 1, 667)
    assert (change.charge.period_start, change.charge.period_end) == (at, at + HOUR)
    assert (change.charge.amount_minor, change.charge.period_number) == (2_500, 2)
    assert (change.subscription.paid_from, change.subscription.paid_through) == (T0, at + HOUR)
    assert grants(change.subscription, new, "odds_alerts", at)


def test_a_plan_change_after_an_early_renewal_refunds_that_period_whole() -> None:
    old = make_plan(price_minor=900)
    new = make_plan(price_minor=100)
    sub, _ = subscribed(old)
    sub, _ = renewed(sub, old, T0 + HOUR - LEAD)
    at = T0 + 40 * MINUTE  # 600 of the first period used; 300 + all 900 of the next back
    change = change_plan(sub, old, new, 0, at)
    assert change.refund == Refund(sub.id, USER, 2, 1_200)
    assert change.subscription.paid_through == at + HOUR


def test_a_plan_change_at_the_start_of_a_period_charged_ahead_takes_a_new_key() -> None:
    """The renewed period is refunded whole and the new plan's starts at the same instant: the
    key is the period's number, so the new charge does not collide with the refunded one."""
    old, new = make_plan(price_minor=800), make_plan(price_minor=200)
    sub, _ = subscribed(old)
    sub, ahead = renewed(sub, old, T0 + HOUR - LEAD)
    change = change_plan(sub, old, new, 0, T0 + HOUR)
    assert change.refund == Refund(sub.id, USER, 2, 800)  # the first period fully used
    assert change.charge.period_start == ahead.period_start
    assert change.charge.key == PeriodKey(sub.id, 3) != ahead.key


def test_a_plan_change_the_balance_cannot_pay_is_refused_and_moves_nothing() -> None:
    old = make_plan(price_minor=1_000)
    new = make_plan(price_minor=5_000)
    sub, _ = subscribed(old)
    with pytest.raises(PlanUnaffordable):
        change_plan(sub, old, new, 4_499, T0 + 30 * MINUTE)  # 500 back: 4 999 < 5 000
    assert isinstance(change_plan(sub, old, new, 4_500, T0 + 30 * MINUTE), PlanChange)


def test_a_plan_change_to_a_retired_plan_or_the_same_plan_is_refused() -> None:
    plan = make_plan()
    sub, _ = subscribed(plan)
    with pytest.raises(PlanRetired):
        change_plan(sub, plan, make_plan(retired=True), 10**6, T0)
    with pytest.raises(PlanUnchanged):
        change_plan(sub, plan, plan, 10**6, T0)
    with pytest.raises(SubscriptionNotActive):
        change_plan(cancel(sub), plan, make_plan(), 10**6, T0)


def test_a_plan_change_after_access_ended_refunds_nothing_and_starts_a_new_run() -> None:
    old, new = make_plan(), make_plan(price_minor=300)
    sub, _ = subscribed(old)
    at = T0 + 2 * HOUR  # the job has not run: access ended at T0 + 1 h
    change = change_plan(sub, old, new, 300, at)
    assert change.refund is None
    assert (change.subscription.paid_from, change.subscription.paid_through) == (at, at + HOUR)


# --- the properties ----------------------------------------------------------------------------


@dataclass
class Books:
    """The wallet's side in miniature: a balance, and charges unique by key (the database's
    unique constraint), the refunds and the times of the plan changes that made them."""

    balance_minor: int
    deposited_minor: int = 0  # the opening balance and every top-up
    charges: dict[PeriodKey, Charge] = field(default_factory=dict)
    changes: list[tuple[datetime, int, int]] = field(default_factory=list)  # (at, number, refund)
    duplicates_refused: int = 0

    def charge(self, charge: Charge) -> bool:
        if charge.key in self.charges:
            self.duplicates_refused += 1
            return False
        assert self.balance_minor >= charge.amount_minor, "charged on credit"  # (4)
        self.balance_minor -= charge.amount_minor
        self.charges[charge.key] = charge
        return True


@dataclass
class Timeline:
    plans: dict[uuid.UUID, Plan]
    lead: timedelta
    books: Books
    sub: Subscription
    now: datetime = T0
    access: dict[datetime, bool] = field(default_factory=dict)

    @property
    def plan(self) -> Plan:
        return self.plans[self.sub.plan_id]

    def tick(self, offsets: list[timedelta]) -> None:
        """Replicas that read the row once and decide at ``now + offset`` each."""
        read = self.sub
        for offset in sorted(offsets):
            at = self.now + offset
            decision = decide_renewal(read, self.plan, self.books.balance_minor, at, self.lead)
            if isinstance(decision, Charge) and self.books.charge(decision):
                self.sub = self.sub.after(decision)
            elif isinstance(decision, Suspend):
                self.sub = self.sub.suspended(decision)
            # A service asking at the job's instant asks after it (the last look wins).
            self.access[at] = self.sub.has_access(at)
        self.now += max(offsets)

    def run_job(self, count: int, interval: timedelta) -> None:
        for _ in range(count):
            self.now += interval
            self.tick([timedelta(0)])
            self.look()

    def top_up(self, amount_minor: int) -> None:
        self.books.balance_minor += amount_minor
        self.books.deposited_minor += amount_minor
        if self.sub.status is SubscriptionStatus.suspended:
            self.come_back()

    def come_back(self) -> None:
        try:
            sub, charge = resume(self.sub, self.plan, self.books.balance_minor, self.now, self.lead)
        except DomainError:
            return
        if charge is None or self.books.charge(charge):
            self.sub = sub

    def change_to(self, plan: Plan) -> None:
        try:
            change = change_plan(self.sub, self.plan, plan, self.books.balance_minor, self.now)
        except DomainError:
            return
        # The new plan gives access from the change on.
        assert change.charge.period_start == self.now
        assert change.subscription.has_access(self.now)
        refund = change.refund.amount_minor if change.refund else 0
        self.books.balance_minor += refund
        assert self.books.charge(change.charge)
        self.books.changes.append((self.now, change.charge.period_number, refund))
        self.sub = change.subscription

    def cancel(self) -> None:
        if self.sub.status is not SubscriptionStatus.cancelled:
            self.sub = cancel(self.sub)

    def look(self) -> None:
        """A service checks access now (the last look at an instant wins)."""
        self.access[self.now] = self.sub.has_access(self.now)


def _used(price: int, start: datetime, end: datetime, at: datetime) -> int:
    """The spec's formula, written again: floor(price * (at - start) / (end - start))."""
    elapsed = min(max(at - start, timedelta(0)), end - start)
    return price * (elapsed // US) // ((end - start) // US)


def _cut_by(books: Books, charge: Charge) -> tuple[datetime, int] | None:
    """(time, number) of the plan change that cut ``charge``: the first change after it while
    it still ran or was ahead. Later changes fall in later periods."""
    for at, number, _ in books.changes:
        if number > charge.period_number:
            return (at, number) if at < charge.period_end else None
    return None


def kept_periods(books: Books) -> list[tuple[Charge, datetime]]:
    """Each charge with the end of the time it kept: [start, max(start, t)) if a plan change at
    t cut it, else the whole period."""
    kept = []
    for charge in sorted(books.charges.values(), key=lambda c: c.period_number):
        cut = _cut_by(books, charge)
        kept.append((charge, max(charge.period_start, cut[0]) if cut else charge.period_end))
    return kept


def assert_fair(timeline: Timeline) -> None:
    """The fairness claims, precisely. Each charge k pays p_k for [s_k, e_k). A plan change at t
    cuts each period still running or ahead at t (e_k > t) to [s_k, max(s_k, t)) and refunds
    p_k - floor(p_k * (max(s_k, t) - s_k) / (e_k - s_k)). Then:
    (1) one charge per key, and no instant lies in two kept periods;
    (2) every refund is exactly that, so the user paid sum(p_k) - refunds = the kept part of
        every period, rounded down, and the balance is what was deposited minus that;
    (2, 3) at every instant a service looked, it saw access if and only if a kept period covers
        it: no time paid without access, no access without a payment;
    (4) the balance is never below zero (``Books.charge`` checks it at every charge)."""
    books = timeline.books
    kept = kept_periods(books)
    # Every charge is a whole period of its plan at its price.
    for charge, _ in kept:
        plan = timeline.plans[charge.plan_id]
        assert charge.period_end - charge.period_start == plan.period
        assert charge.amount_minor == plan.price_minor
    # (1) one charge per key (the dict), and the kept times never overlap: no instant (so no
    # period start) is paid twice.
    intervals = sorted((c.period_start, end) for c, end in kept if end > c.period_start)
    for (_, end), (start, _) in itertools.pairwise(intervals):
        assert start >= end, "two charges pay for the same time"
    # (2) each plan change refunded exactly the unused part of the periods it cut.
    for at, number, refund in books.changes:
        owed = sum(
            c.amount_minor - _used(c.amount_minor, c.period_start, c.period_end, at)
            for c, _ in kept
            if (cut := _cut_by(books, c)) is not None and cut[1] == number
        )
        assert refund == owed, f"change at {at} refunded {refund}, owed {owed}"
    # So what the user paid is exactly the kept part of every period, used parts rounded down.
    paid = sum(c.amount_minor for c, _ in kept) - sum(r for _, _, r in books.changes)
    assert paid == sum(_used(c.amount_minor, c.period_start, c.period_end, end) for c, end in kept)
    assert books.balance_minor == books.deposited_minor - paid
    # (2) and (3): access at an instant if and only if a kept period covers it — no charge for
    # time without access, no access without a charge behind it.
    for at, has_access in timeline.access.items():
        covered = any(c.period_start <= at < end for c, end in kept)
        assert covered == has_access, f"access {has_access} at {at} but covered {covered}"
    assert books.balance_minor >= 0  # (4)


def micros(low: int, high: int) -> st.SearchStrategy[timedelta]:
    return st.integers(low, high).map(lambda n: timedelta(microseconds=n))


SECOND_US = 10**6
HOUR_US = 3_600 * SECOND_US
# Periods of odd lengths (a minute to three hours, to the microsecond) so pro rata rounds.
periods = micros(60 * SECOND_US, 3 * HOUR_US)
prices = st.integers(1, 50_000)
leads = micros(0, 60 * SECOND_US - 1)  # shorter than the shortest period
# Between two events, in thousandths of plan A's period plus microseconds: nothing, jitter,
# about a job interval, outages of up to fifty periods.
gaps = st.one_of(
    st.tuples(st.just(0), st.integers(0, SECOND_US)),
    st.tuples(st.integers(0, 1_200), st.integers(0, SECOND_US)),
    st.tuples(st.integers(0, 50_000), st.integers(0, SECOND_US)),
)
# Replicas that read the row once and decide at the same instant or a little apart.
ticks = st.lists(micros(0, SECOND_US), min_size=1, max_size=3)
ARGUMENTS: dict[str, st.SearchStrategy[object]] = {
    "tick": ticks,
    # A healthy scheduler: this many ticks, each about half a lead apart (so most renewals are
    # ahead and continuous), with jitter in microseconds.
    "job": st.tuples(st.integers(1, 30), st.integers(0, SECOND_US)),
    "top_up": st.integers(0, 4_000),  # thousandths of the dearer price
    "change": st.sampled_from(["other", "other", "other", "A", "B"]),
    # To the edges where the rules meet: into the renewal lead before the paid end (1 000 is
    # the end itself), or to the start of a period the job charged ahead.
    "edge": st.integers(0, 1_000),
    "period_start": st.none(),
    "cancel": st.none(),
    "come_back": st.none(),
    "look": st.none(),
}
# Mostly the job, as in life; the rest often enough to meet each other (a cancellation least:
# it stops most of the story until the user comes back).
KINDS = [
    *["tick"] * 3,
    *["job"] * 3,
    *["top_up"] * 2,
    *["change"] * 3,
    *["come_back"] * 2,
    *["edge"] * 2,
    "period_start",
    "look",
    "cancel",
]
actions = st.sampled_from(KINDS).flatmap(
    lambda kind: ARGUMENTS[kind].map(lambda argument: (kind, argument))
)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def start(plan: Plan, others: list[Plan], lead: timedelta, extra_minor: int) -> Timeline:
    books = Books(plan.price_minor + extra_minor, deposited_minor=plan.price_minor + extra_minor)
    sub, charge = subscribe(uuid.uuid4(), USER, plan, books.balance_minor, T0)
    assert books.charge(charge)
    timeline = Timeline({p.id: p for p in [plan, *others]}, lead, books, sub)
    timeline.look()
    return timeline


# Found by the property (lead 0, so the job renews at the paid end): a look at the end before
# the job's tick saw no access for an instant the renewal then paid for, and the second replica,
# deciding on its stale read with the spent balance, suspended the renewed subscription.
_TICK = ("tick", [timedelta(0)])
_STALE_REPLICA_AT_THE_PAID_END = (
    1,
    MINUTE,
    1,
    MINUTE,
    False,
    0,
    1_000,
    [
        ((0, 0), _TICK),
        ((0, 0), ("come_back", None)),
        ((0, 0), ("period_start", None)),
        ((0, 0), _TICK),
        ((0, 0), ("top_up", 0)),
        ((1_000, 0), ("period_start", None)),
        ((0, 0), ("tick", [timedelta(0), US])),
        ((0, 0), _TICK),
        ((0, 0), _TICK),
        ((0, 0), _TICK),
    ],
)


@PROPERTY
@example(*_STALE_REPLICA_AT_THE_PAID_END)
@given(
    prices,
    periods,
    prices,
    periods,
    st.sampled_from([False, False, False, True]),  # B retired
    st.integers(0, 999),
    st.integers(0, 20_000),
    st.lists(st.tuples(gaps, actions), min_size=10, max_size=60),
)
def test_any_timeline_charges_each_period_once_and_only_for_time_with_access(
    price_a: int,
    period_a: timedelta,
    price_b: int,
    period_b: timedelta,
    b_retired: bool,
    lead_permille: int,
    extra_permille: int,
    events: list[tuple[tuple[int, int], tuple[str, Any]]],
) -> None:
    plan_a = make_plan(price_minor=price_a, period=period_a)
    plan_b = make_plan(price_minor=price_b, period=period_b, retired=b_retired)
    lead = min(period_a, period_b) * lead_permille // 1_000  # any lead shorter than a period
    dearer_minor = max(price_a, price_b)
    timeline = start(plan_a, [plan_b], lead, dearer_minor * extra_permille // 1_000)
    by_name = {"A": plan_a, "B": plan_b}
    for (gap_permille, gap_us), (action, argument) in events:
        timeline.now += period_a * gap_permille // 1_000 + gap_us * US
        if action == "tick":
            timeline.tick(argument)
        elif action == "job":
            count, jitter_us = argument
            timeline.run_job(count, (lead or period_a) // 2 + jitter_us * US)
        elif action == "top_up":
            timeline.top_up(dearer_minor * argument // 1_000)
        elif action == "change":
            other = plan_b if timeline.sub.plan_id == plan_a.id else plan_a
            timeline.change_to(other if argument == "other" else by_name[argument])
        elif action == "edge":
            end = timeline.sub.paid_through
            timeline.now = max(timeline.now, end - lead + lead * argument // 1_000)
        elif action == "period_start":
            timeline.now = max(timeline.now, timeline.sub.period_start)
        elif action == "cancel":
            timeline.cancel()
        elif action == "come_back":
            timeline.come_back()
        timeline.look()
    assert_fair(timeline)


@PROPERTY
@given(
    prices,
    periods,
    prices,
    periods,
    st.integers(1, 999),
    st.integers(0, 1_000),
    st.integers(0, 1_999),
)
def test_a_plan_change_after_an_early_renewal_refunds_exactly_the_unused_time(
    price_a: int,
    period_a: timedelta,
    price_b: int,
    period_b: timedelta,
    lead_permille: int,
    renew_permille: int,
    change_permille: int,
) -> None:
    """(2) at the edge where two paid periods are still ahead of the change: the job renewed
    within its lead, then the user changes plan — before the renewed period starts, exactly at
    its start, or inside it. Both periods' unused parts come back, no more, no less."""
    plan_a = make_plan(price_minor=price_a, period=period_a)
    plan_b = make_plan(price_minor=price_b, period=period_b)
    lead = min(period_a, period_b) * lead_permille // 1_000 or US
    timeline = start(plan_a, [plan_b], lead, price_a + price_b)
    timeline.now = T0 + period_a - lead + lead * renew_permille // 1_000
    timeline.tick([timedelta(0)])
    assert timeline.sub.period_number == 2  # renewed ahead (or on the dot)
    timeline.look()
    # Thousandths of the way to the renewed period's start (1 000: the start), then of it.
    renewed_start = timeline.sub.period_start
    if change_permille <= 1_000:
        timeline.now += (renewed_start - timeline.now) * change_permille // 1_000
    else:
        timeline.now = renewed_start + period_a * (change_permille - 1_000) // 1_000
    timeline.change_to(plan_b)
    assert timeline.books.changes, "the change went through"
    timeline.look()
    assert_fair(timeline)


@PROPERTY
@given(
    prices,
    periods,
    leads,
    st.lists(micros(0, HOUR_US), max_size=8),
    micros(0, 500 * HOUR_US),
    st.lists(micros(0, SECOND_US), min_size=1, max_size=3),
)
def test_after_an_outage_of_any_length_the_next_tick_charges_one_period_from_the_tick(
    price: int,
    period: timedelta,
    lead: timedelta,
    intervals: list[timedelta],
    outage_beyond: timedelta,
    replicas: list[timedelta],
) -> None:
    """(5) However long the job was down, its next tick (whatever replicas run it) charges one
    period, starting at the tick: not one per missed period, nothing for the missed time."""
    plan = make_plan(price_minor=price, period=period)
    timeline = start(plan, [], lead, 1_000 * price)
    for interval in intervals:
        timeline.now += interval
        timeline.tick([timedelta(0)])
    # Down for longer than a period and the lead: the paid access has ended by the next tick.
    paid_through = timeline.sub.paid_through
    timeline.now += period + lead + US + outage_beyond
    tick_at = timeline.now + min(replicas)  # the first replica to decide charges
    before = set(timeline.books.charges)
    timeline.tick(replicas)
    new = [timeline.books.charges[key] for key in set(timeline.books.charges) - before]
    assert len(new) == 1
    assert (new[0].period_start, new[0].period_end) == (tick_at, tick_at + period)
    assert paid_through < tick_at
    # And no tick finds anything due again before the new period's own renewal lead (a
    # replica's tick up to a second later may already be in it when the lead is long).
    balance = timeline.books.balance_minor
    for later in (tick_at, max(tick_at, new[0].period_end - lead - US)):
        assert decide_renewal(timeline.sub, plan, balance, later, lead) is None
    timeline.look()
    assert_fair(timeline)


@PROPERTY
@given(prices, periods, leads, micros(0, 50 * HOUR_US), micros(0, 50 * HOUR_US))
def test_a_top_up_after_a_suspension_starts_access_at_the_top_up(
    price: int, period: timedelta, lead: timedelta, late_by: timedelta, top_up_after: timedelta
) -> None:
    """(6) Suspended for want of money, the user tops up: access starts then, and the period
    charged is a full one from the top-up (or from the paid end, if that is still ahead)."""
    plan = make_plan(price_minor=price, period=period)
    timeline = start(plan, [], lead, 0)
    timeline.now = T0 + period - lead + min(late_by, lead)  # due, within the lead or on time
    timeline.tick([timedelta(0)])
    assert timeline.sub.status is SubscriptionStatus.suspended
    paid_through = timeline.sub.paid_through
    timeline.now += top_up_after
    top_up_at = timeline.now
    before = set(timeline.books.charges)
    timeline.top_up(price)
    (key,) = set(timeline.books.charges) - before
    charge = timeline.books.charges[key]
    assert charge.period_start == max(top_up_at, paid_through)
    assert charge.period_end == charge.period_start + period
    assert timeline.sub.has_access(top_up_at)
    if top_up_at > paid_through:
        assert not timeline.sub.has_access(top_up_at - US)
    timeline.look()
    assert_fair(timeline)
