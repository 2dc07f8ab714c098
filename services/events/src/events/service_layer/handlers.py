"""Commands of the events service. Each runs inside the caller's unit of work (one transaction):
the state change and every message describing it commit together, or neither does.

Every change to an event first locks its row, so odds changes, status changes and settlement
of one event are serialised; different events never wait for each other.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from common.contracts.events import (
    EventCancelled,
    EventResettled,
    EventSettled,
    ScoreUpdated,
    SelectionOutcome,
)
from events.domain import lifecycle, markets, settlement
from events.domain.catalogue import check_teams, slugify
from events.domain.errors import (
    EventHasBets,
    EventNotFound,
    EventStartInPast,
    ExternalEventIdTaken,
    LeagueUnknown,
    MarketExists,
    MarketNotFound,
    OddsNotFound,
    SportUnknown,
    TransitionNotAllowed,
)
from events.domain.lifecycle import EventStatus
from events.domain.markets import MarketStatus, MarketType, SelectionStatus
from events.domain.model import Event, Market, Selection
from events.domain.odds import parse_coefficient
from events.service_layer import messages
from events.service_layer.unit_of_work import UnitOfWork

REASON_MAX_CHARS = 500


@dataclass(frozen=True)
class Price:
    """One selection's price as the caller gave it (parsed and checked here)."""

    selection: str
    coefficient: object


@dataclass(frozen=True)
class NewMarket:
    market_type: str
    line: object
    prices: Sequence[Price]
    live_betting: bool = False


# catalogue --------------------------------------------------------------------------------------
async def add_sport(
    uow: UnitOfWork, *, name: str, slug: str | None = None, icon: str = "", sort_order: int = 0
) -> int:
    return await uow.catalogue.ensure_sport(
        slug=slug or slugify(name), name=name.strip(), icon=icon, sort_order=sort_order
    )


async def add_league(uow: UnitOfWork, *, sport: str, name: str, country: str | None = None) -> int:
    sport_row = await uow.catalogue.sport(sport)
    if sport_row is None:
        raise SportUnknown(details={"sport": sport[:100]})
    return await uow.catalogue.ensure_league(
        sport_id=sport_row.id, name=name.strip(), slug=slugify(name), country=country
    )


# events -----------------------------------------------------------------------------------------
async def create_event(
    uow: UnitOfWork,
    *,
    sport: str,
    league: str,
    home_team: str,
    away_team: str,
    starts_at: datetime,
    main_odds: Sequence[Price] = (),
    extra_markets: Sequence[NewMarket] = (),
    external_event_id: str | None = None,
    by: str,
    now: datetime,
    allow_past_start: bool = False,
    main_live_betting: bool = False,
) -> uuid.UUID:
    """A new scheduled event; ``main_odds`` (``1``/``X``/``2``, or ``1``/``2``) open its main
    market (taking bets while live with ``main_live_betting``). ``allow_past_start`` is for
    loading history (demo data), never for the API."""
    sport_row = await uow.catalogue.sport(sport)
    if sport_row is None:
        raise SportUnknown(details={"sport": sport[:100]})
    league_row = await uow.catalogue.league(sport_row.id, league)
    if league_row is None:
        raise LeagueUnknown(details={"sport": sport_row.slug, "league": league[:100]})
    home, away = check_teams(home_team, away_team)
    if starts_at <= now and not allow_past_start:
        raise EventStartInPast()
    if external_event_id is not None and await uow.events.id_by_external(external_event_id):
        raise ExternalEventIdTaken(details={"external_event_id": external_event_id})
    new_markets = list(extra_markets)
    if main_odds:
        main_type = markets.market_for_main_odds(p.selection for p in main_odds)
        new_markets.insert(0, NewMarket(main_type, None, main_odds, main_live_betting))

    event = Event(
        id=uuid.uuid4(),
        sport_id=sport_row.id,
        sport_name=sport_row.name,
        league_id=league_row.id,
        league_name=league_row.name,
        home_team=home,
        away_team=away,
        starts_at=starts_at,
        status="scheduled",
        revision=1,
        settlement_version=0,
        external_event_id=external_event_id,
    )
    await uow.events.add(
        {
            "id": event.id,
            "sport_id": event.sport_id,
            "league_id": event.league_id,
            "home_team": home,
            "away_team": away,
            "starts_at": starts_at,
            "status": "scheduled",
            "external_event_id": external_event_id,
            "created_by": by,
        }
    )
    await uow.emit(messages.created(event))
    for order, new_market in enumerate(new_markets):
        await _open_market(uow, event, new_market, by=by, sort_order=order)
    return event.id


async def update_event(
    uow: UnitOfWork,
    event_id: uuid.UUID,
    *,
    league: str | None = None,
    home_team: str | None = None,
    away_team: str | None = None,
    starts_at: datetime | None = None,
    external_event_id: str | None = None,
    by: str,
    now: datetime,
) -> None:
    """Change what the snapshot shows; a postponed event given a new start time is rescheduled."""
    event = await _event(uow, event_id)
    lifecycle.check_trading(event.status)
    changes: dict[str, Any] = {}
    if league is not None:
        league_row = await uow.catalogue.league(event.sport_id, league)
        if league_row is None:
            raise LeagueUnknown(details={"league": league[:100]})
        if league_row.id != event.league_id:
            changes["league_id"] = league_row.id
            event.league_id, event.league_name = league_row.id, league_row.name
    if home_team is not None or away_team is not None:
        home, away = check_teams(home_team or event.home_team, away_team or event.away_team)
        if (home, away) != (event.home_team, event.away_team):
            changes.update(home_team=home, away_team=away)
            event.home_team, event.away_team = home, away
    rescheduled = False
    if starts_at is not None and starts_at != event.starts_at:
        if event.status == "live":
            raise TransitionNotAllowed("A live event's start time cannot change.")
        if starts_at <= now:
            raise EventStartInPast()
        changes["starts_at"] = event.starts_at = starts_at
        if event.status == "postponed":
            event.status = lifecycle.next_status(event.status, "reschedule")
            changes.update(status=event.status, status_reason=None)
            rescheduled = True
    if external_event_id is not None and external_event_id != event.external_event_id:
        if await uow.events.external_id_taken(external_event_id, other_than=event.id):
            raise ExternalEventIdTaken(details={"external_event_id": external_event_id})
        changes["external_event_id"] = event.external_event_id = external_event_id
    if not changes:
        return
    snapshot_changed = changes.keys() - {"external_event_id"}
    event.revision = await uow.events.change(
        event.id, bump_revision=bool(snapshot_changed), **changes
    )
    if rescheduled:
        await uow.emit(messages.status_changed(event))
    if snapshot_changed:
        await uow.emit(messages.updated(event))


async def delete_event(uow: UnitOfWork, event_id: uuid.UUID) -> None:
    """Only an event nobody has bet on; one with bets is cancelled instead (409 tells so)."""
    event = await _event(uow, event_id)
    bets = await uow.events.bet_count(event.id)
    if bets:
        raise EventHasBets(details={"bet_count": bets})
    if event.status in lifecycle.TRADING:
        # Bets never saw it taken, but a bet may be pending on it: the cancellation voids that.
        event.status = "cancelled"
        event.revision += 1
        await uow.emit(
            messages.status_changed(event),
            messages.updated(event),
            EventCancelled(event_id=event.id, reason="Event withdrawn by an administrator."),
        )
    await uow.events.delete(event.id)


# markets and odds -------------------------------------------------------------------------------
async def add_market(
    uow: UnitOfWork,
    event_id: uuid.UUID,
    *,
    market_type: str,
    line: object = None,
    prices: Sequence[Price],
    live_betting: bool = False,
    by: str,
) -> uuid.UUID:
    event = await _event(uow, event_id)
    lifecycle.check_trading(event.status)
    order = await uow.events.next_market_order(event.id)
    market = await _open_market(
        uow, event, NewMarket(market_type, line, prices, live_betting), by=by, sort_order=order
    )
    return market.id


async def _open_market(
    uow: UnitOfWork, event: Event, new: NewMarket, *, by: str, sort_order: int
) -> Market:
    market_type: MarketType = markets.market_type_of(new.market_type)
    line = markets.normalize_line(market_type, new.line)
    markets.check_selections(market_type, (p.selection for p in new.prices))
    coefficients = {p.selection: parse_coefficient(p.coefficient) for p in new.prices}
    if await uow.events.find_market(event.id, market_type, line) is not None:
        raise MarketExists(details={"market_type": market_type, "line": _line_json(line)})
    market = Market(
        id=uuid.uuid4(),
        event_id=event.id,
        market_type=market_type,
        line=line,
        status="open",
        live_betting=new.live_betting,
    )
    await uow.events.add_market(
        {
            "id": market.id,
            "event_id": event.id,
            "market_type": market_type,
            "line": line,
            "status": "open",
            "live_betting": market.live_betting,
            "sort_order": sort_order,
        }
    )
    selections = [
        Selection(
            id=uuid.uuid4(),
            event_id=event.id,
            market_id=market.id,
            selection=name,
            coefficient=coefficients[name],
            version=1,
            status="open",
        )
        for name in markets.definition(market_type).selections
    ]
    await uow.events.add_selections(
        [
            {
                "id": s.id,
                "event_id": s.event_id,
                "market_id": s.market_id,
                "selection": s.selection,
                "coefficient": s.coefficient,
                "version": 1,
                "status": "open",
                "sort_order": order,
            }
            for order, s in enumerate(selections)
        ]
    )
    await uow.events.add_history([_history(s, None, by) for s in selections])
    await uow.emit(
        messages.market_changed(market),
        *(messages.odds_changed(market, s, None) for s in selections),
    )
    return market


async def set_odds(
    uow: UnitOfWork, event_id: uuid.UUID, odds_id: uuid.UUID, *, coefficient: object, by: str
) -> Selection:
    """A new price: version + 1, a history row and ``OddsChanged``. The same price is a no-op."""
    price = parse_coefficient(coefficient)
    event = await _event(uow, event_id)
    lifecycle.check_trading(event.status)
    old = await uow.events.selection(event.id, odds_id)
    if old is None:
        raise OddsNotFound()
    if price == old.coefficient:
        return old
    return await _reprice(uow, old, price=price, by=by)


async def _reprice(
    uow: UnitOfWork,
    old: Selection,
    *,
    price: Decimal | None = None,
    status: SelectionStatus | None = None,
    by: str,
) -> Selection:
    new = dataclasses.replace(
        old,
        coefficient=price if price is not None else old.coefficient,
        status=status or old.status,
        version=old.version + 1,
    )
    await uow.events.change_selection(
        new.id, coefficient=new.coefficient, status=new.status, version=new.version
    )
    note = None if status is None else ("suspended" if status == "suspended" else "resumed")
    await uow.events.add_history([_history(new, old, by, note=note)])
    market = await uow.events.market(new.event_id, new.market_id)
    assert market is not None
    await uow.emit(messages.odds_changed(market, new, old))
    return new


async def set_market_status(
    uow: UnitOfWork, event_id: uuid.UUID, market_id: uuid.UUID, *, status: MarketStatus
) -> Market:
    """Suspend (no bets accepted) or reopen a market; emits ``MarketChanged``."""
    event = await _event(uow, event_id)
    lifecycle.check_trading(event.status)
    market = await uow.events.market(event.id, market_id)
    if market is None:
        raise MarketNotFound()
    if market.status != status:
        market.status = status
        await uow.events.set_market_status([market.id], status)
        await uow.emit(messages.market_changed(market))
    return market


async def set_market_live_betting(
    uow: UnitOfWork, event_id: uuid.UUID, market_id: uuid.UUID, *, live_betting: bool
) -> Market:
    """Let a market take bets while its event is live (or stop it); emits ``MarketChanged``.
    The same value is a no-op."""
    event = await _event(uow, event_id)
    lifecycle.check_trading(event.status)
    market = await uow.events.market(event.id, market_id)
    if market is None:
        raise MarketNotFound()
    if market.live_betting != live_betting:
        market.live_betting = live_betting
        await uow.events.set_market_live_betting(market.id, live_betting)
        await uow.emit(messages.market_changed(market))
    return market


async def set_selection_status(
    uow: UnitOfWork,
    event_id: uuid.UUID,
    odds_id: uuid.UUID,
    *,
    status: SelectionStatus,
    by: str,
) -> Selection:
    """Suspend or reopen one selection: its version moves (a bet priced before must re-check)."""
    event = await _event(uow, event_id)
    lifecycle.check_trading(event.status)
    old = await uow.events.selection(event.id, odds_id)
    if old is None:
        raise OddsNotFound()
    if old.status == status:
        return old
    return await _reprice(uow, old, status=status, by=by)


# status, score, results -------------------------------------------------------------------------
async def start_event(uow: UnitOfWork, event_id: uuid.UUID) -> None:
    event = await _event(uow, event_id)
    event.status = lifecycle.next_status(event.status, "start")
    event.home_score = event.home_score if event.home_score is not None else 0
    event.away_score = event.away_score if event.away_score is not None else 0
    await _save_status(uow, event, home_score=event.home_score, away_score=event.away_score)


async def postpone_event(uow: UnitOfWork, event_id: uuid.UUID, *, reason: str | None) -> None:
    event = await _event(uow, event_id)
    event.status = lifecycle.next_status(event.status, "postpone")
    event.status_reason = _reason(reason)
    await _save_status(uow, event)


async def reschedule_event(
    uow: UnitOfWork, event_id: uuid.UUID, *, starts_at: datetime | None, now: datetime
) -> None:
    """A postponed event back to scheduled (optionally at a new time)."""
    event = await _event(uow, event_id)
    event.status = lifecycle.next_status(event.status, "reschedule")
    event.status_reason = None
    changes: dict[str, Any] = {}
    if starts_at is not None:
        if starts_at <= now:
            raise EventStartInPast()
        changes["starts_at"] = event.starts_at = starts_at
    await _save_status(uow, event, **changes)


async def update_score(
    uow: UnitOfWork,
    event_id: uuid.UUID,
    *,
    home_score: int,
    away_score: int,
    minute: int | None = None,
    period: str | None = None,
) -> None:
    """A live score (no outcome is derived from it): emits ``ScoreUpdated``."""
    home, away = settlement.check_score(home_score, away_score)
    event = await _event(uow, event_id)
    lifecycle.next_status(event.status, "score")
    await uow.events.change(
        event.id,
        bump_revision=False,
        home_score=home,
        away_score=away,
        minute=minute,
        period=period,
    )
    await uow.emit(
        ScoreUpdated(
            event_id=event.id, home_score=home, away_score=away, minute=minute, period=period
        )
    )


async def cancel_event(uow: UnitOfWork, event_id: uuid.UUID, *, reason: str | None) -> None:
    """Every selection void, every market closed; ``EventCancelled`` tells bets to void legs."""
    event = await _event(uow, event_id)
    event.status = lifecycle.next_status(event.status, "cancel")
    event.status_reason = _reason(reason) or "Cancelled."
    await _close_markets(uow, event)
    selections = await uow.events.selections(event.id)
    by_market = {m.id: m for m in await uow.events.markets(event.id)}
    void: dict[uuid.UUID, str] = {}
    for market in by_market.values():
        void.update(
            (s.id, settlement.cancelled_outcomes(market.market_type)[s.selection])
            for s in selections
            if s.market_id == market.id
        )
    await uow.events.set_outcomes(void)
    await _save_status(uow, event)
    await uow.emit(EventCancelled(event_id=event.id, reason=event.status_reason))


@dataclass(frozen=True)
class SettlementResult:
    version: int
    outcomes: list[SelectionOutcome]


async def settle_event(
    uow: UnitOfWork,
    event_id: uuid.UUID,
    *,
    home_score: int,
    away_score: int,
    force: bool = False,
    reason: str | None = None,
    by: str,
    now: datetime,
) -> SettlementResult:
    """Derive every selection's outcome from the final score.

    First time: ``EventSettled`` with ``settlement_version`` 1. Again only with ``force``: the
    version grows and ``EventResettled`` carries the full corrected list (ARCHITECTURE.md §2).
    """
    home, away = settlement.check_score(home_score, away_score)
    event = await _event(uow, event_id)
    previous_status = event.status
    event.status = lifecycle.next_status(
        event.status,
        "settle",
        starts_at=event.starts_at,
        now=now,
        settlement_version=event.settlement_version,
        force=force,
    )
    version = event.settlement_version + 1
    event.home_score, event.away_score = home, away
    all_markets = await uow.events.markets(event.id)
    by_market = {m.id: m for m in all_markets}
    per_market = {m.id: settlement.outcomes(m.market_type, m.line, home, away) for m in all_markets}
    outcomes: list[SelectionOutcome] = []
    by_id: dict[uuid.UUID, str] = {}
    for selection in await uow.events.selections(event.id):
        market = by_market[selection.market_id]
        outcome = per_market[market.id][selection.selection]
        by_id[selection.id] = outcome
        outcomes.append(
            SelectionOutcome(
                odds_id=selection.id,
                market=market.label,
                selection=selection.selection,
                outcome=outcome,
            )
        )
    await uow.events.set_outcomes(by_id)
    await _close_markets(uow, event)
    await uow.events.add_settlement(
        {
            "event_id": event.id,
            "version": version,
            "home_score": home,
            "away_score": away,
            "outcomes": [o.model_dump(mode="json") for o in outcomes],
            "reason": _reason(reason),
            "settled_by": by,
            "settled_at": now,
        }
    )
    changes: dict[str, Any] = {
        "home_score": home,
        "away_score": away,
        "settlement_version": version,
        "settled_at": now,
    }
    if previous_status != "finished":
        event.status_reason = None
        await _save_status(uow, event, **changes)
    else:
        await uow.events.change(event.id, bump_revision=False, **changes)
    if version == 1:
        await uow.emit(
            EventSettled(
                event_id=event.id,
                settlement_version=1,
                home_score=home,
                away_score=away,
                outcomes=outcomes,
            )
        )
    else:
        await uow.emit(
            EventResettled(
                event_id=event.id,
                settlement_version=version,
                home_score=home,
                away_score=away,
                outcomes=outcomes,
                reason=_reason(reason),
            )
        )
    return SettlementResult(version=version, outcomes=outcomes)


# helpers ----------------------------------------------------------------------------------------
async def _event(uow: UnitOfWork, event_id: uuid.UUID) -> Event:
    event = await uow.events.get(event_id)
    if event is None:
        raise EventNotFound()
    return event


async def _save_status(uow: UnitOfWork, event: Event, **changes: Any) -> None:
    """A status change: the row (revision + 1), ``EventStatusChanged`` and ``EventUpdated``."""
    status: EventStatus = event.status
    event.revision = await uow.events.change(
        event.id,
        bump_revision=True,
        status=status,
        status_reason=event.status_reason,
        **changes,
    )
    await uow.emit(messages.status_changed(event), messages.updated(event))


async def _close_markets(uow: UnitOfWork, event: Event) -> None:
    still_open = [m for m in await uow.events.markets(event.id) if m.status != "closed"]
    await uow.events.set_market_status([m.id for m in still_open], "closed")
    for market in still_open:
        market.status = "closed"
    await uow.emit(*(messages.market_changed(m) for m in still_open))


def _history(
    new: Selection, old: Selection | None, by: str, *, note: str | None = None
) -> dict[str, Any]:
    return {
        "odds_id": new.id,
        "event_id": new.event_id,
        "old_coefficient": old.coefficient if old is not None else None,
        "new_coefficient": new.coefficient,
        "version": new.version,
        "changed_by": by,
        "note": note,
    }


def _reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    cleaned = " ".join(reason.split())
    return cleaned[:REASON_MAX_CHARS] or None


def _line_json(line: Decimal | None) -> str | None:
    return None if line is None else markets.format_line(line)
