"""An in-memory bets unit of work for millisecond tests of the saga (cosmicpython's
``FakeUnitOfWork``): the repositories keep bets, legs and the read model's selections in dicts;
``emit`` / ``emit_replies`` collect the messages; ``commit`` runs the commit hooks.

Only what the saga's reply handling and cancellation use is faked; the real repositories' SQL,
locks and races stay with the database tests.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from pydantic import BaseModel

from bets.adapters.repositories import BetRepository, EventReadModel
from bets.adapters.responsible_gambling import LossLimitRepository, RestrictionReadModel
from bets.domain.bet import BetStatus, LegClock
from bets.domain.loss_limits import LossLimit, Period
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.messaging.envelope import Envelope


class FakeBetRepository(BetRepository):
    def __init__(self) -> None:  # no session: everything is in these dicts
        self.rows: dict[uuid.UUID, dict[str, Any]] = {}
        self.leg_rows: dict[uuid.UUID, list[dict[str, Any]]] = {}
        self.notified: list[uuid.UUID] = []

    def _row(self, bet_id: uuid.UUID) -> Any:
        return SimpleNamespace(**self.rows[bet_id])

    async def add(self, row: dict[str, Any], legs: list[dict[str, Any]]) -> None:
        self.rows[row["id"]] = {
            "reason": None,
            "decided_at": None,
            "settled_at": None,
            "reserve_attempts": 0,
            **row,
        }
        self.leg_rows[row["id"]] = [{"outcome": None, **leg} for leg in legs]

    async def lock(self, bet_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        return {b: self._row(b) for b in sorted(bet_ids) if b in self.rows}

    async def lock_users_bet(self, bet_id: uuid.UUID, user_id: uuid.UUID) -> Any:
        found = self.rows.get(bet_id)
        return None if found is None or found["user_id"] != user_id else self._row(bet_id)

    async def legs_by_bet(self, bet_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
        return {b: [SimpleNamespace(**leg) for leg in self.leg_rows.get(b, [])] for b in bet_ids}

    async def leg_clocks(self, bet_id: uuid.UUID) -> list[LegClock]:
        return [
            LegClock(leg["event_id"], None, None, leg["outcome"]) for leg in self.leg_rows[bet_id]
        ]

    async def open(self, bet_ids: Sequence[uuid.UUID], decided_at: datetime) -> None:
        for b in bet_ids:
            self.rows[b].update(status=BetStatus.OPEN, decided_at=decided_at)

    async def reject(self, decided: Sequence[tuple[uuid.UUID, str]]) -> None:
        for b, reason in decided:
            self.rows[b].update(status=BetStatus.REJECTED, reason=reason)

    async def reject_all(self, bet_ids: Sequence[uuid.UUID], reason: str, now: datetime) -> None:
        for b in bet_ids:
            self.rows[b].update(status=BetStatus.REJECTED, reason=reason, decided_at=now)

    async def cancel(self, bet_id: uuid.UUID, now: datetime) -> None:
        self.rows[bet_id].update(status=BetStatus.CANCELLED, settled_at=now)

    async def notify_decided(self, bet_ids: Sequence[uuid.UUID]) -> None:
        self.notified.extend(bet_ids)


class FakeEventReadModel(EventReadModel):
    def __init__(self) -> None:
        self.by_odds: dict[uuid.UUID, Any] = {}

    def offer(
        self,
        *,
        event_status: str = "scheduled",
        starts_at: datetime | None = None,
        market_status: str = "open",
        coefficient: str = "2.10",
    ) -> Any:
        """A selection the read model knows, taking bets unless told otherwise."""
        selection = SimpleNamespace(
            odds_id=uuid.uuid4(),
            event_id=uuid.uuid4(),
            market_id=uuid.uuid4(),
            market="1X2",
            selection="Home",
            coefficient=Decimal(coefficient),
            market_status=market_status,
            live_betting=False,
            event_name="Real Madrid \u2013 Barcelona",
            event_status=event_status,
            starts_at=starts_at,
        )
        self.by_odds[selection.odds_id] = selection
        return selection

    async def selections(self, odds_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        return {o: self.by_odds[o] for o in set(odds_ids) if o in self.by_odds}


class FakeRestrictionReadModel(RestrictionReadModel):
    """auth's time-outs and self-exclusions: none unless a test puts one in ``until_by_user``."""

    def __init__(self) -> None:
        self.until_by_user: dict[uuid.UUID, datetime] = {}

    async def until(self, user_id: uuid.UUID) -> datetime | None:
        return self.until_by_user.get(user_id)


class FakeLossLimitRepository(LossLimitRepository):
    """No user has a loss limit (placement locks and sums nothing for them)."""

    def __init__(self) -> None:
        pass

    async def of_user(self, user_id: uuid.UUID, *, lock: bool = False) -> dict[Period, LossLimit]:
        return {}


class FakeBetsUnitOfWork(BetsUnitOfWork):
    def __init__(self) -> None:  # no sessionmaker: nothing to connect to
        self._after_commit = []
        self.bets = FakeBetRepository()
        self.read_model = FakeEventReadModel()
        self.restrictions = FakeRestrictionReadModel()
        self.loss_limits = FakeLossLimitRepository()
        self.emitted: list[BaseModel] = []
        self.replied: list[tuple[Envelope, BaseModel]] = []
        self._counts: list[Callable[[], None]] = []
        self.committed = False

    async def __aenter__(self) -> FakeBetsUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._counts = []

    async def emit(self, *messages: BaseModel) -> None:
        self.emitted.extend(messages)

    async def emit_replies(self, replies: Sequence[tuple[Envelope, BaseModel]]) -> None:
        self.replied.extend(replies)
        self.emitted.extend(message for _, message in replies)

    def on_commit(self, action: Callable[[], None]) -> None:
        self._counts.append(action)

    async def commit(self) -> None:
        self.committed = True
        actions, self._counts = self._counts, []
        for action in actions:
            action()

    async def rollback(self) -> None:
        self._counts = []

    # --- for the tests ------------------------------------------------------------------------

    def status(self, bet_id: uuid.UUID) -> tuple[str, str | None]:
        row = cast(FakeBetRepository, self.bets).rows[bet_id]
        return row["status"], row["reason"]

    def emitted_types(self) -> list[str]:
        return [type(m).__name__ for m in self.emitted]
