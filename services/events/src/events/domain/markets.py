"""Market definitions: which selections a market has, whether it needs a line, its label.

| type | selections | line |
|---|---|---|
| ``1x2`` | ``1`` home wins, ``X`` draw, ``2`` away wins | — |
| ``winner`` | ``1``, ``2`` (two-way: sports without draws; a draw voids both) | — |
| ``double_chance`` | ``1X``, ``12``, ``X2`` | — |
| ``total`` | ``over``, ``under`` the line (total goals/points) | a multiple of 0.5 |
| ``btts`` | ``yes``, ``no``: both teams score | — |
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final, Literal, TypeGuard, get_args

from events.domain.errors import MarketLineInvalid, MarketSelectionsInvalid, MarketTypeUnknown

MarketType = Literal["1x2", "winner", "double_chance", "total", "btts"]
MARKET_TYPES: Final[tuple[MarketType, ...]] = get_args(MarketType)
MarketStatus = Literal["open", "suspended", "closed"]
SelectionStatus = Literal["open", "suspended"]

LINE_STEP: Final = Decimal("0.5")
LINE_MAXIMUM: Final = Decimal("999.5")


@dataclass(frozen=True)
class MarketDefinition:
    market_type: MarketType
    name: str
    selections: tuple[str, ...]
    has_line: bool = False


DEFINITIONS: Final[dict[MarketType, MarketDefinition]] = {
    "1x2": MarketDefinition("1x2", "1X2", ("1", "X", "2")),
    "winner": MarketDefinition("winner", "Winner", ("1", "2")),
    "double_chance": MarketDefinition("double_chance", "Double chance", ("1X", "12", "X2")),
    "total": MarketDefinition("total", "Total", ("over", "under"), has_line=True),
    "btts": MarketDefinition("btts", "Both teams to score", ("yes", "no")),
}


def is_market_type(value: str) -> TypeGuard[MarketType]:
    return value in DEFINITIONS


def market_type_of(value: str) -> MarketType:
    if not is_market_type(value):
        raise MarketTypeUnknown(
            f"Unknown market type {value[:50]!r}.", details={"known": list(MARKET_TYPES)}
        )
    return value


def definition(market_type: str) -> MarketDefinition:
    return DEFINITIONS[market_type_of(market_type)]


def normalize_line(market_type: str, line: object) -> Decimal | None:
    """The market's line as a ``Decimal`` (``None`` for markets without one).

    A totals line is a positive multiple of 0.5 up to 999.5: half lines (2.5) always settle,
    integer lines (2.0) are void on an exact total. Quarter lines are not offered.
    """
    spec = definition(market_type)
    if not spec.has_line:
        if line is not None:
            raise MarketLineInvalid(f"The {spec.name} market has no line.")
        return None
    if line is None or isinstance(line, bool):
        raise MarketLineInvalid(f"The {spec.name} market needs a line, e.g. 2.5.")
    try:
        value = Decimal(repr(line) if isinstance(line, float) else str(line))
    except InvalidOperation:
        raise MarketLineInvalid("The line must be a number, e.g. 2.5.") from None
    if not value.is_finite() or value <= 0 or value > LINE_MAXIMUM or value % LINE_STEP != 0:
        raise MarketLineInvalid(f"The line must be a multiple of 0.5 from 0.5 to {LINE_MAXIMUM}.")
    return value.quantize(Decimal("0.1"))


def market_label(market_type: str, line: Decimal | None) -> str:
    """What a person reads: ``1X2``, ``Total 2.5``, ``Both teams to score``."""
    spec = definition(market_type)
    if spec.has_line and line is not None:
        return f"{spec.name} {format_line(line)}"
    return spec.name


def format_line(line: Decimal) -> str:
    return str(line.quantize(Decimal("0.1")))


def check_selections(market_type: str, selections: Iterable[str]) -> None:
    """A new market is priced in full: every selection of its type exactly once."""
    spec = definition(market_type)
    given = Counter(selections)
    expected = Counter(spec.selections)
    if given != expected:
        raise MarketSelectionsInvalid(
            f"The {spec.name} market needs exactly the selections {', '.join(spec.selections)}.",
            details={"expected": list(spec.selections), "given": sorted(given.elements())},
        )


def market_for_main_odds(selections: Iterable[str]) -> MarketType:
    """The main market of ``POST /api/events/`` ``odds``: ``1,X,2`` → 1X2; ``1,2`` → winner."""
    given = sorted(selections)
    if given == sorted(DEFINITIONS["winner"].selections):
        return "winner"
    check_selections("1x2", given)
    return "1x2"
