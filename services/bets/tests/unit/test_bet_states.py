"""The bet state machine: transitions, the cancellation rule and the offer rule, no database."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from bets.domain.bet import (
    ACCEPTED,
    SETTLED,
    TRANSITIONS,
    WON_OR_LOST,
    BetStatus,
    LegClock,
    SelectionOffer,
    can_transition,
    cancel_changes_bet,
    check_no_leg_started,
    leg_started,
    next_status,
    offer_refusal,
)
from bets.domain.errors import (
    BetNotCancellable,
    BetTransitionNotAllowed,
    EventNotOpen,
    EventStarted,
    MarketSuspended,
)

S = BetStatus
ALLOWED = {
    (S.PENDING, S.OPEN),
    (S.PENDING, S.REJECTED),
    (S.OPEN, S.WON),
    (S.OPEN, S.LOST),
    (S.OPEN, S.VOID),
    (S.OPEN, S.CANCELLED),
    *itertools.product(SETTLED, SETTLED),  # a correction: any settled status, the same included
}
REFUSED = set(itertools.product(S, S)) - ALLOWED
NOW = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
EARLIER = NOW - timedelta(hours=1)


def test_the_values_are_the_strings_the_database_and_the_api_carry() -> None:
    assert [s.value for s in S] == [
        "pending",
        "open",
        "rejected",
        "won",
        "lost",
        "void",
        "cancelled",
    ]
    assert json.dumps({"status": S.OPEN}) == '{"status": "open"}'
    assert f"{S.CANCELLED}" == "cancelled"


def test_the_groups_of_statuses() -> None:
    assert set(SETTLED) == {S.WON, S.LOST, S.VOID}
    assert set(WON_OR_LOST) == {S.WON, S.LOST}
    assert set(ACCEPTED) == set(S) - {S.PENDING, S.REJECTED}
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_transition(current: BetStatus, target: BetStatus) -> None:
    assert can_transition(current, target)
    assert next_status(current, target) is target


@pytest.mark.parametrize(("current", "target"), sorted(REFUSED))
def test_a_refused_transition_says_why(current: BetStatus, target: BetStatus) -> None:
    assert not can_transition(current, target)
    with pytest.raises(BetTransitionNotAllowed) as raised:
        next_status(current, target)
    assert raised.value.message == f"A {current} bet cannot become {target}."
    assert raised.value.details == {"status": current.value, "target": target.value}


@pytest.mark.parametrize("final", [S.REJECTED, S.CANCELLED])
def test_rejected_and_cancelled_bets_never_move_again(final: BetStatus) -> None:
    assert not TRANSITIONS[final]


# --- cancellation ----------------------------------------------------------------------------


def test_an_open_bet_is_cancelled_and_a_cancelled_one_stays_as_it_is() -> None:
    assert cancel_changes_bet(S.OPEN) is True
    assert cancel_changes_bet(S.CANCELLED) is False


@pytest.mark.parametrize("status", [S.PENDING, S.REJECTED, S.WON, S.LOST, S.VOID])
def test_no_other_bet_can_be_cancelled(status: BetStatus) -> None:
    with pytest.raises(BetNotCancellable) as raised:
        cancel_changes_bet(status)
    assert raised.value.details == {"status": status.value}
    assert raised.value.message == "Only an open bet can be cancelled."


def leg(
    status: str | None = "scheduled",
    starts_at: datetime | None = LATER,
    outcome: str | None = None,
) -> LegClock:
    return LegClock(uuid.uuid4(), status, starts_at, outcome)


@pytest.mark.parametrize("status", ["scheduled", "postponed", None])
def test_a_leg_still_to_come_has_not_started(status: str | None) -> None:
    assert not leg_started(leg(status), NOW)
    assert not leg_started(leg(status, starts_at=None), NOW)


@pytest.mark.parametrize("status", ["live", "finished", "cancelled"])
def test_a_leg_whose_event_is_no_longer_to_come_has_started(status: str) -> None:
    assert leg_started(leg(status), NOW)


@pytest.mark.parametrize("status", ["scheduled", "postponed", None])
def test_a_leg_whose_start_time_has_come_has_started(status: str | None) -> None:
    assert leg_started(leg(status, starts_at=NOW), NOW)
    assert leg_started(leg(status, starts_at=EARLIER), NOW)


@pytest.mark.parametrize("outcome", ["won", "lost", "void"])
def test_a_resolved_leg_has_started(outcome: str) -> None:
    assert leg_started(leg(outcome=outcome), NOW)


def test_a_bet_is_cancelled_only_before_any_legs_event_starts() -> None:
    check_no_leg_started([leg(), leg("postponed")], NOW)
    check_no_leg_started([], NOW)
    started = leg("live")
    with pytest.raises(EventStarted) as raised:
        check_no_leg_started([leg(), started, leg(starts_at=EARLIER)], NOW)
    assert raised.value.message == "A leg's event has started."
    assert raised.value.details == {"event_id": str(started.event_id)}


# --- the offer -------------------------------------------------------------------------------

DETAILS = {"event_id": "e", "odds_id": "o"}


def offer(
    event_status: str | None = "scheduled",
    starts_at: datetime | None = LATER,
    market_status: str = "open",
    live_betting: bool = False,
) -> SelectionOffer:
    return SelectionOffer(event_status, starts_at, market_status, live_betting)


def test_a_scheduled_event_takes_bets_until_its_start_time() -> None:
    assert offer_refusal(offer(), NOW, details=DETAILS) is None
    assert offer_refusal(offer(starts_at=None), NOW, details=DETAILS) is None
    for starts_at in (NOW, EARLIER):
        refusal = offer_refusal(offer(starts_at=starts_at), NOW, details=DETAILS)
        assert isinstance(refusal, EventStarted)
        assert refusal.details == DETAILS


def test_a_live_event_takes_bets_on_its_live_betting_markets_only() -> None:
    live = offer("live", starts_at=EARLIER, live_betting=True)
    assert offer_refusal(live, NOW, details=DETAILS) is None
    refusal = offer_refusal(offer("live", live_betting=False), NOW, details=DETAILS)
    assert isinstance(refusal, EventStarted)


@pytest.mark.parametrize("status", ["postponed", "finished", "cancelled", None])
def test_an_event_neither_scheduled_nor_live_takes_no_bets(status: str | None) -> None:
    refusal = offer_refusal(offer(status), NOW, details=DETAILS)
    assert isinstance(refusal, EventNotOpen)
    assert refusal.details == {**DETAILS, "status": status}


def test_a_started_event_is_refused_as_started_before_as_not_open() -> None:
    refusal = offer_refusal(offer("postponed", starts_at=EARLIER), NOW, details=DETAILS)
    assert isinstance(refusal, EventStarted)


@pytest.mark.parametrize("market_status", ["suspended", "closed"])
@pytest.mark.parametrize("event_status", ["scheduled", "live"])
def test_a_market_not_open_takes_no_bets(event_status: str, market_status: str) -> None:
    selection = offer(event_status, market_status=market_status, live_betting=True)
    refusal = offer_refusal(selection, NOW, details=DETAILS)
    assert isinstance(refusal, MarketSuspended)
    assert refusal.details == {**DETAILS, "market_status": market_status}
