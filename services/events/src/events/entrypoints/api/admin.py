"""Administrator calls under /api/events (role ``admin``: 401 without a token, 403 for users).

Each call is one unit of work: the change, the messages it emits and its one audit-trail row
(``service_layer.audit``) commit together; the answer is then read back in the listing's shape,
after the commit, on a read-only unit of work of its own (``read``).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import AwareDatetime

from events.adapters.audit import AuditFilter
from events.domain.catalogue import slugify
from events.domain.markets import MarketStatus, SelectionStatus
from events.entrypoints.api import schemas
from events.entrypoints.api.deps import AdminActor, Now, ReadUow, Uow
from events.service_layer import handlers, views
from events.service_layer.audit import (
    Actor,
    AuditAction,
    AuditEntry,
    StateReader,
    event_state,
    recorded,
)
from events.service_layer.handlers import Price
from events.service_layer.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api/events", tags=["events (admin)"])


@asynccontextmanager
async def _audited(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    *,
    event_id: uuid.UUID | None = None,
    market_id: uuid.UUID | None = None,
    details: Mapping[str, Any] | None = None,
    state: StateReader = event_state,
) -> AsyncIterator[AuditEntry]:
    """The command in the block, its audit row and its messages: one transaction, committed
    once the block is done (a command that raises rolls all of it back)."""
    async with uow:
        async with recorded(
            uow, actor, action, event_id=event_id, market_id=market_id, details=details, state=state
        ) as entry:
            yield entry
        await uow.commit()


async def _event_out(read: ReadUow, event_id: uuid.UUID) -> schemas.EventOut:
    return schemas.EventOut(event=await views.event_detail(read, event_id))


# audit trail ----------------------------------------------------------------------------------
@router.get("/admin/audit", response_model=schemas.AuditTrailOut)
async def audit_trail(
    _actor: AdminActor,
    uow: ReadUow,
    event_id: uuid.UUID | None = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    action: Annotated[AuditAction | None, Query()] = None,
    from_: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    to: Annotated[AwareDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> schemas.AuditTrailOut:
    """Who changed what, newest first: ``actor`` an admin's user id or ``feed``; ``from``
    inclusive, ``to`` exclusive; ``before``/``after`` hold only the values the action changed."""
    found, total = await uow.audit.trail(
        AuditFilter(event_id=event_id, actor=actor, action=action, at_from=from_, at_to=to),
        limit=limit,
        offset=offset,
    )
    return schemas.AuditTrailOut(
        entries=[schemas.AuditEntryOut(audit_id=r.pop("id"), **r) for r in found],
        pagination=schemas.AuditPaginationOut(total=total, limit=limit, offset=offset),
    )


# catalogue ------------------------------------------------------------------------------------
@router.post("/sports", status_code=status.HTTP_201_CREATED, response_model=schemas.SportOut)
async def create_sport(
    body: schemas.SportCreateIn, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.SportOut:
    """Add a sport (or update the icon/order of the one with this slug)."""
    slug = body.slug or slugify(body.name)
    async with _audited(
        uow, actor, AuditAction.sport_create, state=lambda u, _entry: u.audit.sport_state(slug)
    ):
        sport_id = await handlers.add_sport(
            uow, name=body.name, slug=body.slug, icon=body.icon, sort_order=body.sort_order
        )
    found = [s for s in await views.sports(read) if s.sport_id == sport_id]
    return schemas.SportOut(sport=found[0])


@router.post("/leagues", status_code=status.HTTP_201_CREATED, response_model=schemas.LeagueOut)
async def create_league(
    body: schemas.LeagueCreateIn, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.LeagueOut:
    sport, slug = str(body.sport), slugify(body.name)
    async with _audited(
        uow,
        actor,
        AuditAction.league_create,
        state=lambda u, _entry: u.audit.league_state(sport, slug),
    ):
        league_id = await handlers.add_league(
            uow, sport=sport, name=body.name, country=body.country
        )
    found = [lg for lg in await views.leagues(read) if lg.league_id == league_id]
    return schemas.LeagueOut(league=found[0])


# events ---------------------------------------------------------------------------------------
@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.EventOut,
    include_in_schema=False,
)
@router.post("/", status_code=status.HTTP_201_CREATED, response_model=schemas.EventOut)
async def create_event(
    body: schemas.EventCreateIn, actor: AdminActor, uow: Uow, read: ReadUow, now: Now
) -> schemas.EventOut:
    """A scheduled event; ``odds`` (``1``, ``X``, ``2`` — or ``1``, ``2`` for sports without
    draws) open its main market. Other markets: ``POST /api/events/{id}/markets``."""
    async with _audited(uow, actor, AuditAction.event_create) as entry:
        entry.event_id = await handlers.create_event(
            uow,
            sport=str(body.sport),
            league=str(body.league),
            home_team=body.home_team,
            away_team=body.away_team,
            starts_at=body.event_datetime,
            main_odds=[Price(p.bet_type, p.coefficient) for p in body.odds],
            external_event_id=body.external_event_id,
            by=actor.who,
            now=now,
        )
    return await _event_out(read, entry.event_id)


@router.put("/{event_id}", response_model=schemas.EventOut)
async def update_event(
    event_id: uuid.UUID,
    body: schemas.EventUpdateIn,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
    now: Now,
) -> schemas.EventOut:
    """Change league, teams, start time or external id; a postponed event given a new start
    time is scheduled again."""
    async with _audited(uow, actor, AuditAction.event_update, event_id=event_id):
        await handlers.update_event(
            uow,
            event_id,
            league=None if body.league is None else str(body.league),
            home_team=body.home_team,
            away_team=body.away_team,
            starts_at=body.event_datetime,
            external_event_id=body.external_event_id,
            by=actor.who,
            now=now,
        )
    return await _event_out(read, event_id)


@router.delete("/{event_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_event(event_id: uuid.UUID, actor: AdminActor, uow: Uow) -> Response:
    """Only an event without bets (409 ``events.event_has_bets`` otherwise: cancel it)."""
    async with _audited(uow, actor, AuditAction.event_delete, event_id=event_id):
        await handlers.delete_event(uow, event_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# markets and odds -----------------------------------------------------------------------------
@router.post(
    "/{event_id}/markets", status_code=status.HTTP_201_CREATED, response_model=schemas.EventOut
)
async def create_market(
    event_id: uuid.UUID, body: schemas.MarketCreateIn, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.EventOut:
    """``market_type``: ``1x2``, ``winner``, ``double_chance``, ``total`` (with ``line``),
    ``btts``; ``odds`` prices every selection of the market once; ``live_betting``: the market
    takes bets while the event is live."""
    async with _audited(uow, actor, AuditAction.market_create, event_id=event_id) as entry:
        entry.market_id = await handlers.add_market(
            uow,
            event_id,
            market_type=body.market_type,
            line=body.line,
            prices=[Price(p.bet_type, p.coefficient) for p in body.odds],
            live_betting=body.live_betting,
            by=actor.who,
        )
    return await _event_out(read, event_id)


@router.patch("/{event_id}/markets/{market_id}", response_model=schemas.EventOut)
async def update_market(
    event_id: uuid.UUID,
    market_id: uuid.UUID,
    body: schemas.MarketUpdateIn,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
) -> schemas.EventOut:
    """``live_betting``: whether the market takes bets while the event is live
    (``MarketChanged`` carries it)."""
    async with _audited(
        uow, actor, AuditAction.market_update, event_id=event_id, market_id=market_id
    ):
        await handlers.set_market_live_betting(
            uow, event_id, market_id, live_betting=body.live_betting
        )
    return await _event_out(read, event_id)


@router.put("/{event_id}/odds/{odds_id}", response_model=schemas.OddsOut)
async def set_odds(
    event_id: uuid.UUID,
    odds_id: uuid.UUID,
    body: schemas.OddsUpdateIn,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
) -> schemas.OddsOut:
    """A new price: a new version, a history row and ``OddsChanged`` (the same price: no-op)."""
    async with _audited(uow, actor, AuditAction.odds_set, event_id=event_id) as entry:
        selection = await handlers.set_odds(
            uow, event_id, odds_id, coefficient=body.coefficient, by=actor.who
        )
        entry.market_id, entry.odds_id = selection.market_id, selection.id
    return schemas.OddsOut(odds=await _odds_view(read, event_id, odds_id))


async def _odds_view(read: ReadUow, event_id: uuid.UUID, odds_id: uuid.UUID) -> views.OddsView:
    event = await views.event_detail(read, event_id)
    return next(o for o in event.odds if o.odds_id == odds_id)


async def _market_status(
    event_id: uuid.UUID,
    market_id: uuid.UUID,
    new: MarketStatus,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
) -> schemas.EventOut:
    action = AuditAction.market_suspend if new == "suspended" else AuditAction.market_resume
    async with _audited(uow, actor, action, event_id=event_id, market_id=market_id):
        await handlers.set_market_status(uow, event_id, market_id, status=new)
    return await _event_out(read, event_id)


@router.post("/{event_id}/markets/{market_id}/suspend", response_model=schemas.EventOut)
async def suspend_market(
    event_id: uuid.UUID, market_id: uuid.UUID, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.EventOut:
    """No bets are accepted on a suspended market (``MarketChanged`` status ``suspended``)."""
    return await _market_status(event_id, market_id, "suspended", actor, uow, read)


@router.post("/{event_id}/markets/{market_id}/resume", response_model=schemas.EventOut)
async def resume_market(
    event_id: uuid.UUID, market_id: uuid.UUID, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.EventOut:
    return await _market_status(event_id, market_id, "open", actor, uow, read)


async def _selection_status(
    event_id: uuid.UUID,
    odds_id: uuid.UUID,
    new: SelectionStatus,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
) -> schemas.OddsOut:
    action = AuditAction.odds_suspend if new == "suspended" else AuditAction.odds_resume
    async with _audited(uow, actor, action, event_id=event_id) as entry:
        selection = await handlers.set_selection_status(
            uow, event_id, odds_id, status=new, by=actor.who
        )
        entry.market_id, entry.odds_id = selection.market_id, selection.id
    return schemas.OddsOut(odds=await _odds_view(read, event_id, odds_id))


@router.post("/{event_id}/odds/{odds_id}/suspend", response_model=schemas.OddsOut)
async def suspend_selection(
    event_id: uuid.UUID, odds_id: uuid.UUID, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.OddsOut:
    """One selection stops taking bets; its version moves (``OddsChanged``, same price)."""
    return await _selection_status(event_id, odds_id, "suspended", actor, uow, read)


@router.post("/{event_id}/odds/{odds_id}/resume", response_model=schemas.OddsOut)
async def resume_selection(
    event_id: uuid.UUID, odds_id: uuid.UUID, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.OddsOut:
    return await _selection_status(event_id, odds_id, "open", actor, uow, read)


# status, score, results -----------------------------------------------------------------------
@router.post("/{event_id}/start", response_model=schemas.EventOut)
async def start_event(
    event_id: uuid.UUID, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.EventOut:
    """scheduled/postponed → live (score 0-0)."""
    async with _audited(uow, actor, AuditAction.event_start, event_id=event_id):
        await handlers.start_event(uow, event_id)
    return await _event_out(read, event_id)


@router.post("/{event_id}/score", response_model=schemas.EventOut)
async def update_score(
    event_id: uuid.UUID, body: schemas.ScoreUpdateIn, actor: AdminActor, uow: Uow, read: ReadUow
) -> schemas.EventOut:
    """The live score of a live event (``ScoreUpdated``); settles nothing."""
    async with _audited(uow, actor, AuditAction.event_score, event_id=event_id):
        await handlers.update_score(
            uow,
            event_id,
            home_score=body.home_score,
            away_score=body.away_score,
            minute=body.minute,
            period=body.period,
        )
    return await _event_out(read, event_id)


@router.post("/{event_id}/postpone", response_model=schemas.EventOut)
async def postpone_event(
    event_id: uuid.UUID,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
    body: schemas.ReasonIn | None = None,
) -> schemas.EventOut:
    """scheduled/live → postponed; bets stay open. A new start time (PUT) reschedules it."""
    async with _audited(uow, actor, AuditAction.event_postpone, event_id=event_id):
        await handlers.postpone_event(uow, event_id, reason=body.reason if body else None)
    return await _event_out(read, event_id)


@router.post("/{event_id}/reschedule", response_model=schemas.EventOut)
async def reschedule_event(
    event_id: uuid.UUID,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
    now: Now,
    body: schemas.RescheduleIn | None = None,
) -> schemas.EventOut:
    """postponed → scheduled, optionally at a new (future) start time."""
    async with _audited(uow, actor, AuditAction.event_reschedule, event_id=event_id):
        await handlers.reschedule_event(
            uow, event_id, starts_at=body.event_datetime if body else None, now=now
        )
    return await _event_out(read, event_id)


@router.post("/{event_id}/cancel", response_model=schemas.EventOut)
async def cancel_event(
    event_id: uuid.UUID,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
    body: schemas.ReasonIn | None = None,
) -> schemas.EventOut:
    """Every selection void, markets closed, ``EventCancelled`` (bets void every leg)."""
    async with _audited(uow, actor, AuditAction.event_cancel, event_id=event_id):
        await handlers.cancel_event(uow, event_id, reason=body.reason if body else None)
    return await _event_out(read, event_id)


@router.post("/{event_id}/settle", response_model=schemas.SettledEventOut)
async def settle_event(
    event_id: uuid.UUID,
    body: schemas.SettleIn,
    actor: AdminActor,
    uow: Uow,
    read: ReadUow,
    now: Now,
) -> schemas.SettledEventOut:
    """Final score → every selection won/lost/void, ``EventSettled`` (version 1). Settled
    already: 409 ``events.already_settled`` unless ``force``, which emits ``EventResettled``
    with the next version and the full corrected outcomes."""
    details = {"force": body.force or None, "reason": body.reason}
    async with _audited(
        uow, actor, AuditAction.event_settle, event_id=event_id, details=details
    ) as entry:
        result = await handlers.settle_event(
            uow,
            event_id,
            home_score=body.home_score,
            away_score=body.away_score,
            force=body.force,
            reason=body.reason,
            by=actor.who,
            now=now,
        )
        if result.version > 1:
            entry.action = AuditAction.event_resettle
    return schemas.SettledEventOut(
        event=await views.event_detail(read, event_id),
        settlement=schemas.SettlementOut(
            settlement_version=result.version,
            outcomes=[
                schemas.SettlementOutcomeOut(
                    odds_id=o.odds_id, market=o.market, bet_type=o.selection, outcome=o.outcome
                )
                for o in result.outcomes
            ],
        ),
    )
