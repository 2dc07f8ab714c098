"""Request and response bodies of /api/notifications."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from common.api import RequestModel
from notifications.domain.kinds import Channel, DeliveryStatus, Kind
from notifications.service_layer.preferences import Preferences

ChatId = Annotated[str, Field(pattern=r"^-?[0-9]{1,31}$", max_length=32)]


class _Body(RequestModel):
    """A request body: clean text, and no field the route does not know (a typo is a 422)."""

    model_config = ConfigDict(extra="forbid")


class KindPreference(BaseModel):
    kind: Kind
    email: bool
    telegram: bool


class KindPreferenceIn(_Body):
    kind: Kind
    email: bool
    telegram: bool


class PreferencesOut(BaseModel):
    email: str | None
    language: str
    telegram_chat_id: str | None
    # Every kind, always, in a fixed order (deposit, withdrawal, bet_won, subscription,
    # package, responsible_gambling).
    kinds: list[KindPreference]

    @classmethod
    def of(cls, answer: Preferences) -> PreferencesOut:
        return cls(
            email=answer.email,
            language=answer.language,
            telegram_chat_id=answer.telegram_chat_id,
            kinds=[
                KindPreference(kind=c.kind, email=c.email, telegram=c.telegram)
                for c in answer.kinds
            ],
        )


class PreferencesIn(_Body):
    # Only the kinds listed change; each kind at most once.
    kinds: list[KindPreferenceIn] = Field(max_length=len(Kind))


class TelegramIn(_Body):
    chat_id: ChatId


class HistoryItem(BaseModel):
    id: uuid.UUID
    kind: Kind
    channel: Channel
    subject: str
    status: DeliveryStatus
    created_at: datetime
    sent_at: datetime | None


class History(BaseModel):
    items: list[HistoryItem]
    # Pass as ``before`` for the next (older) page; null: no more.
    next_cursor: uuid.UUID | None


class AdminDelivery(HistoryItem):
    user_id: uuid.UUID
    template: str
    language: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime


class AdminDeliveries(BaseModel):
    items: list[AdminDelivery]


class StatusCount(BaseModel):
    status: DeliveryStatus
    channel: Channel
    count: int


class Stats(BaseModel):
    since: datetime
    counts: list[StatusCount]
