"""Prepaid packages of units with an expiry (seed 004, issue 22).

Units are held per purchase, each with its own expiry, and exist only once the purchase is paid
(a purchase is built from a confirmed payment, never from a pending one). A usage takes units
from the purchase that expires first, all or nothing, and happens once per usage id: a retried
usage record answers the first result and moves nothing. Expired units are never used; the lapse
job writes them off.

The caller passes one user's purchases of one kind of unit (a free-bet pack's units are not a
tips pack's): the rules here do not mix packages, they only order and count.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from common.errors import Conflict, DomainError
from wallet.domain.errors import InsufficientFunds


class PackageInactive(Conflict):
    code = "package.inactive"
    default_message = "This package is no longer sold."


class PackageUnaffordable(InsufficientFunds):
    code = "package.insufficient_funds"
    default_message = "Not enough money on your balance to buy this package."


class UnitsInsufficient(DomainError):
    code = "package.insufficient_units"
    status_code = 422
    default_message = "Not enough unused units left."


class UsageIdReused(DomainError):
    """The same usage id with another number of units: a client bug, not a retry."""

    code = "package.usage_mismatch"
    status_code = 422
    default_message = "This usage id was already recorded with other units."


class PaymentMismatch(Exception):
    """A confirmed payment for another user or amount than the package's: a bug upstream,
    never credited."""


class PackageKind(StrEnum):
    units = "units"  # units a service counts (premium tips, alerts)
    free_bet = "free_bet"  # each unit is one bet of ``stake_minor`` paid by the house


@dataclass(frozen=True)
class Package:
    id: uuid.UUID
    name: str
    units: int
    price_minor: int
    validity_days: int
    active: bool = True  # inactive: no longer sold; units already bought stay usable
    kind: PackageKind = PackageKind.units
    stake_minor: int | None = None  # a free bet's stake; only for free_bet

    def __post_init__(self) -> None:
        if self.units <= 0 or self.price_minor <= 0 or self.validity_days <= 0:
            raise ValueError("a package has positive units, price and validity")
        is_free_bet = self.kind is PackageKind.free_bet
        if is_free_bet != (self.stake_minor is not None and self.stake_minor > 0):
            raise ValueError("a free-bet package, and only one, has a positive stake")

    @property
    def validity(self) -> timedelta:
        return timedelta(days=self.validity_days)


def check_purchasable(package: Package, available_minor: int) -> None:
    """A purchase from the wallet's balance: only of a package on sale, never on credit."""
    if not package.active:
        raise PackageInactive()
    if available_minor < package.price_minor:
        raise PackageUnaffordable(
            details={"price_minor": package.price_minor, "available_minor": available_minor}
        )


@dataclass(frozen=True)
class ConfirmedPayment:
    """A payment known to have succeeded (the ledger debit, or the card webhook)."""

    reference: str  # unique per payment: a purchase is credited once per payment
    user_id: uuid.UUID
    amount_minor: int
    confirmed_at: datetime


@dataclass(frozen=True)
class Purchase:
    id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    payment_reference: str
    units_total: int
    units_left: int
    paid_at: datetime
    expires_at: datetime

    def is_expired(self, at: datetime) -> bool:
        return self.expires_at <= at


def credit_purchase(
    purchase_id: uuid.UUID, package: Package, payment: ConfirmedPayment
) -> Purchase:
    """The units a confirmed payment buys, valid from the payment's confirmation. A package
    withdrawn from sale after the payment started is still credited: the money was taken."""
    if payment.amount_minor != package.price_minor:
        raise PaymentMismatch(
            f"payment {payment.reference} of {payment.amount_minor}, "
            f"package {package.id} costs {package.price_minor}"
        )
    return Purchase(
        id=purchase_id,
        user_id=payment.user_id,
        package_id=package.id,
        payment_reference=payment.reference,
        units_total=package.units,
        units_left=package.units,
        paid_at=payment.confirmed_at,
        expires_at=payment.confirmed_at + package.validity,
    )


@dataclass(frozen=True)
class Deduction:
    purchase_id: uuid.UUID
    units: int


@dataclass(frozen=True)
class Usage:
    usage_id: str
    units: int
    deductions: tuple[Deduction, ...]
    replayed: bool = False  # a repeated usage id: the first result, nothing to apply


def _spending_order(purchase: Purchase) -> tuple[datetime, datetime, uuid.UUID]:
    # Earliest expiry first, so the fewest units lapse; ties by purchase time, then id, so
    # every replica picks the same rows.
    return purchase.expires_at, purchase.paid_at, purchase.id


def use_units(
    purchases: Iterable[Purchase],
    units: int,
    at: datetime,
    usage_id: str,
    seen_usage_ids: Mapping[str, Usage],
) -> Usage:
    """Deduct ``units`` from unexpired purchases, earliest expiry first, all or nothing."""
    if units <= 0:
        raise ValueError(f"a usage takes a positive number of units, not {units}")
    first = seen_usage_ids.get(usage_id)
    if first is not None:
        if first.units != units:
            raise UsageIdReused(details={"usage_id": usage_id, "units": first.units})
        return replace(first, replayed=True)
    usable = sorted(
        (p for p in purchases if not p.is_expired(at) and p.units_left > 0), key=_spending_order
    )
    if sum(p.units_left for p in usable) < units:
        raise UnitsInsufficient(details={"requested": units})
    deductions: list[Deduction] = []
    wanted = units
    for purchase in usable:
        if wanted == 0:
            break
        taken = min(wanted, purchase.units_left)
        deductions.append(Deduction(purchase.id, taken))
        wanted -= taken
    return Usage(usage_id, units, tuple(deductions))


def apply_usage(purchases: Sequence[Purchase], usage: Usage) -> list[Purchase]:
    """The purchases after ``usage`` (a replay changes nothing)."""
    if usage.replayed:
        return list(purchases)
    taken = {d.purchase_id: d.units for d in usage.deductions}
    return [replace(p, units_left=p.units_left - taken.get(p.id, 0)) for p in purchases]


@dataclass(frozen=True)
class Lapse:
    purchase_id: uuid.UUID
    user_id: uuid.UUID
    units: int


def lapse(purchases: Iterable[Purchase], at: datetime) -> list[Lapse]:
    """The units still left on purchases expired by ``at``: the job writes them off."""
    return [
        Lapse(p.id, p.user_id, p.units_left)
        for p in purchases
        if p.is_expired(at) and p.units_left > 0
    ]


def apply_lapses(purchases: Sequence[Purchase], lapses: Collection[Lapse]) -> list[Purchase]:
    lapsed = {item.purchase_id for item in lapses}
    return [replace(p, units_left=0) if p.id in lapsed else p for p in purchases]


class NoticeKind(StrEnum):
    expiring_soon = "expiring_soon"  # units left and the expiry within the warning time
    running_out = "running_out"  # some units used and at most the low mark left


@dataclass(frozen=True)
class Notice:
    purchase_id: uuid.UUID
    user_id: uuid.UUID
    kind: NoticeKind

    @property
    def key(self) -> tuple[uuid.UUID, NoticeKind]:
        """Each notice is sent once per purchase and kind: the dedup key."""
        return self.purchase_id, self.kind


def notices(
    purchases: Iterable[Purchase], at: datetime, warn_before: timedelta, low_units: int
) -> list[Notice]:
    """The notices due at ``at`` for unexpired purchases (the caller skips keys already sent)."""
    due: list[Notice] = []
    for p in purchases:
        if p.is_expired(at):
            continue
        if p.units_left > 0 and p.expires_at - at <= warn_before:
            due.append(Notice(p.id, p.user_id, NoticeKind.expiring_soon))
        # A pack bought with no more than the low mark is not "running out" before any use.
        if p.units_left <= low_units and p.units_left < p.units_total:
            due.append(Notice(p.id, p.user_id, NoticeKind.running_out))
    return due


def free_bet_payout(payout_minor: int, stake_minor: int) -> int:
    """What a settled free bet credits: only the winnings, the stake is not returned (the
    house staked it). A lost bet (payout 0) credits nothing."""
    if payout_minor < 0 or stake_minor <= 0:
        raise ValueError(f"payout {payout_minor} and stake {stake_minor} out of range")
    return max(payout_minor - stake_minor, 0)
