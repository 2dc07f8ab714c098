"""Request and answer bodies of the subscriptions API (amounts: two-decimal strings, times:
ISO-8601 UTC), as the rest of the wallet API writes them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from common.money import AmountMinor, format_minor
from wallet.adapters.subscriptions import Figures, Payment, PlanView
from wallet.entrypoints.api.schemas import Request
from wallet.service_layer.subscriptions import SubscriptionView

MIN_PERIOD_S = 60  # the renewal lead (< 60 s) must stay shorter than every plan's period
MAX_PERIOD_S = 366 * 24 * 3600
_DAY = timedelta(days=1)
_MICROSECOND = timedelta(microseconds=1)

Feature = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class PlanChoice(Request):
    plan_id: uuid.UUID


class PlanRequest(Request):
    """A new plan: its price as the API's money (``"9.99"``) or in minor units, not both."""

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=1000)
    price: AmountMinor | None = None
    price_minor: int | None = Field(default=None, gt=0, le=10**12)
    period_seconds: int = Field(default=3600, ge=MIN_PERIOD_S, le=MAX_PERIOD_S)
    features: list[Feature] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _one_price(self) -> PlanRequest:
        if (self.price is None) == (self.price_minor is None):
            raise ValueError("give exactly one of price or price_minor")
        return self

    @property
    def amount_minor(self) -> int:
        amount = self.price if self.price is not None else self.price_minor
        assert amount is not None  # _one_price
        return amount


def _utc(at: datetime | None) -> str | None:
    return None if at is None else at.astimezone(UTC).isoformat()


def plan_json(view: PlanView, *, admin: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(view.id),
        "name": view.name,
        "description": view.description,
        "price": format_minor(view.plan.price_minor),
        "currency": view.currency,
        "period_seconds": int(view.plan.period.total_seconds()),
        "features": sorted(view.plan.features),
    }
    if admin:
        body["retired"] = view.retired_at is not None
        body["retired_at"] = _utc(view.retired_at)
        body["created_at"] = _utc(view.created_at)
    return body


def subscription_json(view: SubscriptionView) -> dict[str, Any]:
    sub = view.subscription
    renews_at = view.renews_at
    price = format_minor(view.plan.plan.price_minor)
    return {
        "subscription_id": str(sub.id),
        "status": sub.status.value,
        "plan": plan_json(view.plan),
        "paid_from": _utc(sub.paid_from),
        "paid_through": _utc(sub.paid_through),
        "period_number": sub.period_number,
        "has_access": view.has_access,
        "features": sorted(view.features),
        "next_renewal_at": _utc(renews_at),
        "next_renewal_price": None if renews_at is None else price,
        "currency": view.plan.currency,
    }


def payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "kind": payment.kind,
        "subscription_id": str(payment.subscription_id),
        "plan_id": None if payment.plan_id is None else str(payment.plan_id),
        "period_number": payment.period_number,
        "period_start": _utc(payment.period_start),
        "period_end": _utc(payment.period_end),
        "amount": format_minor(payment.amount_minor),
        "currency": payment.currency,
        "created_at": _utc(payment.created_at),
    }


def daily_run_rate_minor(figures: Figures) -> int:
    """Σ over active subscriptions of their plan's price per day, exact, then rounded half up
    to the cent (a 7-minute plan's daily price is not a whole number of cents)."""
    total = sum(
        (
            Fraction(load.price_minor * load.subscribers * (_DAY // _MICROSECOND))
            / (load.period // _MICROSECOND)
            for load in figures.loads
        ),
        Fraction(0),
    )
    return int(total + Fraction(1, 2)) if total >= 0 else -int(-total + Fraction(1, 2))


def stats_json(figures: Figures, currency: str) -> dict[str, Any]:
    return {
        "active_subscribers": figures.active,
        "suspended_subscribers": figures.suspended,
        "revenue_24h": format_minor(figures.revenue_24h_minor),
        "revenue_30d": format_minor(figures.revenue_30d_minor),
        "run_rate_daily": format_minor(daily_run_rate_minor(figures)),
        "currency": currency,
    }
