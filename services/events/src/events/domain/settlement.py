"""Settlement outcomes: from a final score, every selection of a market is won, lost or void.

Pure functions with no I/O. A cancelled event voids every selection; a two-way ``winner``
market is void on a draw; a totals market is void when the total equals an integer line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from events.domain.errors import ScoreInvalid
from events.domain.markets import definition, normalize_line

Outcome = Literal["won", "lost", "void"]
Outcomes = dict[str, Outcome]


def _won(condition: bool) -> Outcome:
    return "won" if condition else "lost"


def check_score(home: object, away: object) -> tuple[int, int]:
    for value in (home, away):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ScoreInvalid()
    assert isinstance(home, int)
    assert isinstance(away, int)
    return home, away


def outcomes(market_type: str, line: Decimal | None, home: int, away: int) -> Outcomes:
    """``{selection: outcome}`` for one market of an event that finished ``home``-``away``."""
    home, away = check_score(home, away)
    spec = definition(market_type)
    line = normalize_line(market_type, line)
    match spec.market_type:
        case "1x2":
            return {"1": _won(home > away), "X": _won(home == away), "2": _won(away > home)}
        case "winner":
            if home == away:
                return {"1": "void", "2": "void"}
            return {"1": _won(home > away), "2": _won(away > home)}
        case "double_chance":
            return {"1X": _won(home >= away), "12": _won(home != away), "X2": _won(away >= home)}
        case "total":
            assert line is not None
            total = home + away
            if total == line:
                return {"over": "void", "under": "void"}
            return {"over": _won(total > line), "under": _won(total < line)}
        case "btts":
            both = home > 0 and away > 0
            return {"yes": _won(both), "no": _won(not both)}


def cancelled_outcomes(market_type: str) -> Outcomes:
    """A cancelled event: every selection is void (stakes returned)."""
    return dict.fromkeys(definition(market_type).selections, "void")
