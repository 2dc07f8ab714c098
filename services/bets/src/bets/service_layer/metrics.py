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

from bets.domain.bet import BetStatus


class CommitHooks(Protocol):
    """A unit of work that runs an action once its transaction commits (``BetsUnitOfWork``; a
    fake one runs it at its own commit)."""

    def on_commit(self, action: Callable[[], None]) -> None: ...


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


def decided(uow: CommitHooks, outcome: PlacementOutcome, reason: str = "", n: int = 1) -> None:
    """``n`` pending bets decided as ``outcome`` in the unit of work's open transaction."""
    if n:
        uow.on_commit(lambda: placement_outcomes.labels(outcome, reason).inc(n))


def bets_settled(uow: CommitHooks, results: Iterable[str]) -> None:
    tally = Tally(results)

    def count() -> None:
        for result, k in tally.items():
            settled.labels(result).inc(k)

    if tally:
        uow.on_commit(count)


def bet_cancelled(uow: CommitHooks, reason: str) -> None:
    uow.on_commit(lambda: cancelled.labels(reason).inc())


def bets_resettled(uow: CommitHooks, changes: Iterable[tuple[str, str]]) -> None:
    """``(old_result, new_result)`` of each bet corrected."""
    tally = Tally(changes)

    def count() -> None:
        for (old, new), k in tally.items():
            resettled.labels(old, new).inc(k)

    if tally:
        uow.on_commit(count)
