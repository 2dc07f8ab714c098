"""Packages on the wallet's unit of work (issue 22, ADR 0012).

- buy by balance: available → package_revenue (conditional), history ``package_purchase -P``,
  PackagePurchased;
- buy by card: a card deposit of P (``deposit +P``), then the same transfer from it, both
  history rows, PackagePurchased and DepositCompleted in one transaction;
- use units: no money moves (the units were paid for); a usage row and its items.

A purchase is created only from a confirmed payment, once per payment reference
(``balance:<order>`` or ``card:<deposit operation>``; unique in ``package_purchase``). A balance
purchase happens in one transaction with the user's available row locked first, so two parallel
buys of one user are decided one after the other; a refused one writes nothing (no order row:
the payment log lists attempts that took or are taking money). A card order is ``pending`` until
the deposit made for it is credited; ``credit`` then calls ``pay_card_order`` in the
transaction that credits it, which pays the order from that deposit exactly once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from common.contracts.wallet import PackagePurchased
from common.errors import DomainError, NotFound
from common.logging import get_logger
from wallet.adapters.packages import (
    CARD_UNPAID_PREFIX,
    OrderStatus,
    OrderView,
    PackageView,
    PurchaseView,
    Totals,
)
from wallet.adapters.stripe_payments import PaymentProvider
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import CurrencyMismatch, InsufficientFunds
from wallet.domain.history import HistoryLine, HistoryType
from wallet.domain.packages import (
    ConfirmedPayment,
    Package,
    PackageInactive,
    PackageKind,
    PackageUnaffordable,
    PaymentMismatch,
    Purchase,
    Usage,
    check_purchasable,
    credit_purchase,
    use_units,
)
from wallet.service_layer import money_metrics, responsible_gambling
from wallet.service_layer.deposits import start
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.wallets import usable_wallet

log = get_logger(__name__)


class PackageNotFound(NotFound):
    code = "package.not_found"
    default_message = "Package not found."


class PackageKindNotUsable(DomainError):
    """Free-bet units are spent by the bets service when a free bet is placed, not here."""

    code = "package.kind_not_usable"
    status_code = 422
    default_message = "Units of this kind cannot be used through this API."


# --- the catalogue -------------------------------------------------------------------------------


async def find_package(uow: WalletUnitOfWork, package_id: uuid.UUID) -> PackageView:
    found = await uow.packages.find_package(package_id)
    if found is None:
        raise PackageNotFound()
    return found


@dataclass(frozen=True)
class NewPackage:
    name: str
    description: str
    kind: PackageKind
    units: int
    price_minor: int
    validity_days: int
    stake_minor: int | None


async def create_package(
    uow: WalletUnitOfWork, new: NewPackage, *, currency: str, client: ClientInfo
) -> PackageView:
    assert client.actor_id is not None, "an admin creates packages"
    shape = Package(
        id=uuid.uuid4(),
        name=new.name,
        units=new.units,
        price_minor=new.price_minor,
        validity_days=new.validity_days,
        kind=new.kind,
        stake_minor=new.stake_minor,
    )
    created = await uow.packages.add_package(
        shape, description=new.description, currency=currency, created_by=client.actor_id
    )
    await _audit_admin(uow, AuditAction.package_created, created, client)
    return created


async def set_on_sale(
    uow: WalletUnitOfWork, package_id: uuid.UUID, active: bool, *, client: ClientInfo
) -> PackageView:
    """Put a package on sale or take it off; units already bought stay usable either way."""
    changed = await uow.packages.set_active(package_id, active)
    if changed is None:
        raise PackageNotFound()
    await _audit_admin(uow, AuditAction.package_sale_changed, changed, client)
    return changed


async def _audit_admin(
    uow: WalletUnitOfWork, action: AuditAction, found: PackageView, client: ClientInfo
) -> None:
    await uow.audit.add(
        AuditEntry(
            action=action,
            status=AuditStatus.success,
            user_id=client.actor_id,
            amount_minor=found.price_minor,
            details={"package_id": str(found.id), "name": found.name, "active": found.active},
            client=client,
        )
    )


# --- buying --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bought:
    order: OrderView
    purchase: PurchaseView
    available_after_minor: int


async def buy_with_balance(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, package_id: uuid.UUID, client: ClientInfo
) -> Bought:
    """Pay a package from the available balance now: one transaction, nothing written if
    refused (inactive, unaffordable, wallet blocked or being closed, or free bets while a
    time-out or self-exclusion runs: they are betting; other units are not)."""
    wallet = await usable_wallet(uow, user_id)
    found = await find_package(uow, package_id)
    if found.currency != wallet.currency:
        raise CurrencyMismatch()
    if found.kind is PackageKind.free_bet:
        await responsible_gambling.check_money_in(uow, user_id)
    # Locked first: a second buy of this user waits here and then sees this one's debit.
    available = await uow.ledger.lock_available(user_id)
    check_purchasable(found.rules(), available)
    order_id = uuid.uuid4()
    now = await uow.packages.now()
    await uow.packages.add_order(
        order_id=order_id, user_id=user_id, found=found, method="balance", paid_at=now
    )
    payment = ConfirmedPayment(f"balance:{order_id}", user_id, found.price_minor, now)
    try:
        bought, available_after = await _credit_units(uow, found, order_id, payment, client)
    except InsufficientFunds:
        raise PackageUnaffordable(
            details={"price_minor": found.price_minor, "available_minor": available}
        ) from None
    return Bought(await uow.packages.order(order_id), bought, available_after)


async def _credit_units(
    uow: WalletUnitOfWork,
    found: PackageView,
    order_id: uuid.UUID,
    payment: ConfirmedPayment,
    client: ClientInfo,
) -> tuple[PurchaseView, int]:
    """The price moved to package revenue (never on credit) and the units it bought: the
    purchase row, PackagePurchased, the audit row, the metric. Raises InsufficientFunds
    with nothing written when the balance cannot pay."""
    bought = credit_purchase(uuid.uuid4(), found.rules(), payment)
    line = HistoryLine(
        type=HistoryType.package_purchase,
        amount_minor=-found.price_minor,
        description=f"Package: {found.name}",
        reference=str(order_id),
        metadata={
            "order_id": str(order_id),
            "purchase_id": str(bought.id),
            "package_id": str(found.id),
            "units": found.units,
        },
    )
    posted = await uow.ledger.post(
        rules.buy_package(payment.user_id, bought.id, found.price_minor), line
    )
    assert posted.available_after_minor is not None
    await uow.packages.add_purchase(bought, order_id=order_id, transfer_id=posted.transfer_id)
    money_metrics.moved(uow, MoneyKind.package_purchased, found.price_minor)
    await uow.emit(_purchased_message(bought, found, order_id))
    await uow.audit.add(
        AuditEntry.money_moved(
            AuditAction.package_purchased,
            user_id=payment.user_id,
            operation_id=order_id,
            amount_minor=found.price_minor,
            client=client,
            purchase_id=str(bought.id),
            package_id=str(found.id),
            payment_reference=payment.reference,
        )
    )
    return await uow.packages.purchase(bought.id), posted.available_after_minor


def _purchased_message(
    bought: Purchase, found: PackageView, order_id: uuid.UUID
) -> PackagePurchased:
    return PackagePurchased(
        purchase_id=bought.id,
        order_id=order_id,
        user_id=bought.user_id,
        package_id=found.id,
        package_kind=found.kind.value,
        units=bought.units_total,
        expires_at=bought.expires_at,
        amount_minor=found.price_minor,
        currency=found.currency,
    )


@dataclass(frozen=True)
class CardOrder:
    """A card order's deposit, but for its amount (the package's price, read here)."""

    user_id: uuid.UUID
    operation_id: uuid.UUID  # the deposit's (from the Idempotency-Key: ``operation_id_for``)
    limits: start.DepositLimits
    client: ClientInfo
    method_id: uuid.UUID | None  # a saved card (our method id); None: Stripe Checkout
    success_url: str
    cancel_url: str


@dataclass(frozen=True)
class CheckoutStarted:
    order: OrderView
    confirmation_url: str
    session_id: str | None


@dataclass(frozen=True)
class SavedCardCharged:
    order: OrderView
    outcome: start.SavedCardOutcome


async def buy_by_card(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    package_id: uuid.UUID,
    card: CardOrder,
) -> CheckoutStarted | SavedCardCharged:
    """A pending order and a card deposit of exactly the price, through the deposit flow
    (its limits, its pending cap, its Stripe idempotency key). The order is written first, so
    a saved card credited at once (``credit`` → ``pay_card_order``, in this transaction) or a
    webhook that waited for this transaction finds it."""
    wallet = await usable_wallet(uow, card.user_id)
    found = await find_package(uow, package_id)
    if not found.active:
        raise PackageInactive()
    if found.currency != wallet.currency:
        raise CurrencyMismatch()
    req = start.DepositStart(
        card.user_id, card.operation_id, found.price_minor, card.limits, card.client
    )
    order_id = uuid.uuid4()
    await uow.packages.add_order(
        order_id=order_id,
        user_id=req.user_id,
        found=found,
        method="card",
        operation_id=req.operation_id,
    )
    if card.method_id is None:
        deposit, url = await start.start_checkout(
            uow, provider, req, success_url=card.success_url, cancel_url=card.cancel_url
        )
        order = await uow.packages.order(order_id)
        return CheckoutStarted(order, url, deposit.checkout_session_id)
    outcome = await start.charge_saved_card(uow, provider, req, method_id=card.method_id)
    if isinstance(outcome, start.Declined):
        await _fail(uow, order_id, req.user_id, found.price_minor, f"{CARD_UNPAID_PREFIX}failed")
    return SavedCardCharged(await uow.packages.order(order_id), outcome)


async def pay_card_order(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, operation_id: uuid.UUID
) -> None:
    """The package order a card deposit ``operation_id`` was made for, paid from it (if any).

    Called by ``credit`` in the transaction that credits the deposit, once per deposit. Never
    raises for a payment that cannot go through (the deposit must commit): a balance that no
    longer covers the price (a debt from a chargeback ate the deposit) fails the order and the
    money stays on the balance. Idempotent on the order's status: a paid order is left alone;
    a failed card payment paid after all (another card on the same intent) is paid now.
    """
    order = await uow.packages.lock_card_order(operation_id)
    if order is None or order.status == OrderStatus.paid:
        return
    if order.user_id != user_id:
        # Cannot happen (the order and its deposit are written together, for one user); the
        # deposit is credited all the same, the order left for someone to look at.
        log.error("package order of another user", order_id=str(order.id), user_id=str(user_id))
        return
    found = await find_package(uow, order.package_id)
    now = await uow.packages.now()
    payment = ConfirmedPayment(f"card:{operation_id}", user_id, order.amount_minor, now)
    try:
        await _credit_units(uow, found, order.id, payment, ClientInfo())
    except InsufficientFunds:
        await _fail(uow, order.id, user_id, order.amount_minor, "insufficient_funds", force=True)
        return
    except PaymentMismatch:
        await _fail(uow, order.id, user_id, order.amount_minor, "amount_mismatch", force=True)
        return
    await uow.packages.mark_paid(order.id, now)


async def _fail(
    uow: WalletUnitOfWork,
    order_id: uuid.UUID,
    user_id: uuid.UUID,
    amount_minor: int,
    reason: str,
    *,
    force: bool = False,
) -> None:
    """An order failed (audited); ``force``: also a failed one (a late payment failing again)."""
    if await uow.packages.mark_failed(order_id, reason, only_pending=not force):
        await audit_order_failed(uow, order_id, user_id, amount_minor, reason)


async def audit_order_failed(
    uow: WalletUnitOfWork, order_id: uuid.UUID, user_id: uuid.UUID, amount_minor: int, reason: str
) -> None:
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.package_order_failed,
            status=AuditStatus.failed,
            user_id=user_id,
            amount_minor=amount_minor,
            details={"order_id": str(order_id), "reason": reason},
        )
    )


# --- using units ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Used:
    usage: Usage
    purchases: list[PurchaseView]  # the purchases the usage took from, as they are now


async def use(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, usage_id: str, units: int, kind: PackageKind
) -> Used:
    """Take ``units`` earliest expiry first, all or nothing, once per usage id.

    The user's usable purchases are locked first (spending order), so parallel usages take
    turns and each sees what the one before left; the usage id is then looked up under that
    lock (a retry racing its original waits, then replays it). The unique (user, usage id)
    is the last word: an insert that finds it taken replays the stored usage.
    """
    if kind is not PackageKind.units:
        raise PackageKindNotUsable(details={"kind": kind.value})
    now = await uow.packages.now()
    usable = await uow.packages.lock_usable(user_id, kind, now)
    seen = await _seen(uow, user_id, usage_id)
    usage = use_units([p.rules() for p in usable], units, now, usage_id, seen)
    if not usage.replayed:
        if not await uow.packages.add_usage(user_id, kind, usage):
            # Recorded meanwhile (a racing retry with no purchases to lock): replay that one.
            usage = use_units([], units, now, usage_id, await _seen(uow, user_id, usage_id))
        else:
            for d in usage.deductions:
                await uow.packages.deduct(d.purchase_id, d.units)
    return Used(usage, [await uow.packages.purchase(d.purchase_id) for d in usage.deductions])


async def _seen(uow: WalletUnitOfWork, user_id: uuid.UUID, usage_id: str) -> dict[str, Usage]:
    found = await uow.packages.find_usage(user_id, usage_id)
    return {} if found is None else {usage_id: found}


# --- what the user and the admin see -------------------------------------------------------------


@dataclass(frozen=True)
class Holdings:
    at: datetime
    purchases: list[PurchaseView]  # usable now, earliest expiry first

    def totals(self) -> dict[str, int]:
        found = {kind.value: 0 for kind in PackageKind}
        for p in self.purchases:
            found[p.package_kind.value] += p.units_left
        return found


async def holdings(uow: WalletUnitOfWork, user_id: uuid.UUID) -> Holdings:
    """The user's units: unexpired purchases with units left (expired and used-up ones are not
    balances; the payment log and the admin's view keep them)."""
    now = await uow.packages.now()
    found, _ = await uow.packages.purchases(user_id=user_id, usable_at=now, limit=1000)
    return Holdings(now, found)


async def list_orders(
    uow: WalletUnitOfWork,
    *,
    user_id: uuid.UUID | None,
    status: str | None = None,
    limit: int,
    offset: int,
) -> tuple[list[OrderView], int]:
    return await uow.packages.orders(user_id=user_id, status=status, limit=limit, offset=offset)


async def list_purchases(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID | None, limit: int, offset: int
) -> tuple[datetime, Sequence[PurchaseView], int]:
    now = await uow.packages.now()
    found, total = await uow.packages.purchases(user_id=user_id, limit=limit, offset=offset)
    return now, found, total


async def totals(uow: WalletUnitOfWork) -> Totals:
    return await uow.packages.totals()
