"""The one message envelope (ARCHITECTURE.md §2) and the registry of typed payloads.

A payload model is registered once with its producer, type and version; the routing key is
``<producer>.<type>`` from the contract, never from the Python class name.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from common import tracing
from common.context import causation_id_var, correlation_id_var, request_id_var

_TRACE_FIELDS = frozenset({"traceparent", "tracestate"})

Producer = Literal["auth", "events", "bets", "wallet", "gateway", "affiliates"]


class Envelope(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str = Field(min_length=1, max_length=100)
    version: int = Field(ge=1)
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: Producer
    correlation_id: str | None = None
    causation_id: str | None = None
    payload: dict[str, Any]
    # The W3C trace context of the span that wrapped it (``traceparent``, maybe ``tracestate``;
    # common.tracing): the consumer's span is its child. Optional, and left out of the JSON
    # when absent (tracing off), so older messages and consumers are unaffected.
    trace: dict[str, str] | None = Field(None, exclude_if=lambda value: value is None)

    @field_validator("trace")
    @classmethod
    def _trace_is_small(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        """Only the W3C fields, of sane length, are kept: a trace context is never a reason to
        refuse a message (a bad one just starts a new trace)."""
        if value is None:
            return None
        kept = {k: v for k, v in value.items() if k in _TRACE_FIELDS and len(v) <= 512}
        return kept or None

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        return value.astimezone(UTC)

    @property
    def routing_key(self) -> str:
        return f"{self.producer}.{self.type}"


@dataclass(frozen=True)
class MessageSpec:
    producer: Producer
    type: str
    version: int
    model: builtins.type[BaseModel]

    @property
    def routing_key(self) -> str:
        return f"{self.producer}.{self.type}"


class UnknownMessage(LookupError):
    """No payload model is registered for this (producer, type, version)."""


class MessageRegistry:
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str, int], MessageSpec] = {}
        self._by_model: dict[type[BaseModel], MessageSpec] = {}

    def add(self, spec: MessageSpec) -> None:
        key = (spec.producer, spec.type, spec.version)
        existing = self._by_key.get(key)
        if existing is not None and existing.model is not spec.model:
            raise ValueError(f"message {key} registered twice")
        self._by_key[key] = spec
        self._by_model[spec.model] = spec

    def remove(self, model: type[BaseModel]) -> None:
        """Forget a model (tests that register a throwaway message type)."""
        spec = self._by_model.pop(model)
        self._by_key.pop((spec.producer, spec.type, spec.version), None)

    def spec_for(self, model: type[BaseModel]) -> MessageSpec:
        try:
            return self._by_model[model]
        except KeyError:
            raise UnknownMessage(f"{model.__name__} is not a registered message") from None

    def lookup(self, producer: str, type_: str, version: int) -> MessageSpec:
        try:
            return self._by_key[(producer, type_, version)]
        except KeyError:
            raise UnknownMessage(f"no message {producer}.{type_} v{version}") from None

    def parse(self, envelope: Envelope) -> BaseModel:
        spec = self.lookup(envelope.producer, envelope.type, envelope.version)
        return spec.model.model_validate(envelope.payload)

    def all(self) -> list[MessageSpec]:
        return sorted(self._by_key.values(), key=lambda s: (s.producer, s.type, s.version))


registry = MessageRegistry()

M = TypeVar("M", bound=type[BaseModel])


def message(*, producer: Producer, type: str, version: int = 1) -> Callable[[M], M]:
    """Register a payload model: ``@message(producer="bets", type="ReserveStake")``."""

    def register(model: M) -> M:
        registry.add(MessageSpec(producer=producer, type=type, version=version, model=model))
        return model

    return register


def wrap(
    payload: BaseModel,
    *,
    correlation_id: str | None = None,
    causation_id: str | None = None,
    event_id: uuid.UUID | None = None,
    trace: dict[str, str] | None = None,
) -> Envelope:
    """Put a registered payload in an envelope; ids default to the current request/message,
    ``trace`` to the current span's context (nothing when tracing is off)."""
    spec = registry.spec_for(type(payload))
    return Envelope(
        event_id=event_id or uuid.uuid4(),
        type=spec.type,
        version=spec.version,
        producer=spec.producer,
        correlation_id=correlation_id or correlation_id_var.get() or request_id_var.get(),
        causation_id=causation_id or causation_id_var.get(),
        payload=payload.model_dump(mode="json"),
        trace=trace or tracing.current_carrier(),
    )
