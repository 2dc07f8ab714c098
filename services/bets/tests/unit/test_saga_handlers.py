"""The saga's reply handling in memory (cosmicpython's ``test_handlers``): given a pending bet
and the wallet's reply → the bet's status and the messages it emits. Locks, races and SQL stay
with the database tests (``test_saga_steps``, ``test_saga_batch``)."""

from __future__ import annotations

import inspect
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from services.bets.tests.unit.fakes import FakeBetRepository, FakeBetsUnitOfWork, FakeEventReadModel

from bets.domain.bet import BetStatus
from bets.domain.errors import BetNotFound
from bets.domain.limits import BetLimits
from bets.entrypoints.worker import SUBSCRIPTIONS
from bets.service_layer import saga_batch
from bets.service_layer.cancellation import cancel_bet
from bets.service_layer.placement import LegRequest, place_bet
from bets.service_layer.saga import (
    COMPENSATIONS,
    PLACEMENT_SAGA,
    RESERVATION_TIMEOUT,
    ReplyInOtherCurrency,
)
from bets.service_layer.saga_batch import WalletReply, decide_wallet_replies
from common.contracts.bets import BetPlaced, BetRejected, ReleaseStake
from common.contracts.wallet import StakeReservationRejected, StakeReserved
from common.messaging.envelope import wrap

USER = uuid.uuid4()


def repos(uow: FakeBetsUnitOfWork) -> tuple[FakeBetRepository, FakeEventReadModel]:
    assert isinstance(uow.bets, FakeBetRepository)
    assert isinstance(uow.read_model, FakeEventReadModel)
    return uow.bets, uow.read_model


async def pending_bet(uow: FakeBetsUnitOfWork, stake_minor: int = 1_000) -> tuple[uuid.UUID, Any]:
    """A single placed through placement itself: pending, its ReserveStake emitted."""
    _, read_model = repos(uow)
    selection = read_model.offer(starts_at=datetime.now(UTC) + timedelta(days=1))
    bet_id = await place_bet(
        uow,
        user_id=USER,
        legs=[LegRequest(selection.event_id, selection.odds_id)],
        stake_minor=stake_minor,
        is_coupon=False,
        policy="none",
        limits=BetLimits(),
        currency="USD",
        now=datetime.now(UTC),
    )
    uow.emitted.clear()  # the ReserveStake: these tests are about what the reply emits
    return bet_id, selection


def reserved(bet_id: uuid.UUID, currency: str = "USD") -> StakeReserved:
    return StakeReserved(
        bet_id=bet_id, user_id=USER, hold_id=uuid.uuid4(), amount_minor=1_000, currency=currency
    )


def refused(bet_id: uuid.UUID) -> StakeReservationRejected:
    return StakeReservationRejected(bet_id=bet_id, user_id=USER, reason="wallet.insufficient_funds")


async def decide(uow: FakeBetsUnitOfWork, *replies: WalletReply) -> None:
    await decide_wallet_replies(uow, [(reply, wrap(reply)) for reply in replies])


async def test_placing_a_bet_leaves_it_pending_and_asks_the_wallet_for_the_stake() -> None:
    uow = FakeBetsUnitOfWork()
    _, read_model = repos(uow)
    selection = read_model.offer()
    bet_id = await place_bet(
        uow,
        user_id=USER,
        legs=[LegRequest(selection.event_id, selection.odds_id)],
        stake_minor=1_000,
        is_coupon=False,
        policy="none",
        limits=BetLimits(),
        currency="USD",
        now=datetime.now(UTC),
    )
    assert uow.status(bet_id) == (BetStatus.PENDING, None)
    assert uow.emitted_types() == [t.__name__ for t in PLACEMENT_SAGA[0].emits]


async def test_a_reserved_stake_opens_the_bet_and_announces_it() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, selection = await pending_bet(uow)
    await decide(uow, reserved(bet_id))
    assert uow.status(bet_id) == (BetStatus.OPEN, None)
    [placed] = uow.emitted
    assert isinstance(placed, BetPlaced)
    assert (placed.bet_id, placed.stake_minor) == (bet_id, 1_000)
    assert [leg.odds_id for leg in placed.legs] == [selection.odds_id]
    assert repos(uow)[0].notified == [bet_id]


async def test_a_reserved_stake_for_a_bet_whose_event_started_is_released_and_rejected() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, selection = await pending_bet(uow)
    selection.event_status = "live"  # the event went live; the market takes no live bets
    await decide(uow, reserved(bet_id))
    assert uow.status(bet_id) == (BetStatus.REJECTED, "bet.event_started")
    assert uow.emitted_types() == [t.__name__ for t in COMPENSATIONS["offer_gone"].emits]
    release, rejected = uow.emitted
    assert isinstance(release, ReleaseStake)
    assert release.reason == "bet.event_started"
    assert isinstance(rejected, BetRejected)
    assert rejected.reason == "bet.event_started"


async def test_a_refused_reservation_rejects_the_bet_with_the_wallets_reason() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, _ = await pending_bet(uow)
    await decide(uow, refused(bet_id))
    assert uow.status(bet_id) == (BetStatus.REJECTED, "wallet.insufficient_funds")
    assert uow.emitted_types() == [t.__name__ for t in COMPENSATIONS["stake_refused"].emits]
    [rejected] = uow.emitted
    assert isinstance(rejected, BetRejected)
    assert rejected.reason == "wallet.insufficient_funds"


async def test_a_duplicate_reply_changes_nothing() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, _ = await pending_bet(uow)
    await decide(uow, reserved(bet_id), reserved(bet_id), refused(bet_id))
    assert uow.status(bet_id) == (BetStatus.OPEN, None)
    assert uow.emitted_types() == ["BetPlaced"]


async def test_a_hold_made_after_the_watchdog_gave_up_is_released_again() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, _ = await pending_bet(uow)
    await repos(uow)[0].reject_all([bet_id], RESERVATION_TIMEOUT, datetime.now(UTC))
    await decide(uow, reserved(bet_id))
    assert uow.status(bet_id) == (BetStatus.REJECTED, RESERVATION_TIMEOUT)
    assert uow.emitted_types() == [t.__name__ for t in COMPENSATIONS["late_hold"].emits]


async def test_each_reply_carries_on_its_own_message_chain() -> None:
    uow = FakeBetsUnitOfWork()
    first, _ = await pending_bet(uow)
    second, _ = await pending_bet(uow)
    items: list[tuple[WalletReply, Any]] = [
        (reply, wrap(reply)) for reply in (reserved(first), refused(second))
    ]
    await decide_wallet_replies(uow, items)
    assert [(cause, type(m)) for cause, m in uow.replied] == [
        (items[0][1], BetPlaced),
        (items[1][1], BetRejected),
    ]


async def test_a_stake_held_in_another_currency_is_poison() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, _ = await pending_bet(uow)
    with pytest.raises(ReplyInOtherCurrency):
        await decide(uow, reserved(bet_id, currency="EUR"))


async def test_a_reply_for_an_unknown_bet_is_retried() -> None:
    with pytest.raises(BetNotFound):
        await decide(FakeBetsUnitOfWork(), reserved(uuid.uuid4()))


async def test_decisions_are_counted_only_at_commit() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, _ = await pending_bet(uow)
    opened = saga_batch.metrics.placement_outcomes.labels(BetStatus.OPEN, "")
    before = opened._value.get()
    await decide(uow, reserved(bet_id))
    assert opened._value.get() == before
    await uow.commit()
    assert opened._value.get() == before + 1


async def test_cancelling_an_open_bet_releases_the_stake() -> None:
    uow = FakeBetsUnitOfWork()
    bet_id, _ = await pending_bet(uow)
    await decide(uow, reserved(bet_id))
    uow.emitted.clear()
    await cancel_bet(uow, bet_id=bet_id, user_id=USER, now=datetime.now(UTC))
    assert uow.status(bet_id) == (BetStatus.CANCELLED, None)
    assert uow.emitted_types() == [t.__name__ for t in COMPENSATIONS["cancelled_by_user"].emits]


def test_the_worker_decides_every_reply_of_the_reserve_stake_step() -> None:
    [reserve] = [step for step in PLACEMENT_SAGA if step.name == "reserve_stake"]
    assert reserve.replies
    for reply in reserve.replies:
        assert SUBSCRIPTIONS[reply] is saga_batch.WALLET_REPLIES


def test_every_bets_step_and_compensation_names_the_coroutine_that_carries_it_out() -> None:
    handlers = [s.handled_by for s in PLACEMENT_SAGA if s.participant == "bets"]
    handlers += [c.handled_by for c in COMPENSATIONS.values()]
    for handler in handlers:
        assert handler is not None
        assert inspect.iscoroutinefunction(handler), handler
        assert handler.__module__.startswith("bets.service_layer."), handler
    # The wallet's step is the wallet's own code: the table names no bets function for it.
    assert [s.handled_by for s in PLACEMENT_SAGA if s.participant == "wallet"] == [None]
