"""The results feed: a provider's signed messages, each applied once, in one transaction.

Body: ``{feed_message_id, type, external_event_id, sent_at, data}``; ``data`` by ``type``:

| type | data |
|---|---|
| ``odds`` | ``{odds: [{market_type, line?, selection, coefficient}, …]}`` |
| ``status`` | ``{status: live / postponed / scheduled, event_datetime?, reason?}`` |
| ``score`` | ``{home_score, away_score, minute?, period?}`` |
| ``result`` | ``{home_score, away_score, corrected?, reason?}`` (``corrected``: resettle) |
| ``cancel`` | ``{reason?}`` |
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from events.domain import markets
from events.domain.errors import ExternalEventNotFound, FeedDataInvalid, FeedReplayed
from events.service_layer import handlers
from events.service_layer.audit import FEED, Actor, AuditAction, recorded
from events.service_layer.unit_of_work import UnitOfWork

FeedId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")]
Reason = Annotated[str, Field(min_length=1, max_length=500)]
ScoreIn = Annotated[StrictInt, Field(ge=0, le=10_000)]
# The live clock as a feed or an admin reports it (the API's ScoreUpdateIn takes the same).
Minute = Annotated[StrictInt, Field(ge=0, le=300)]
Period = Annotated[str, Field(min_length=1, max_length=50)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedPrice(_Strict):
    market_type: str = Field(min_length=1, max_length=50)
    line: float | str | None = None
    selection: str = Field(min_length=1, max_length=20)
    coefficient: float | str


class FeedOddsData(_Strict):
    odds: list[FeedPrice] = Field(min_length=1, max_length=200)


class FeedStatusData(_Strict):
    status: Literal["live", "postponed", "scheduled"]
    event_datetime: AwareDatetime | None = None
    reason: Reason | None = None


class FeedScoreData(_Strict):
    home_score: ScoreIn
    away_score: ScoreIn
    minute: Minute | None = None
    period: Period | None = None


class FeedResultData(_Strict):
    home_score: ScoreIn
    away_score: ScoreIn
    corrected: bool = False
    reason: Reason | None = None


class FeedCancelData(_Strict):
    reason: Reason | None = None


class _FeedMessage(_Strict):
    feed_message_id: FeedId
    external_event_id: FeedId
    sent_at: AwareDatetime


class FeedOdds(_FeedMessage):
    type: Literal["odds"]
    data: FeedOddsData


class FeedStatus(_FeedMessage):
    type: Literal["status"]
    data: FeedStatusData


class FeedScore(_FeedMessage):
    type: Literal["score"]
    data: FeedScoreData


class FeedResult(_FeedMessage):
    type: Literal["result"]
    data: FeedResultData


class FeedCancel(_FeedMessage):
    type: Literal["cancel"]
    data: FeedCancelData = FeedCancelData()


FeedMessage = Annotated[
    FeedOdds | FeedStatus | FeedScore | FeedResult | FeedCancel, Field(discriminator="type")
]


AnyFeedMessage = FeedOdds | FeedStatus | FeedScore | FeedResult | FeedCancel


def _audit_action(message: AnyFeedMessage) -> AuditAction:
    """The admin action a feed message stands for (the trail's vocabulary, actor ``feed``)."""
    match message:
        case FeedOdds():
            return AuditAction.odds_set
        case FeedStatus(data=data) if data.status == "live":
            return AuditAction.event_start
        case FeedStatus(data=data) if data.status == "postponed":
            return AuditAction.event_postpone
        case FeedStatus():
            return AuditAction.event_reschedule
        case FeedScore():
            return AuditAction.event_score
        case FeedResult(data=data) if data.corrected:
            return AuditAction.event_resettle
        case FeedResult():
            return AuditAction.event_settle
        case FeedCancel():
            return AuditAction.event_cancel


async def apply_feed_message(
    uow: UnitOfWork,
    message: AnyFeedMessage,
    *,
    now: datetime,
    actor: Actor | None = None,
) -> uuid.UUID:
    """Apply one message; its id is claimed in the same transaction as its effect, and the
    admin audit trail records it (actor ``feed``, the message's id in ``details``).

    An unknown ``external_event_id`` is a 404 and records nothing (the provider may retry once
    the event exists); an id seen before is a 409 and changes nothing.
    """
    event_id = await uow.events.id_by_external(message.external_event_id)
    if event_id is None:
        raise ExternalEventNotFound(details={"external_event_id": message.external_event_id})
    claimed = await uow.events.claim_feed_message(
        {
            "feed_message_id": message.feed_message_id,
            "message_type": message.type,
            "external_event_id": message.external_event_id,
            "event_id": event_id,
            "sent_at": message.sent_at,
        }
    )
    if not claimed:
        raise FeedReplayed(details={"feed_message_id": message.feed_message_id})
    details = {"feed_message_id": message.feed_message_id, "type": message.type}
    touched: list[tuple[uuid.UUID, uuid.UUID]] = []
    async with recorded(
        uow, actor or Actor(FEED), _audit_action(message), event_id=event_id, details=details
    ) as entry:
        await _apply(uow, message, event_id, touched, now=now)
        if len(set(touched)) == 1:
            entry.market_id, entry.odds_id = touched[0]
    return event_id


async def _apply(
    uow: UnitOfWork,
    message: AnyFeedMessage,
    event_id: uuid.UUID,
    touched: list[tuple[uuid.UUID, uuid.UUID]],
    *,
    now: datetime,
) -> None:
    """The message's effect; ``touched`` gets the (market, odds) ids an odds message priced."""
    by = f"feed:{message.feed_message_id}"
    match message:
        case FeedOdds(data=data):
            for price in data.odds:
                touched.append(await _apply_price(uow, event_id, price, by=by))
        case FeedStatus(data=data):
            if data.status == "live":
                await handlers.start_event(uow, event_id)
            elif data.status == "postponed":
                await handlers.postpone_event(uow, event_id, reason=data.reason)
            else:
                await handlers.reschedule_event(
                    uow, event_id, starts_at=data.event_datetime, now=now
                )
        case FeedScore(data=data):
            await handlers.update_score(
                uow,
                event_id,
                home_score=data.home_score,
                away_score=data.away_score,
                minute=data.minute,
                period=data.period,
            )
        case FeedResult(data=data):
            await handlers.settle_event(
                uow,
                event_id,
                home_score=data.home_score,
                away_score=data.away_score,
                force=data.corrected,
                reason=data.reason,
                by=by,
                now=now,
            )
        case FeedCancel(data=data):
            await handlers.cancel_event(uow, event_id, reason=data.reason)


async def _apply_price(
    uow: UnitOfWork, event_id: uuid.UUID, price: FeedPrice, *, by: str
) -> tuple[uuid.UUID, uuid.UUID]:
    market_type = markets.market_type_of(price.market_type)
    line = markets.normalize_line(market_type, price.line)
    market = await uow.events.find_market(event_id, market_type, line)
    selection = (
        await uow.events.find_selection(market.id, price.selection) if market is not None else None
    )
    if selection is None:
        raise FeedDataInvalid(
            "The event has no such market or selection.",
            details={
                "market_type": price.market_type,
                "line": None if line is None else markets.format_line(line),
                "selection": price.selection,
            },
        )
    await handlers.set_odds(uow, event_id, selection.id, coefficient=price.coefficient, by=by)
    return selection.market_id, selection.id
