"""Administrator calls under /api/events (role ``admin``: 401 without a token, 403 for users).

Each write is one unit of work: the change, the messages it emits, its one audit-trail row
(``service_layer.audit``) and its answer, read back in the listing's shape in the same
transaction, commit together (``AdminWrite.once``). Sent with an ``Idempotency-Key``, the answer
is recorded for the key in that transaction too (``common.idempotency.run_once``): a retry after
a lost answer gets it again and changes nothing (issue 21: a retried settle was told 409).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, BaseModel

from common.idempotency import Claim, NoContent, run_once
from events.adapters.audit import AuditFilter
from events.bootstrap import Wiring
from events.domain.catalogue import slugify
from events.domain.markets import MarketStatus, SelectionStatus
from events.entrypoints.api import schemas
from events.entrypoints.api.deps import AdminActor, Now, ReadUow, Wired
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

# An admin command: the change on the open unit of work (filling in its audit entry's ids) and
# the answer read back on it; None answers 204 No Content.
Command = Callable[[UnitOfWork, AuditEntry], Awaitable[BaseModel | None]]


@dataclass(frozen=True)
class AdminWrite:
    """One admin write: who acts, the request (its ``Idempotency-Key``) and the wiring."""

    request: Request
    actor: Actor
    wired: Wiring

    async def once(
        self,
        action: AuditAction,
        command: Command,
        *,
        body: BaseModel | None = None,
        status_code: int = status.HTTP_200_OK,
        event_id: uuid.UUID | None = None,
        market_id: uuid.UUID | None = None,
        details: Mapping[str, Any] | None = None,
        state: StateReader = event_state,
    ) -> JSONResponse:
        """The command, its audit row, its messages and its answer in one transaction, once per
        ``Idempotency-Key`` of this admin (``body`` the request's, a retry must match it)."""

        async def run(claim: Claim | None) -> JSONResponse:
            async with self.wired.uow() as uow:
                async with recorded(
                    uow,
                    self.actor,
                    action,
                    event_id=event_id,
                    market_id=market_id,
                    details=details,
                    state=state,
                ) as entry:
                    answer = await command(uow, entry)
                content = None if answer is None else answer.model_dump(mode="json")
                code = status.HTTP_204_NO_CONTENT if answer is None else status_code
                if claim is not None:
                    await self.wired.idempotency.record(uow.db, claim, code, content)
                await uow.commit()
            return NoContent() if answer is None else JSONResponse(content, status_code=code)

        return await run_once(
            self.wired.idempotency,
            self.wired.engine,
            self.request,
            user_id=self.actor.who,
            body=None if body is None else body.model_dump(mode="json"),
            run=run,
        )

    async def on_event(
        self,
        action: AuditAction,
        event_id: uuid.UUID,
        change: Callable[[UnitOfWork], Awaitable[object]],
        *,
        body: BaseModel | None = None,
        market_id: uuid.UUID | None = None,
    ) -> JSONResponse:
        """A change of one event (``once``), answered with the event as it now is."""

        async def command(uow: UnitOfWork, _entry: AuditEntry) -> schemas.EventOut:
            await change(uow)
            return await _event_out(uow, event_id)

        return await self.once(action, command, body=body, event_id=event_id, market_id=market_id)


async def admin_write(request: Request, actor: AdminActor, wired: Wired) -> AdminWrite:
    return AdminWrite(request, actor, wired)


Write = Annotated[AdminWrite, Depends(admin_write)]


async def _event_out(uow: UnitOfWork, event_id: uuid.UUID) -> schemas.EventOut:
    return schemas.EventOut(event=await views.event_detail(uow, event_id))


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
async def create_sport(body: schemas.SportCreateIn, write: Write) -> JSONResponse:
    """Add a sport (or update the icon/order of the one with this slug)."""
    slug = body.slug or slugify(body.name)

    async def add(uow: UnitOfWork, _entry: AuditEntry) -> schemas.SportOut:
        sport_id = await handlers.add_sport(
            uow, name=body.name, slug=body.slug, icon=body.icon, sort_order=body.sort_order
        )
        found = [s for s in await views.sports(uow) if s.sport_id == sport_id]
        return schemas.SportOut(sport=found[0])

    return await write.once(
        AuditAction.sport_create,
        add,
        body=body,
        status_code=status.HTTP_201_CREATED,
        state=lambda u, _entry: u.audit.sport_state(slug),
    )


@router.post("/leagues", status_code=status.HTTP_201_CREATED, response_model=schemas.LeagueOut)
async def create_league(body: schemas.LeagueCreateIn, write: Write) -> JSONResponse:
    sport, slug = str(body.sport), slugify(body.name)

    async def add(uow: UnitOfWork, _entry: AuditEntry) -> schemas.LeagueOut:
        league_id = await handlers.add_league(
            uow, sport=sport, name=body.name, country=body.country
        )
        found = [lg for lg in await views.leagues(uow) if lg.league_id == league_id]
        return schemas.LeagueOut(league=found[0])

    return await write.once(
        AuditAction.league_create,
        add,
        body=body,
        status_code=status.HTTP_201_CREATED,
        state=lambda u, _entry: u.audit.league_state(sport, slug),
    )


# events ---------------------------------------------------------------------------------------
@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.EventOut,
    include_in_schema=False,
)
@router.post("/", status_code=status.HTTP_201_CREATED, response_model=schemas.EventOut)
async def create_event(body: schemas.EventCreateIn, write: Write, now: Now) -> JSONResponse:
    """A scheduled event; ``odds`` (``1``, ``X``, ``2`` — or ``1``, ``2`` for sports without
    draws) open its main market. Other markets: ``POST /api/events/{id}/markets``."""

    async def create(uow: UnitOfWork, entry: AuditEntry) -> schemas.EventOut:
        entry.event_id = await handlers.create_event(
            uow,
            sport=str(body.sport),
            league=str(body.league),
            home_team=body.home_team,
            away_team=body.away_team,
            starts_at=body.event_datetime,
            main_odds=[Price(p.bet_type, p.coefficient) for p in body.odds],
            external_event_id=body.external_event_id,
            by=write.actor.who,
            now=now,
        )
        return await _event_out(uow, entry.event_id)

    return await write.once(
        AuditAction.event_create, create, body=body, status_code=status.HTTP_201_CREATED
    )


@router.put("/{event_id}", response_model=schemas.EventOut)
async def update_event(
    event_id: uuid.UUID, body: schemas.EventUpdateIn, write: Write, now: Now
) -> JSONResponse:
    """Change league, teams, start time or external id; a postponed event given a new start
    time is scheduled again."""
    return await write.on_event(
        AuditAction.event_update,
        event_id,
        lambda uow: handlers.update_event(
            uow,
            event_id,
            league=None if body.league is None else str(body.league),
            home_team=body.home_team,
            away_team=body.away_team,
            starts_at=body.event_datetime,
            external_event_id=body.external_event_id,
            by=write.actor.who,
            now=now,
        ),
        body=body,
    )


@router.delete("/{event_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_event(event_id: uuid.UUID, write: Write) -> JSONResponse:
    """Only an event without bets (409 ``events.event_has_bets`` otherwise: cancel it)."""

    async def delete(uow: UnitOfWork, _entry: AuditEntry) -> None:
        await handlers.delete_event(uow, event_id)

    return await write.once(AuditAction.event_delete, delete, event_id=event_id)


# markets and odds -----------------------------------------------------------------------------
@router.post(
    "/{event_id}/markets", status_code=status.HTTP_201_CREATED, response_model=schemas.EventOut
)
async def create_market(
    event_id: uuid.UUID, body: schemas.MarketCreateIn, write: Write
) -> JSONResponse:
    """``market_type``: ``1x2``, ``winner``, ``double_chance``, ``total`` (with ``line``),
    ``btts``; ``odds`` prices every selection of the market once; ``live_betting``: the market
    takes bets while the event is live."""

    async def add(uow: UnitOfWork, entry: AuditEntry) -> schemas.EventOut:
        entry.market_id = await handlers.add_market(
            uow,
            event_id,
            market_type=body.market_type,
            line=body.line,
            prices=[Price(p.bet_type, p.coefficient) for p in body.odds],
            live_betting=body.live_betting,
            by=write.actor.who,
        )
        return await _event_out(uow, event_id)

    return await write.once(
        AuditAction.market_create,
        add,
        body=body,
        status_code=status.HTTP_201_CREATED,
        event_id=event_id,
    )


@router.patch("/{event_id}/markets/{market_id}", response_model=schemas.EventOut)
async def update_market(
    event_id: uuid.UUID, market_id: uuid.UUID, body: schemas.MarketUpdateIn, write: Write
) -> JSONResponse:
    """``live_betting``: whether the market takes bets while the event is live
    (``MarketChanged`` carries it)."""
    return await write.on_event(
        AuditAction.market_update,
        event_id,
        lambda uow: handlers.set_market_live_betting(
            uow, event_id, market_id, live_betting=body.live_betting
        ),
        body=body,
        market_id=market_id,
    )


@router.put("/{event_id}/odds/{odds_id}", response_model=schemas.OddsOut)
async def set_odds(
    event_id: uuid.UUID, odds_id: uuid.UUID, body: schemas.OddsUpdateIn, write: Write
) -> JSONResponse:
    """A new price: a new version, a history row and ``OddsChanged`` (the same price: no-op)."""

    async def set_price(uow: UnitOfWork, entry: AuditEntry) -> schemas.OddsOut:
        selection = await handlers.set_odds(
            uow, event_id, odds_id, coefficient=body.coefficient, by=write.actor.who
        )
        entry.market_id, entry.odds_id = selection.market_id, selection.id
        return await _odds_out(uow, event_id, odds_id)

    return await write.once(AuditAction.odds_set, set_price, body=body, event_id=event_id)


async def _odds_out(uow: UnitOfWork, event_id: uuid.UUID, odds_id: uuid.UUID) -> schemas.OddsOut:
    event = await views.event_detail(uow, event_id)
    return schemas.OddsOut(odds=next(o for o in event.odds if o.odds_id == odds_id))


async def _market_status(
    event_id: uuid.UUID, market_id: uuid.UUID, new: MarketStatus, write: AdminWrite
) -> JSONResponse:
    action = AuditAction.market_suspend if new == "suspended" else AuditAction.market_resume
    return await write.on_event(
        action,
        event_id,
        lambda uow: handlers.set_market_status(uow, event_id, market_id, status=new),
        market_id=market_id,
    )


@router.post("/{event_id}/markets/{market_id}/suspend", response_model=schemas.EventOut)
async def suspend_market(event_id: uuid.UUID, market_id: uuid.UUID, write: Write) -> JSONResponse:
    """No bets are accepted on a suspended market (``MarketChanged`` status ``suspended``)."""
    return await _market_status(event_id, market_id, "suspended", write)


@router.post("/{event_id}/markets/{market_id}/resume", response_model=schemas.EventOut)
async def resume_market(event_id: uuid.UUID, market_id: uuid.UUID, write: Write) -> JSONResponse:
    return await _market_status(event_id, market_id, "open", write)


async def _selection_status(
    event_id: uuid.UUID, odds_id: uuid.UUID, new: SelectionStatus, write: AdminWrite
) -> JSONResponse:
    action = AuditAction.odds_suspend if new == "suspended" else AuditAction.odds_resume

    async def set_status(uow: UnitOfWork, entry: AuditEntry) -> schemas.OddsOut:
        selection = await handlers.set_selection_status(
            uow, event_id, odds_id, status=new, by=write.actor.who
        )
        entry.market_id, entry.odds_id = selection.market_id, selection.id
        return await _odds_out(uow, event_id, odds_id)

    return await write.once(action, set_status, event_id=event_id)


@router.post("/{event_id}/odds/{odds_id}/suspend", response_model=schemas.OddsOut)
async def suspend_selection(event_id: uuid.UUID, odds_id: uuid.UUID, write: Write) -> JSONResponse:
    """One selection stops taking bets; its version moves (``OddsChanged``, same price)."""
    return await _selection_status(event_id, odds_id, "suspended", write)


@router.post("/{event_id}/odds/{odds_id}/resume", response_model=schemas.OddsOut)
async def resume_selection(event_id: uuid.UUID, odds_id: uuid.UUID, write: Write) -> JSONResponse:
    return await _selection_status(event_id, odds_id, "open", write)


# status, score, results -----------------------------------------------------------------------
@router.post("/{event_id}/start", response_model=schemas.EventOut)
async def start_event(event_id: uuid.UUID, write: Write) -> JSONResponse:
    """scheduled/postponed → live (score 0-0)."""
    return await write.on_event(
        AuditAction.event_start, event_id, lambda uow: handlers.start_event(uow, event_id)
    )


@router.post("/{event_id}/score", response_model=schemas.EventOut)
async def update_score(
    event_id: uuid.UUID, body: schemas.ScoreUpdateIn, write: Write
) -> JSONResponse:
    """The live score of a live event (``ScoreUpdated``); settles nothing."""
    return await write.on_event(
        AuditAction.event_score,
        event_id,
        lambda uow: handlers.update_score(
            uow,
            event_id,
            home_score=body.home_score,
            away_score=body.away_score,
            minute=body.minute,
            period=body.period,
        ),
        body=body,
    )


@router.post("/{event_id}/postpone", response_model=schemas.EventOut)
async def postpone_event(
    event_id: uuid.UUID, write: Write, body: schemas.ReasonIn | None = None
) -> JSONResponse:
    """scheduled/live → postponed; bets stay open. A new start time (PUT) reschedules it."""
    reason = body.reason if body else None
    return await write.on_event(
        AuditAction.event_postpone,
        event_id,
        lambda uow: handlers.postpone_event(uow, event_id, reason=reason),
        body=body,
    )


@router.post("/{event_id}/reschedule", response_model=schemas.EventOut)
async def reschedule_event(
    event_id: uuid.UUID, write: Write, now: Now, body: schemas.RescheduleIn | None = None
) -> JSONResponse:
    """postponed → scheduled, optionally at a new (future) start time."""
    starts_at = body.event_datetime if body else None
    return await write.on_event(
        AuditAction.event_reschedule,
        event_id,
        lambda uow: handlers.reschedule_event(uow, event_id, starts_at=starts_at, now=now),
        body=body,
    )


@router.post("/{event_id}/cancel", response_model=schemas.EventOut)
async def cancel_event(
    event_id: uuid.UUID, write: Write, body: schemas.ReasonIn | None = None
) -> JSONResponse:
    """Every selection void, markets closed, ``EventCancelled`` (bets void every leg)."""
    reason = body.reason if body else None
    return await write.on_event(
        AuditAction.event_cancel,
        event_id,
        lambda uow: handlers.cancel_event(uow, event_id, reason=reason),
        body=body,
    )


@router.post("/{event_id}/settle", response_model=schemas.SettledEventOut)
async def settle_event(
    event_id: uuid.UUID, body: schemas.SettleIn, write: Write, now: Now
) -> JSONResponse:
    """Final score → every selection won/lost/void, ``EventSettled`` (version 1). Settled
    already: 409 ``events.already_settled`` unless ``force``, which emits ``EventResettled``
    with the next version and the full corrected outcomes."""

    async def settle(uow: UnitOfWork, entry: AuditEntry) -> schemas.SettledEventOut:
        result = await handlers.settle_event(
            uow,
            event_id,
            home_score=body.home_score,
            away_score=body.away_score,
            force=body.force,
            reason=body.reason,
            by=write.actor.who,
            now=now,
        )
        if result.version > 1:
            entry.action = AuditAction.event_resettle
        return schemas.SettledEventOut(
            event=await views.event_detail(uow, event_id),
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

    details = {"force": body.force or None, "reason": body.reason}
    return await write.once(
        AuditAction.event_settle, settle, body=body, event_id=event_id, details=details
    )
