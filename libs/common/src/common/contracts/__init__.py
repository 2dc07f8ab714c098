"""Message contracts: one module per producer; importing this package registers every message.

Shared field types live here. Amounts are integer minor units (``*_minor``) with an ISO 4217
``currency``; coefficients are ``Decimal`` (a string in JSON); timestamps are tz-aware, in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, Strict


class ContractModel(BaseModel):
    """Base of every message payload: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
# Strict: a bool, a float or a numeric string is never taken for an amount.
PositiveMinor = Annotated[int, Strict(), Field(gt=0)]
NonNegativeMinor = Annotated[int, Strict(), Field(ge=0)]
SignedMinor = Annotated[int, Strict()]
Coefficient = Annotated[Decimal, Field(gt=1, decimal_places=3)]
Score = Annotated[int, Strict(), Field(ge=0)]
SettlementVersion = Annotated[int, Strict(), Field(ge=1)]
Label = Annotated[str, Field(min_length=1, max_length=200)]
# A stable machine-readable code, e.g. "wallet.insufficient_funds".
ReasonCode = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z][a-z0-9_.]*$")]
# Free text a person wrote (an admin's reason), shown as is.
ReasonText = Annotated[str, Field(min_length=1, max_length=500)]
Outcome = Literal["won", "lost", "void"]
# Responsible-gambling limits (loss limits in bets, deposit limits in wallet), per rolling period.
LimitPeriod = Literal["day", "week", "month"]


class LimitAmount(ContractModel):
    """A limit's amount; a removed limit is ``None`` where a message carries one."""

    amount_minor: NonNegativeMinor
    currency: Currency


__all__ = [
    "Coefficient",
    "ContractModel",
    "Currency",
    "Label",
    "LimitAmount",
    "LimitPeriod",
    "NonNegativeMinor",
    "Outcome",
    "PositiveMinor",
    "ReasonCode",
    "ReasonText",
    "Score",
    "SettlementVersion",
    "SignedMinor",
    "UtcDatetime",
    "auth",
    "bets",
    "events",
    "wallet",
]

# Imported last: the producer modules use the names above. Importing them registers the messages.
from common.contracts import auth, bets, events, wallet  # noqa: E402
