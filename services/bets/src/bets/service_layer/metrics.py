"""Saga outcomes as Prometheus counters (one set per process; ARCHITECTURE.md §7).

Each is counted once the transaction that decided it commits (``common.commit_hooks``): a
rolled-back batch, a duplicate wallet reply or a repeated result counts nothing.

- ``looseline_bets_placement_outcomes_total{outcome, reason}``: a pending bet decided —
  ``open`` (reason ``""``), ``rejected`` (the wallet's reason, e.g. ``wallet.insufficient_funds``,
  or the offer's when it turned invalid while pending, e.g. ``bet.event_started``) or
  ``timeout`` (the watchdog gave up: ``bet.reservation_timeout``);
- ``looseline_bets_settled_total{result}``: won / lost / void;
- ``looseline_bets_cancelled_total{reason}``: e.g. ``bet.cancelled_by_user``;
- ``looseline_bets_resettled_total{old_result, new_result}``: a settled bet corrected.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Callable, Iterable
from typing import Literal, Protocol

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from bets.domain.bet import BetStatus
from common.commit_hooks import on_commit


class CommitHooks(Protocol):
    """A unit of work that runs an action once its transaction commits (a fake one runs it at
    its own commit)."""

    def on_commit(self, action: Callable[[], None]) -> None: ...


# Where a count waits for the commit: a session, or a unit of work bound to one.
Transaction = AsyncSession | CommitHooks


def _at_commit(transaction: Transaction, action: Callable[[], None]) -> None:
    if isinstance(transaction, AsyncSession):
        on_commit(transaction, action)
    else:
        transaction.on_commit(action)


# The status a pending bet was decided to, or ``timeout`` (the watchdog rejected it).
PlacementOutcome = Literal[BetStatus.OPEN, BetStatus.REJECTED, "timeout"]

placement_outcomes = Counter(
    "looseline_bets_placement_outcomes_total",
    "Pending bets decided: open, rejected (by reason) or timed out (counted at commit)",
    ["outcome", "reason"],
)
settled = Counter(
    "looseline_bets_settled_total", "Bets settled, by result (counted at commit)", ["result"]
)
cancelled = Counter(
    "looseline_bets_cancelled_total", "Bets cancelled, by reason (counted at commit)", ["reason"]
)
resettled = Counter(
    "looseline_bets_resettled_total",
    "Settled bets whose result or payout was corrected (counted at commit)",
    ["old_result", "new_result"],
)


def decided(session: Transaction, outcome: PlacementOutcome, reason: str = "", n: int = 1) -> None:
    """``n`` pending bets decided as ``outcome`` in the session's open transaction."""
    if n:
        _at_commit(session, lambda: placement_outcomes.labels(outcome, reason).inc(n))


def bets_settled(session: Transaction, results: Iterable[str]) -> None:
    tally = Tally(results)

    def count() -> None:
        for result, k in tally.items():
            settled.labels(result).inc(k)

    if tally:
        _at_commit(session, count)


def bet_cancelled(session: Transaction, reason: str) -> None:
    _at_commit(session, lambda: cancelled.labels(reason).inc())


def bets_resettled(session: Transaction, changes: Iterable[tuple[str, str]]) -> None:
    """``(old_result, new_result)`` of each bet corrected."""
    tally = Tally(changes)

    def count() -> None:
        for (old, new), k in tally.items():
            resettled.labels(old, new).inc(k)

    if tally:
        _at_commit(session, count)
