"""Request and response bodies of the packages API (amounts: two-decimal strings, times:
ISO-8601 UTC)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StrictInt, model_validator

from common.api import RequestModel
from common.money import AmountMinor, format_minor
from wallet.adapters.packages import OrderView, PackageView, PurchaseView, Totals, purchase_state
from wallet.domain.packages import PackageKind, Usage
from wallet.service_layer.packages import Holdings


class _Body(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BuyRequest(_Body):
    method: Literal["balance", "card"]
    # card only: our saved card's method_id (as the deposit routes take); none: Stripe Checkout
    payment_method_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _card_only(self) -> BuyRequest:
        if self.method == "balance" and self.payment_method_id is not None:
            raise ValueError("payment_method_id is for a card purchase")
        return self


class UsageRequest(_Body):
    usage_id: str = Field(min_length=1, max_length=100)
    units: Annotated[StrictInt, Field(gt=0, le=1_000_000)]
    kind: Literal["units", "free_bet"] = "units"


class PackageRequest(_Body):
    """A new package; a free-bet package (and only one) has a ``stake``."""

    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=1000)
    kind: Literal["units", "free_bet"] = "units"
    units: Annotated[StrictInt, Field(gt=0, le=1_000_000)]
    price: AmountMinor
    validity_days: Annotated[StrictInt, Field(gt=0, le=3650)]
    stake: AmountMinor | None = None

    @model_validator(mode="after")
    def _stake_for_free_bets(self) -> PackageRequest:
        if (self.kind == "free_bet") != (self.stake is not None):
            raise ValueError("a free_bet package, and only one, has a stake")
        return self


class ActiveRequest(_Body):
    active: bool


def _at(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def package_json(p: PackageView, *, admin: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(p.id),
        "name": p.name,
        "description": p.description,
        "kind": p.kind.value,
        "units": p.units,
        "price": format_minor(p.price_minor),
        "currency": p.currency,
        "validity_days": p.validity_days,
        "stake": None if p.stake_minor is None else format_minor(p.stake_minor),
    }
    if admin:
        body.update(active=p.active, created_at=_at(p.created_at), updated_at=_at(p.updated_at))
    return body


def order_json(o: OrderView, *, admin: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "order_id": str(o.id),
        "package_id": str(o.package_id),
        "package_name": o.package_name,
        "amount": format_minor(o.amount_minor),
        "currency": o.currency,
        "method": o.method,
        "operation_id": None if o.operation_id is None else str(o.operation_id),
        "status": o.status,
        "failure_reason": o.failure_reason,
        "created_at": _at(o.created_at),
        "paid_at": _at(o.paid_at),
    }
    if admin:
        body["user_id"] = str(o.user_id)
    return body


def purchase_json(p: PurchaseView, at: datetime, *, admin: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "purchase_id": str(p.id),
        "package_id": str(p.package_id),
        "package_name": p.package_name,
        "kind": p.package_kind.value,
        "order_id": str(p.order_id),
        "units_total": p.units_total,
        "units_left": p.units_left,
        "units_lapsed": p.lapsed_units,
        "paid_at": _at(p.paid_at),
        "expires_at": _at(p.expires_at),
        "lapsed_at": _at(p.lapsed_at),
        "state": purchase_state(p, at),
        # a free bet's stake per unit (what the bet slip stakes with it); None for units
        "stake": None if p.stake_minor is None else format_minor(p.stake_minor),
    }
    if admin:
        body["user_id"] = str(p.user_id)
    return body


def holdings_json(found: Holdings) -> dict[str, Any]:
    """Per purchase (earliest expiry first), per package (units left, the next expiry), and
    per kind."""
    packages: dict[uuid.UUID, dict[str, Any]] = {}
    for p in found.purchases:
        entry = packages.setdefault(
            p.package_id,
            {
                "package_id": str(p.package_id),
                "package_name": p.package_name,
                "kind": p.package_kind.value,
                "units_left": 0,
                "next_expiry": _at(p.expires_at),  # purchases come earliest expiry first
            },
        )
        entry["units_left"] += p.units_left
    return {
        "success": True,
        "as_of": _at(found.at),
        "purchases": [purchase_json(p, found.at) for p in found.purchases],
        "packages": list(packages.values()),
        "totals": found.totals(),
    }


def usage_json(usage: Usage, kind: PackageKind, purchases: list[PurchaseView]) -> dict[str, Any]:
    by_id = {p.id: p for p in purchases}
    return {
        "usage_id": usage.usage_id,
        "units": usage.units,
        "kind": kind.value,
        "deductions": [
            {
                "purchase_id": str(d.purchase_id),
                "package_id": str(by_id[d.purchase_id].package_id),
                "package_name": by_id[d.purchase_id].package_name,
                "units": d.units,
                "units_left": by_id[d.purchase_id].units_left,
                "expires_at": _at(by_id[d.purchase_id].expires_at),
            }
            for d in usage.deductions
        ],
    }


def totals_json(t: Totals, currency: str) -> dict[str, Any]:
    return {
        "success": True,
        "revenue": {
            "last_24h": format_minor(t.revenue_24h_minor),
            "last_30d": format_minor(t.revenue_30d_minor),
            "currency": currency,
        },
        "units": {
            "sold": t.units_sold,
            "used": t.units_used,
            "lapsed": t.units_lapsed,
            "left": t.units_left,
        },
        "orders": t.orders,
    }
