"""Reconciliation: recompute every balance from the entries and report any drift.

Checks, in one REPEATABLE READ snapshot (consistent while traffic goes on):
- each account's ``balance_minor`` equals the sum of its entries;
- the sum over all accounts is zero (and so is the sum of all entries);
- every transfer's entries sum to zero, and every transfer has entries;
- each user's held balance equals the sum of their pending holds (a free bet's hold holds no
  money: its stake is a package's unit);
- each user's history rows add up to the available balance, and the newest row ends on it;
- no held balance is negative.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass(frozen=True)
class AccountDrift:
    account_id: int
    kind: str
    user_id: uuid.UUID | None
    shard: int | None
    balance_minor: int
    entries_minor: int


@dataclass
class ReconciliationReport:
    accounts_checked: int = 0
    transfers_checked: int = 0
    total_balance_minor: int = 0
    total_entries_minor: int = 0
    drift: list[AccountDrift] = field(default_factory=list)
    unbalanced_transfers: list[uuid.UUID] = field(default_factory=list)
    empty_transfers: list[uuid.UUID] = field(default_factory=list)
    hold_mismatches: list[dict[str, Any]] = field(default_factory=list)
    history_mismatches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.drift
            and self.total_balance_minor == 0
            and self.total_entries_minor == 0
            and not self.unbalanced_transfers
            and not self.empty_transfers
            and not self.hold_mismatches
            and not self.history_mismatches
        )

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data


_DRIFT = text(
    """
    SELECT a.id, a.kind, a.user_id, a.shard, a.balance_minor,
           COALESCE(e.total, 0) AS entries_minor
    FROM wallet.account a
    LEFT JOIN (SELECT account_id, sum(amount_minor) AS total FROM wallet.entry
               GROUP BY account_id) e ON e.account_id = a.id
    WHERE a.balance_minor <> COALESCE(e.total, 0)
    ORDER BY a.id
    """
)
_TOTALS = text(
    """
    SELECT (SELECT count(*) FROM wallet.account) AS accounts,
           (SELECT COALESCE(sum(balance_minor), 0) FROM wallet.account) AS balances,
           (SELECT COALESCE(sum(amount_minor), 0) FROM wallet.entry) AS entries,
           (SELECT count(*) FROM wallet.transfer) AS transfers
    """
)
_UNBALANCED = text(
    """
    SELECT transfer_id FROM wallet.entry GROUP BY transfer_id HAVING sum(amount_minor) <> 0
    """
)
_EMPTY = text(
    """
    SELECT t.id FROM wallet.transfer t
    WHERE NOT EXISTS (SELECT 1 FROM wallet.entry e WHERE e.transfer_id = t.id)
    """
)
_HOLDS = text(
    """
    SELECT a.user_id, a.balance_minor AS held_minor, COALESCE(h.total, 0) AS pending_minor
    FROM wallet.account a
    LEFT JOIN (SELECT user_id, sum(amount_minor) AS total FROM wallet.hold
               WHERE status = 'pending' AND NOT free_bet GROUP BY user_id) h
        ON h.user_id = a.user_id
    WHERE a.kind = 'held' AND a.balance_minor <> COALESCE(h.total, 0)
    """
)
_HISTORY = text(
    """
    SELECT a.user_id, a.balance_minor AS available_minor,
           COALESCE(s.total, 0) AS history_minor, s.last_after
    FROM wallet.account a
    LEFT JOIN (
        SELECT user_id, sum(amount_minor) AS total,
               (array_agg(balance_after_minor ORDER BY id DESC))[1] AS last_after
        FROM wallet.balance_transaction GROUP BY user_id
    ) s ON s.user_id = a.user_id
    WHERE a.kind = 'available'
      AND (a.balance_minor <> COALESCE(s.total, 0)
           OR (s.last_after IS NOT NULL AND s.last_after <> a.balance_minor))
    """
)


async def reconcile(engine: AsyncEngine) -> ReconciliationReport:
    report = ReconciliationReport()
    async with engine.connect() as conn:
        await conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        totals = (await conn.execute(_TOTALS)).one()
        report.accounts_checked = int(totals.accounts)
        report.transfers_checked = int(totals.transfers)
        report.total_balance_minor = int(totals.balances)
        report.total_entries_minor = int(totals.entries)
        report.drift = [
            AccountDrift(
                account_id=int(r.id),
                kind=r.kind,
                user_id=r.user_id,
                shard=r.shard,
                balance_minor=int(r.balance_minor),
                entries_minor=int(r.entries_minor),
            )
            for r in await conn.execute(_DRIFT)
        ]
        report.unbalanced_transfers = list((await conn.scalars(_UNBALANCED)).all())
        report.empty_transfers = list((await conn.scalars(_EMPTY)).all())
        report.hold_mismatches = [
            {
                "user_id": str(r.user_id),
                "held_minor": int(r.held_minor),
                "pending_holds_minor": int(r.pending_minor),
            }
            for r in await conn.execute(_HOLDS)
        ]
        report.history_mismatches = [
            {
                "user_id": str(r.user_id),
                "available_minor": int(r.available_minor),
                "history_sum_minor": int(r.history_minor),
                "last_balance_after_minor": None if r.last_after is None else int(r.last_after),
            }
            for r in await conn.execute(_HISTORY)
        ]
        await conn.rollback()
    return report
