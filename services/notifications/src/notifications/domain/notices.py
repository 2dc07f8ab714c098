"""What a user is told: a ``Notice`` (its template, kind and fields written for a person), and
how amounts and moments are written for a person."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from common.money import format_minor
from notifications.domain.kinds import MESSAGE_KINDS, Kind


@dataclass(frozen=True)
class Notice:
    user_id: uuid.UUID
    template: str  # a key of domain.templates.TEMPLATES (a message type, or its variant)
    values: dict[str, str]

    @property
    def kind(self) -> Kind:
        return MESSAGE_KINDS[_MESSAGE_OF_TEMPLATE.get(self.template, self.template)]


# Variants of one message type written differently (a limit set or removed).
_MESSAGE_OF_TEMPLATE = {
    "LossLimitSet": "LossLimitChanged",
    "LossLimitRemoved": "LossLimitChanged",
    "DepositLimitSet": "DepositLimitChanged",
    "DepositLimitRemoved": "DepositLimitChanged",
}


def money(amount_minor: int, currency: str) -> str:
    """``1250, "EUR"`` → ``"12.50 EUR"`` (every currency of the deployment has two decimals)."""
    return f"{format_minor(amount_minor)} {currency}"


def when(moment: datetime) -> str:
    """A moment as a person reads it, always in UTC: ``2026-12-07 16:00 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
