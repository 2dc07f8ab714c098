"""Packages' rows (packages, orders, purchases, usages, notices): issue 22, ADR 0012.

The rules are ``wallet.domain.packages``; this only reads and writes. Every write that must
happen once is keyed in the database: a purchase per payment reference, a usage per (user,
usage id), a notice per (purchase, kind), a lapse only while the units left are those read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.stripe_tables import card_deposit
from wallet.adapters.tables import (
    account,
    entry,
    package,
    package_notice,
    package_order,
    package_purchase,
    package_usage,
    package_usage_item,
    transfer,
)
from wallet.domain.ledger import AccountKind, TransferKind
from wallet.domain.packages import (
    Deduction,
    NoticeKind,
    Package,
    PackageKind,
    Purchase,
    Usage,
)


class OrderStatus:
    pending = "pending"
    paid = "paid"
    failed = "failed"


@dataclass(frozen=True)
class PackageView:
    id: uuid.UUID
    name: str
    description: str
    kind: PackageKind
    units: int
    price_minor: int
    currency: str
    validity_days: int
    stake_minor: int | None
    active: bool
    created_at: datetime
    updated_at: datetime

    def rules(self) -> Package:
        return Package(
            id=self.id,
            name=self.name,
            units=self.units,
            price_minor=self.price_minor,
            validity_days=self.validity_days,
            active=self.active,
            kind=self.kind,
            stake_minor=self.stake_minor,
        )


def _package_view(row: Row[Any] | Any) -> PackageView:
    return PackageView(
        id=row.id,
        name=row.name,
        description=row.description,
        kind=PackageKind(row.kind),
        units=int(row.units),
        price_minor=int(row.price_minor),
        currency=row.currency,
        validity_days=int(row.validity_days),
        stake_minor=None if row.stake_minor is None else int(row.stake_minor),
        active=bool(row.active),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@dataclass(frozen=True)
class OrderView:
    id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    package_name: str
    amount_minor: int
    currency: str
    method: str
    operation_id: uuid.UUID | None
    status: str
    failure_reason: str | None
    created_at: datetime
    paid_at: datetime | None


_ORDER_COLUMNS = (*package_order.c, package.c.name.label("package_name"))


def _order_view(row: Row[Any] | Any) -> OrderView:
    return OrderView(
        id=row.id,
        user_id=row.user_id,
        package_id=row.package_id,
        package_name=row.package_name,
        amount_minor=int(row.amount_minor),
        currency=row.currency,
        method=row.method,
        operation_id=row.operation_id,
        status=row.status,
        failure_reason=row.failure_reason,
        created_at=row.created_at,
        paid_at=row.paid_at,
    )


@dataclass(frozen=True)
class PurchaseView:
    id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    package_name: str
    package_kind: PackageKind
    order_id: uuid.UUID
    payment_reference: str
    units_total: int
    units_left: int
    lapsed_units: int
    paid_at: datetime
    expires_at: datetime
    lapsed_at: datetime | None
    stake_minor: int | None = None  # a free-bet package's stake per unit

    def rules(self) -> Purchase:
        return Purchase(
            id=self.id,
            user_id=self.user_id,
            package_id=self.package_id,
            payment_reference=self.payment_reference,
            units_total=self.units_total,
            units_left=self.units_left,
            paid_at=self.paid_at,
            expires_at=self.expires_at,
        )


_PURCHASE_COLUMNS = (
    *package_purchase.c,
    package.c.name.label("package_name"),
    package.c.kind.label("package_kind"),
    package.c.stake_minor,
)


def _purchase_view(row: Row[Any] | Any) -> PurchaseView:
    return PurchaseView(
        id=row.id,
        user_id=row.user_id,
        package_id=row.package_id,
        package_name=row.package_name,
        package_kind=PackageKind(row.package_kind),
        order_id=row.order_id,
        payment_reference=row.payment_reference,
        units_total=int(row.units_total),
        units_left=int(row.units_left),
        lapsed_units=int(row.lapsed_units),
        paid_at=row.paid_at,
        expires_at=row.expires_at,
        lapsed_at=row.lapsed_at,
        stake_minor=None if row.stake_minor is None else int(row.stake_minor),
    )


@dataclass(frozen=True)
class Lapsed:
    purchase_id: uuid.UUID
    user_id: uuid.UUID
    package_id: uuid.UUID
    units: int
    expired_at: datetime


@dataclass(frozen=True)
class FailedOrder:
    order_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: int
    reason: str


@dataclass(frozen=True)
class Totals:
    revenue_24h_minor: int
    revenue_30d_minor: int
    units_sold: int
    units_used: int
    units_lapsed: int
    units_left: int
    orders: dict[str, int]


_SPENDING_ORDER = (package_purchase.c.expires_at, package_purchase.c.paid_at, package_purchase.c.id)
# What a failed card order's reason starts with: a deposit paid after all still pays it.
CARD_UNPAID_PREFIX = "card_payment_"


class Packages:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def now(self) -> datetime:
        """The transaction's clock: purchases, expiries and usages are all dated on it."""
        now = await self.session.scalar(select(func.now()))
        assert isinstance(now, datetime)
        return now

    # --- the catalogue -----------------------------------------------------------------------

    async def add_package(
        self, rules: Package, *, description: str, currency: str, created_by: uuid.UUID
    ) -> PackageView:
        row = (
            await self.session.execute(
                package.insert()
                .values(
                    id=rules.id,
                    name=rules.name,
                    description=description,
                    kind=rules.kind.value,
                    units=rules.units,
                    price_minor=rules.price_minor,
                    currency=currency,
                    validity_days=rules.validity_days,
                    stake_minor=rules.stake_minor,
                    active=rules.active,
                    created_by=created_by,
                )
                .returning(package)
            )
        ).one()
        return _package_view(row)

    async def find_package(
        self, package_id: uuid.UUID, *, for_update: bool = False
    ) -> PackageView | None:
        statement = select(package).where(package.c.id == package_id)
        if for_update:
            statement = statement.with_for_update()
        row = (await self.session.execute(statement)).one_or_none()
        return None if row is None else _package_view(row)

    async def list_packages(self, *, on_sale_only: bool) -> list[PackageView]:
        statement = select(package).order_by(package.c.price_minor, package.c.name, package.c.id)
        if on_sale_only:
            statement = statement.where(package.c.active.is_(True))
        return [_package_view(r) for r in await self.session.execute(statement)]

    async def set_active(self, package_id: uuid.UUID, active: bool) -> PackageView | None:
        row = (
            await self.session.execute(
                update(package)
                .where(package.c.id == package_id)
                .values(active=active, updated_at=func.now())
                .returning(package)
            )
        ).one_or_none()
        return None if row is None else _package_view(row)

    # --- orders (seed 004's payment log) -------------------------------------------------------

    async def add_order(
        self,
        *,
        order_id: uuid.UUID,
        user_id: uuid.UUID,
        found: PackageView,
        method: str,
        operation_id: uuid.UUID | None = None,
        paid_at: datetime | None = None,
    ) -> None:
        await self.session.execute(
            package_order.insert().values(
                id=order_id,
                user_id=user_id,
                package_id=found.id,
                amount_minor=found.price_minor,
                currency=found.currency,
                method=method,
                operation_id=operation_id,
                status=OrderStatus.pending if paid_at is None else OrderStatus.paid,
                paid_at=paid_at,
            )
        )

    async def order(self, order_id: uuid.UUID) -> OrderView:
        row = (
            await self.session.execute(
                select(*_ORDER_COLUMNS)
                .join(package, package.c.id == package_order.c.package_id)
                .where(package_order.c.id == order_id)
            )
        ).one()
        return _order_view(row)

    async def lock_card_order(self, operation_id: uuid.UUID) -> OrderView | None:
        """The card order a deposit was made for, locked (None: the deposit was a plain one)."""
        row = (
            await self.session.execute(
                select(*_ORDER_COLUMNS)
                .join(package, package.c.id == package_order.c.package_id)
                .where(package_order.c.operation_id == operation_id)
                .with_for_update(of=package_order)
            )
        ).one_or_none()
        return None if row is None else _order_view(row)

    async def mark_paid(self, order_id: uuid.UUID, paid_at: datetime) -> None:
        await self.session.execute(
            update(package_order)
            .where(package_order.c.id == order_id)
            .values(status=OrderStatus.paid, paid_at=paid_at, failure_reason=None)
        )

    async def mark_failed(self, order_id: uuid.UUID, reason: str, *, only_pending: bool) -> bool:
        """An order failed; False if ``only_pending`` and it was no longer pending."""
        statement = update(package_order).where(package_order.c.id == order_id)
        if only_pending:
            statement = statement.where(package_order.c.status == OrderStatus.pending)
        result = await self.session.execute(
            statement.values(status=OrderStatus.failed, failure_reason=reason, paid_at=None)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def fail_unpaid_card_orders(self, *, batch: int) -> list[FailedOrder]:
        """Pending card orders whose deposit ended unpaid (declined, expired, canceled) become
        ``failed`` with ``card_payment_<deposit status>``. The deposit flow has no hook for its
        failures, so the packages' job looks; a deposit paid later still pays the order."""
        due = (
            select(package_order.c.id, card_deposit.c.status.label("deposit_status"))
            .join(card_deposit, card_deposit.c.operation_id == package_order.c.operation_id)
            .where(
                package_order.c.status == OrderStatus.pending,
                card_deposit.c.status.in_(["failed", "expired", "canceled"]),
            )
            .order_by(package_order.c.created_at)
            .limit(batch)
            .with_for_update(of=package_order, skip_locked=True)
            .cte("due")
        )
        reason = literal(CARD_UNPAID_PREFIX) + due.c.deposit_status
        rows = await self.session.execute(
            update(package_order)
            .where(package_order.c.id == due.c.id, package_order.c.status == OrderStatus.pending)
            .values(status=OrderStatus.failed, failure_reason=reason)
            .returning(
                package_order.c.id,
                package_order.c.user_id,
                package_order.c.amount_minor,
                package_order.c.failure_reason,
            )
        )
        return [FailedOrder(r.id, r.user_id, int(r.amount_minor), r.failure_reason) for r in rows]

    async def orders(
        self,
        *,
        user_id: uuid.UUID | None,
        status: str | None,
        limit: int,
        offset: int,
    ) -> tuple[list[OrderView], int]:
        conditions = []
        if user_id is not None:
            conditions.append(package_order.c.user_id == user_id)
        if status is not None:
            conditions.append(package_order.c.status == status)
        total = await self.session.scalar(
            select(func.count()).select_from(package_order).where(*conditions)
        )
        rows = await self.session.execute(
            select(*_ORDER_COLUMNS)
            .join(package, package.c.id == package_order.c.package_id)
            .where(*conditions)
            .order_by(package_order.c.created_at.desc(), package_order.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_order_view(r) for r in rows], int(total or 0)

    # --- purchases -----------------------------------------------------------------------------

    async def add_purchase(
        self, bought: Purchase, *, order_id: uuid.UUID, transfer_id: uuid.UUID
    ) -> None:
        await self.session.execute(
            package_purchase.insert().values(
                id=bought.id,
                user_id=bought.user_id,
                package_id=bought.package_id,
                order_id=order_id,
                payment_reference=bought.payment_reference,
                units_total=bought.units_total,
                units_left=bought.units_left,
                paid_at=bought.paid_at,
                expires_at=bought.expires_at,
                transfer_id=transfer_id,
            )
        )

    async def purchase(self, purchase_id: uuid.UUID) -> PurchaseView:
        row = (
            await self.session.execute(
                select(*_PURCHASE_COLUMNS)
                .join(package, package.c.id == package_purchase.c.package_id)
                .where(package_purchase.c.id == purchase_id)
            )
        ).one()
        return _purchase_view(row)

    async def lock_usable(
        self, user_id: uuid.UUID, kind: PackageKind, at: datetime
    ) -> list[PurchaseView]:
        """The user's unexpired purchases of ``kind`` with units left, locked in spending order
        (every usage locks them the same way round, so two usages wait, never deadlock)."""
        rows = await self.session.execute(
            select(*_PURCHASE_COLUMNS)
            .join(package, package.c.id == package_purchase.c.package_id)
            .where(
                package_purchase.c.user_id == user_id,
                package.c.kind == kind.value,
                package_purchase.c.units_left > 0,
                package_purchase.c.expires_at > at,
            )
            .order_by(*_SPENDING_ORDER)
            .with_for_update(of=package_purchase)
        )
        return [_purchase_view(r) for r in rows]

    async def deduct(self, purchase_id: uuid.UUID, units: int) -> None:
        """Take ``units`` from a locked purchase; never below zero (the row is locked and the
        guard makes a bug fail loudly rather than overdraw)."""
        result = await self.session.execute(
            update(package_purchase)
            .where(package_purchase.c.id == purchase_id, package_purchase.c.units_left >= units)
            .values(units_left=package_purchase.c.units_left - units)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise RuntimeError(f"purchase {purchase_id} has fewer than {units} units left")

    async def purchases(
        self,
        *,
        user_id: uuid.UUID | None,
        usable_at: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[PurchaseView], int]:
        """Purchases, earliest expiry first; only the usable ones at ``usable_at`` if given."""
        conditions = []
        if user_id is not None:
            conditions.append(package_purchase.c.user_id == user_id)
        if usable_at is not None:
            conditions += [
                package_purchase.c.units_left > 0,
                package_purchase.c.expires_at > usable_at,
            ]
        total = await self.session.scalar(
            select(func.count()).select_from(package_purchase).where(*conditions)
        )
        rows = await self.session.execute(
            select(*_PURCHASE_COLUMNS)
            .join(package, package.c.id == package_purchase.c.package_id)
            .where(*conditions)
            .order_by(*_SPENDING_ORDER)
            .limit(limit)
            .offset(offset)
        )
        return [_purchase_view(r) for r in rows], int(total or 0)

    # --- usages --------------------------------------------------------------------------------

    async def find_usage(self, user_id: uuid.UUID, usage_id: str) -> Usage | None:
        rows = (
            await self.session.execute(
                select(
                    package_usage.c.units,
                    package_usage_item.c.purchase_id,
                    package_usage_item.c.units.label("taken"),
                )
                .join(package_usage_item, package_usage_item.c.usage_row_id == package_usage.c.id)
                .join(package_purchase, package_purchase.c.id == package_usage_item.c.purchase_id)
                .where(package_usage.c.user_id == user_id, package_usage.c.usage_id == usage_id)
                .order_by(*_SPENDING_ORDER)
            )
        ).all()
        if not rows:
            return None
        deductions = tuple(Deduction(r.purchase_id, int(r.taken)) for r in rows)
        return Usage(usage_id, int(rows[0].units), deductions)

    async def add_usage(self, user_id: uuid.UUID, kind: PackageKind, usage: Usage) -> bool:
        """The usage and its items; False if this (user, usage id) was recorded meanwhile."""
        row_id = await self.session.scalar(
            pg_insert(package_usage)
            .values(
                user_id=user_id,
                usage_id=usage.usage_id,
                package_kind=kind.value,
                units=usage.units,
            )
            .on_conflict_do_nothing(constraint="uq_package_usage_user_usage")
            .returning(package_usage.c.id)
        )
        if row_id is None:
            return False
        await self.session.execute(
            package_usage_item.insert(),
            [
                {"usage_row_id": row_id, "purchase_id": d.purchase_id, "units": d.units}
                for d in usage.deductions
            ],
        )
        return True

    async def give_back(self, user_id: uuid.UUID, usage_id: str, at: datetime) -> int:
        """Reverse a usage once (a free bet voided or cancelled): its units go back to the
        purchases they came from, unless a purchase has expired by ``at`` (those units lapse
        as they would have). The units given back; 0 if reversed before or never recorded."""
        row_id = await self.session.scalar(
            update(package_usage)
            .where(
                package_usage.c.user_id == user_id,
                package_usage.c.usage_id == usage_id,
                package_usage.c.reversed_at.is_(None),
            )
            .values(reversed_at=at)
            .returning(package_usage.c.id)
        )
        if row_id is None:
            return 0
        items = (
            select(package_usage_item.c.purchase_id, package_usage_item.c.units)
            .where(package_usage_item.c.usage_row_id == row_id)
            .subquery()
        )
        given = await self.session.scalars(
            update(package_purchase)
            .where(
                package_purchase.c.id == items.c.purchase_id,
                package_purchase.c.expires_at > at,
                package_purchase.c.lapsed_at.is_(None),
            )
            .values(units_left=package_purchase.c.units_left + items.c.units)
            .returning(items.c.units)
        )
        return sum(int(units) for units in given)

    # --- the jobs ------------------------------------------------------------------------------

    async def lapse_due(self, *, batch: int) -> list[Lapsed]:
        """Write off the units left on expired purchases: each only if its units left are still
        those read, rows another job holds skipped (two replicas never lapse one twice)."""
        due = (
            select(package_purchase.c.id, package_purchase.c.units_left)
            .where(package_purchase.c.expires_at <= func.now(), package_purchase.c.units_left > 0)
            .order_by(package_purchase.c.expires_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
            .cte("due")
        )
        rows = await self.session.execute(
            update(package_purchase)
            .where(
                package_purchase.c.id == due.c.id,
                package_purchase.c.units_left == due.c.units_left,
            )
            .values(
                units_left=0,
                lapsed_units=package_purchase.c.lapsed_units + due.c.units_left,
                lapsed_at=func.now(),
            )
            .returning(
                package_purchase.c.id,
                package_purchase.c.user_id,
                package_purchase.c.package_id,
                due.c.units_left,
                package_purchase.c.expires_at,
            )
        )
        return [
            Lapsed(r.id, r.user_id, r.package_id, int(r.units_left), r.expires_at) for r in rows
        ]

    async def notice_candidates(
        self, at: datetime, warn_before: timedelta, low_units: int, *, batch: int
    ) -> list[PurchaseView]:
        """Unexpired purchases that may be due a notice not sent yet (the domain decides)."""
        sent = select(package_notice.c.purchase_id).where(
            package_notice.c.purchase_id == package_purchase.c.id
        )
        expiring = and_(
            package_purchase.c.units_left > 0,
            package_purchase.c.expires_at <= at + warn_before,
            ~sent.where(package_notice.c.kind == NoticeKind.expiring_soon.value).exists(),
        )
        running_out = and_(
            package_purchase.c.units_left <= low_units,
            package_purchase.c.units_left < package_purchase.c.units_total,
            ~sent.where(package_notice.c.kind == NoticeKind.running_out.value).exists(),
        )
        rows = await self.session.execute(
            select(*_PURCHASE_COLUMNS)
            .join(package, package.c.id == package_purchase.c.package_id)
            .where(package_purchase.c.expires_at > at, expiring | running_out)
            .order_by(package_purchase.c.expires_at)
            .limit(batch)
        )
        return [_purchase_view(r) for r in rows]

    async def add_notice(
        self, purchase_id: uuid.UUID, kind: NoticeKind, user_id: uuid.UUID
    ) -> bool:
        """Record a notice; False if it was sent already (by this job before, or a replica)."""
        inserted = await self.session.scalar(
            pg_insert(package_notice)
            .values(purchase_id=purchase_id, kind=kind.value, user_id=user_id)
            .on_conflict_do_nothing(index_elements=["purchase_id", "kind"])
            .returning(package_notice.c.purchase_id)
        )
        return inserted is not None

    # --- the admin's totals --------------------------------------------------------------------

    async def totals(self) -> Totals:
        """Revenue from the ledger itself (the package_revenue legs of package purchases), and
        units sold, used, lapsed and left over all purchases."""
        revenue = (
            select(
                func.coalesce(
                    func.sum(entry.c.amount_minor).filter(
                        transfer.c.created_at >= func.now() - timedelta(hours=24)
                    ),
                    0,
                ).label("day"),
                func.coalesce(func.sum(entry.c.amount_minor), 0).label("month"),
            )
            .select_from(entry)
            .join(transfer, transfer.c.id == entry.c.transfer_id)
            .join(account, account.c.id == entry.c.account_id)
            .where(
                transfer.c.kind == TransferKind.package_purchase.value,
                account.c.kind == AccountKind.package_revenue.value,
                transfer.c.created_at >= func.now() - timedelta(days=30),
            )
        )
        money = (await self.session.execute(revenue)).one()
        units = (
            await self.session.execute(
                select(
                    func.coalesce(func.sum(package_purchase.c.units_total), 0).label("sold"),
                    func.coalesce(func.sum(package_purchase.c.lapsed_units), 0).label("lapsed"),
                    func.coalesce(func.sum(package_purchase.c.units_left), 0).label("left"),
                )
            )
        ).one()
        by_status = await self.session.execute(
            select(package_order.c.status, func.count()).group_by(package_order.c.status)
        )
        orders = {OrderStatus.pending: 0, OrderStatus.paid: 0, OrderStatus.failed: 0}
        orders.update({str(r[0]): int(r[1]) for r in by_status})
        sold, lapsed, left = int(units.sold), int(units.lapsed), int(units.left)
        return Totals(
            revenue_24h_minor=int(money.day),
            revenue_30d_minor=int(money.month),
            units_sold=sold,
            units_used=sold - lapsed - left,
            units_lapsed=lapsed,
            units_left=left,
            orders=orders,
        )


# A purchase's state as the user sees it (for the views): active, used up, or expired.
def purchase_state(p: PurchaseView, at: datetime) -> str:
    if p.expires_at <= at:
        return "expired"
    return "active" if p.units_left > 0 else "used_up"
