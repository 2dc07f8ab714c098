"""What the read model offers now: selections open for betting, checked leg by leg.

Used at placement (with the odds policy) and again when the wallet's reservation arrives (the
bet may have turned invalid while it was pending).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from bets.adapters.repositories import EventReadModel
from bets.domain.bet import SelectionOffer, offer_refusal
from bets.domain.errors import SelectionNotFound
from common.errors import DomainError


@dataclass(frozen=True)
class Offer:
    event_id: uuid.UUID
    market_id: uuid.UUID
    odds_id: uuid.UUID
    event_name: str
    market: str
    selection: str
    coefficient: Decimal


async def open_offers(
    read_model: EventReadModel, legs: Sequence[tuple[uuid.UUID, uuid.UUID]], *, now: datetime
) -> list[Offer]:
    """The offer for each ``(event_id, odds_id)``, in order; raises the first reason it cannot
    be bet on (unknown selection, event not open or started, market suspended or closed)."""
    offers: list[Offer] = []
    for verdict in await offer_verdicts(read_model, legs, now=now):
        if isinstance(verdict, DomainError):
            raise verdict
        offers.append(verdict)
    return offers


async def offer_verdicts(
    read_model: EventReadModel, legs: Sequence[tuple[uuid.UUID, uuid.UUID]], *, now: datetime
) -> list[Offer | DomainError]:
    """Per ``(event_id, odds_id)``, in order: its offer, or why it cannot be bet on — in one
    query for any number of bets' legs (the wallet's replies are decided by the batch)."""
    by_odds = await read_model.selections([odds_id for _, odds_id in legs])
    return [_verdict(by_odds.get(odds_id), event_id, odds_id, now) for event_id, odds_id in legs]


def _verdict(
    row: Any,  # the leg's selection as the read model has it, or None
    event_id: uuid.UUID,
    odds_id: uuid.UUID,
    now: datetime,
) -> Offer | DomainError:
    details = {"event_id": str(event_id), "odds_id": str(odds_id)}
    if row is None or row.event_id != event_id or row.event_name is None:
        return SelectionNotFound(details=details)
    refusal = offer_refusal(
        SelectionOffer(
            event_status=row.event_status,
            starts_at=row.starts_at,
            market_status=row.market_status,
            live_betting=row.live_betting,
        ),
        now,
        details=details,
    )
    if refusal is not None:
        return refusal
    return Offer(
        event_id=row.event_id,
        market_id=row.market_id,
        odds_id=row.odds_id,
        event_name=row.event_name,
        market=row.market,
        selection=row.selection,
        coefficient=Decimal(row.coefficient),
    )
