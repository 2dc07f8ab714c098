"""What an inbound postback says: its fields, read from the query string or a JSON object."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal, get_args

from partners.domain.errors import InvalidPostback, UnknownEvent

InboundEvent = Literal["registration", "deposit", "withdrawal", "win"]
INBOUND_EVENTS: Final[tuple[str, ...]] = get_args(InboundEvent)
_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,100}$")
_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
FIELDS: Final = ("event", "user_id", "click_id", "amount", "currency", "transaction_id", "event_id")


@dataclass(frozen=True)
class InboundPostback:
    event: InboundEvent
    player_id: str  # the partner's own id for the player (their ``user_id``)
    click_id: str | None
    amount: Decimal | None
    currency: str | None
    dedupe_id: str | None  # their transaction_id or event_id, if sent


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidPostback(f"{name} must be a string.", details={"field": name})
    text = str(value)
    if not _ID.match(text):
        raise InvalidPostback(f"{name} is malformed.", details={"field": name})
    return text


def parse(fields: Mapping[str, Any]) -> InboundPostback:
    event = fields.get("event")
    if event not in INBOUND_EVENTS:
        raise UnknownEvent(details={"known": list(INBOUND_EVENTS)})
    player_id = _text(fields, "user_id")
    if player_id is None:
        raise InvalidPostback("user_id is required.", details={"field": "user_id"})
    amount: Decimal | None = None
    raw_amount = fields.get("amount")
    if raw_amount not in (None, ""):
        text = raw_amount if isinstance(raw_amount, str) else None
        if isinstance(raw_amount, int | float) and not isinstance(raw_amount, bool):
            text = repr(raw_amount)
        if text is None or not _AMOUNT.match(text.strip()):
            raise InvalidPostback(
                'amount must be a decimal like "12.50".', details={"field": "amount"}
            )
        try:
            amount = Decimal(text.strip())
        except InvalidOperation as exc:  # pragma: no cover - the pattern already rules it out
            raise InvalidPostback(details={"field": "amount"}) from exc
    if event in ("deposit", "withdrawal", "win") and amount is None:
        raise InvalidPostback("amount is required.", details={"field": "amount"})
    currency = fields.get("currency") or None
    if currency is not None and (not isinstance(currency, str) or not _CURRENCY.match(currency)):
        raise InvalidPostback("currency must be ISO 4217 (EUR).", details={"field": "currency"})
    return InboundPostback(
        event=event,
        player_id=player_id,
        click_id=_text(fields, "click_id"),
        amount=amount,
        currency=currency,
        dedupe_id=_text(fields, "transaction_id") or _text(fields, "event_id"),
    )
