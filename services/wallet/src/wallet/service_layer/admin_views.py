"""What an admin reads about wallets (issue 25, items 5 and 6): the withdrawal methods awaiting
verification, and one user's wallet — flags, holds, card deposits, disputes, the audit trail.

Read-only, each list a page (``limit``/``offset``) with its total; the user's balances, history
and withdrawals come from the same queries the user's own API uses. Each runs plain SQL on the
unit of work the route opened (``uow.db``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, func, select

from wallet.adapters.deposits import DepositView, deposit_view
from wallet.adapters.stripe_tables import card_deposit, card_dispute
from wallet.adapters.tables import audit_log, hold, wallet, withdrawal, withdrawal_method
from wallet.domain.errors import WalletNotFound
from wallet.service_layer import withdrawal_methods
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.withdrawal_methods import MethodView


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int


async def _page(uow: WalletUnitOfWork, statement: Select[Any], *, limit: int, offset: int) -> Page:
    """``statement`` ordered, one page of it, and how many rows it has in all."""
    total = int(
        await uow.db.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        or 0
    )
    rows = list(await uow.db.execute(statement.limit(limit).offset(offset)))
    return Page(rows, total)


# --- withdrawal methods awaiting verification ---------------------------------------------------


async def list_methods(
    uow: WalletUnitOfWork, *, verified: bool, limit: int, offset: int
) -> tuple[list[MethodView], int]:
    """Active methods, verified or not, oldest first (the verification queue's order)."""
    statement = (
        select(*withdrawal_methods.METHOD_COLUMNS)
        .where(withdrawal_method.c.is_active, withdrawal_method.c.is_verified.is_(verified))
        .order_by(withdrawal_method.c.created_at, withdrawal_method.c.id)
    )
    page = await _page(uow, statement, limit=limit, offset=offset)
    return [withdrawal_methods.method_view(r) for r in page.rows], page.total


# --- one user's wallet ------------------------------------------------------------------------


async def check_wallet(uow: WalletUnitOfWork, user_id: uuid.UUID) -> None:
    """404 ``wallet.not_found`` for a user without a wallet."""
    if await uow.db.scalar(select(wallet.c.user_id).where(wallet.c.user_id == user_id)) is None:
        raise WalletNotFound()


async def flags(uow: WalletUnitOfWork, user_id: uuid.UUID) -> dict[str, Any]:
    """What stops or marks the wallet: its block, open disputes, withdrawal flags, closure."""
    row = (await uow.db.execute(select(wallet).where(wallet.c.user_id == user_id))).one_or_none()
    if row is None:
        raise WalletNotFound()
    values = row._mapping
    open_disputes = await _count(
        uow, card_dispute, card_dispute.c.user_id == user_id, card_dispute.c.status == "open"
    )
    flag_rows = await uow.db.execute(
        select(func.jsonb_array_elements_text(withdrawal.c.flags).label("flag"))
        .where(withdrawal.c.user_id == user_id)
        .distinct()
    )
    suspicious = await _count(
        uow, audit_log, audit_log.c.user_id == user_id, audit_log.c.action == "suspicious_activity"
    )
    return {
        "status": values["status"],
        "blocked": values["status"] != "active",
        "blocked_reason": values.get("blocked_reason"),
        "blocked_at": _iso(values.get("blocked_at")),
        "closure_requested_at": _iso(values.get("closure_requested_at")),
        "closure_settled_at": _iso(values.get("closure_settled_at")),
        "open_disputes": open_disputes,
        "account_flagged": open_disputes > 0,
        "withdrawal_flags": sorted(str(r.flag) for r in flag_rows),
        "suspicious_activity_count": suspicious,
    }


async def _count(uow: WalletUnitOfWork, table: Table, *where: ColumnElement[bool]) -> int:
    """How many of ``table``'s rows match ``where``."""
    return int(await uow.db.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


async def holds(uow: WalletUnitOfWork, user_id: uuid.UUID, *, limit: int, offset: int) -> Page:
    """The user's holds (stakes reserved for bets), newest first."""
    return await _page(
        uow,
        select(hold).where(hold.c.user_id == user_id).order_by(hold.c.created_at.desc(), hold.c.id),
        limit=limit,
        offset=offset,
    )


async def deposits(
    uow: WalletUnitOfWork, user_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[DepositView], int]:
    """The user's card deposits, newest first, whatever their status."""
    page = await _page(
        uow,
        select(card_deposit)
        .where(card_deposit.c.user_id == user_id)
        .order_by(card_deposit.c.created_at.desc(), card_deposit.c.operation_id),
        limit=limit,
        offset=offset,
    )
    return [deposit_view(r) for r in page.rows], page.total


async def disputes(uow: WalletUnitOfWork, user_id: uuid.UUID, *, limit: int, offset: int) -> Page:
    return await _page(
        uow,
        select(card_dispute)
        .where(card_dispute.c.user_id == user_id)
        .order_by(card_dispute.c.created_at.desc(), card_dispute.c.dispute_id),
        limit=limit,
        offset=offset,
    )


async def audit_trail(
    uow: WalletUnitOfWork,
    user_id: uuid.UUID,
    *,
    actions: Sequence[str] = (),
    limit: int,
    offset: int,
) -> Page:
    """The wallet's audit rows about the user (or by them as an admin), newest first."""
    conditions: list[ColumnElement[bool]] = [
        (audit_log.c.user_id == user_id) | (audit_log.c.actor_id == user_id)
    ]
    if actions:
        conditions.append(audit_log.c.action.in_(list(actions)))
    return await _page(
        uow,
        select(audit_log).where(*conditions).order_by(audit_log.c.id.desc()),
        limit=limit,
        offset=offset,
    )
