"""Request and response bodies of the partners API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.api import RequestModel
from partners.domain.partners import MAX_SECRET_CHARS, MIN_SECRET_CHARS
from partners.domain.templates import MAX_TEMPLATE_CHARS, OutboundEvent

PartnerId = str
Urls = dict[OutboundEvent, str | None]


class _Body(RequestModel):
    """A request body: clean text, and no field the route does not know (a typo is a 422)."""

    model_config = ConfigDict(extra="forbid")


class PartnerIn(_Body):
    partner_id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{1,49}$")
    name: str = Field(min_length=1, max_length=100)
    # Write-only: never in any answer, never logged.
    secret: str = Field(min_length=MIN_SECRET_CHARS, max_length=MAX_SECRET_CHARS)
    urls: Urls = Field(default_factory=dict)
    active: bool = True


class PartnerPatch(_Body):
    name: str | None = Field(default=None, min_length=1, max_length=100)
    secret: str | None = Field(
        default=None, min_length=MIN_SECRET_CHARS, max_length=MAX_SECRET_CHARS
    )
    # Merged into the current templates; an event set to null (or "") loses its template.
    urls: Urls | None = None
    active: bool | None = None


class PartnerOut(BaseModel):
    partner_id: str
    name: str
    urls: dict[str, str]
    active: bool
    created_at: datetime
    updated_at: datetime


class AttributedUserOut(BaseModel):
    user_id: uuid.UUID
    click_id: str | None
    partner_player_id: str | None
    registered_at: datetime
    first_deposit_at: datetime | None
    deposits_count: int
    # Our deposits' sum by currency, "12.50".
    deposits_sum: dict[str, str]
    partner_first_deposit_at: datetime | None
    partner_deposit_count: int
    partner_deposit_sum: str


class UsersPage(BaseModel):
    items: list[AttributedUserOut]
    next_cursor: str | None


class AttemptOut(BaseModel):
    attempt: int
    status_code: int | None
    error: str | None
    latency_ms: int
    at: datetime


class OutboundOut(BaseModel):
    id: uuid.UUID
    partner_id: str
    user_id: uuid.UUID
    event: str
    status: Literal["pending", "delivered", "failed"]
    amount: str | None
    currency: str | None
    transaction_id: str | None
    click_id: str | None
    win_count: int
    attempts: int
    next_attempt_at: datetime
    delivered_at: datetime | None
    created_at: datetime
    last_status_code: int | None
    last_error: str | None
    attempt_log: list[AttemptOut]


class InboundOut(BaseModel):
    id: int
    partner_id: str
    event: str | None
    params: dict[str, str]
    outcome: Literal["accepted", "rejected"]
    error_code: str | None
    user_id: uuid.UUID | None
    throttled: bool | None
    received_at: datetime


class PartnerStats(BaseModel):
    partner_id: str
    registrations: int
    first_deposits: int
    # first deposits / registrations, 4 decimals ("0.5000").
    conversion: str
    deposits_sum: dict[str, str]
    outbound: dict[str, int]
    inbound: dict[str, int]


class TestPostbackIn(_Body):
    event: OutboundEvent


class TestPostbackOut(BaseModel):
    postback_id: uuid.UUID
    url: str
    status_code: int | None
    error: str | None
    latency_ms: int
    delivered: bool


class InboundAnswer(BaseModel):
    status: Literal["accepted", "duplicate"]
    event: str
    throttled: bool | None = None


class PostbackHealth(BaseModel):
    status: Literal["ok"]
    service: Literal["postback"]


__all__ = ["MAX_TEMPLATE_CHARS", "PartnerId"]
