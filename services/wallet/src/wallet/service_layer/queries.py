"""Read side: balance, history with statistics, admin finance stats. Set-based, a few queries
per call whatever the number of rows.

Each runs plain SQL on the unit of work the route opened (``uow.db``): cosmicpython's views.
``get_balance`` alone takes the connection itself: the user's ``GET /balance`` (the hottest
read) runs it on an autocommit connection, without a unit of work's BEGIN/ROLLBACK.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wallet.domain.errors import WalletNotFound
from wallet.domain.stats import BetTotals, Streaks, streaks
from wallet.service_layer.unit_of_work import WalletUnitOfWork

# --- balance -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceView:
    user_id: uuid.UUID
    currency: str
    status: str
    available_minor: int
    held_minor: int
    pending_withdrawals_minor: int
    pending_deposits_minor: int
    total_deposited_minor: int
    total_withdrawn_minor: int
    last_transaction_at: datetime | None
    created_at: datetime
    totals: BetTotals

    @property
    def current_minor(self) -> int:
        """What the user owns in the wallet, stakes in open bets included."""
        return self.available_minor + self.held_minor

    @property
    def debt_minor(self) -> int:
        return max(0, -self.available_minor)


# ``BetTotals``' columns over wallet.bet rows: the balance, the history's statistics and a
# report's summary count wins, losses and amounts the same way. A free bet (issue 22) staked
# none of the user's money and paid only its winnings: it counts in wins and losses, adds no
# stake, and its winnings (payout minus stake) are what it won (as bets' statistics count it).
_RETURNED = "CASE WHEN free_bet THEN greatest(payout_minor - stake_minor, 0) ELSE payout_minor END"
BET_TOTALS_COLUMNS = f"""
               count(*) FILTER (WHERE status = 'won') AS wins,
               count(*) FILTER (WHERE status = 'lost') AS losses,
               count(*) FILTER (WHERE status IN ('won', 'lost') AND NOT free_bet) AS staked_bets,
               COALESCE(sum(stake_minor) FILTER (WHERE status IN ('won', 'lost') AND NOT free_bet),
                        0) AS total_bet,
               COALESCE(sum({_RETURNED}) FILTER (WHERE status = 'won'), 0) AS total_won,
               COALESCE(sum(stake_minor) FILTER (WHERE status = 'lost' AND NOT free_bet), 0)
                 AS total_lost,
               COALESCE(max({_RETURNED}) FILTER (WHERE status = 'won'), 0) AS biggest_win,
               COALESCE(max(stake_minor) FILTER (WHERE status = 'lost' AND NOT free_bet), 0)
                 AS biggest_loss"""

_BET_TOTALS = (
    "SELECT"
    + BET_TOTALS_COLUMNS
    + """
        FROM wallet.bet
        WHERE user_id = :user_id {period}
"""
)


_BALANCE_SQL = """
    WITH w AS (
        SELECT w.user_id, w.currency, w.status, w.created_at,
               max(a.balance_minor) FILTER (WHERE a.kind = 'available') AS available_minor,
               max(a.balance_minor) FILTER (WHERE a.kind = 'held') AS held_minor
        FROM wallet.wallet w JOIN wallet.account a ON a.user_id = w.user_id
        WHERE w.user_id = :user_id
        GROUP BY w.user_id
    ), h AS (
        SELECT
          COALESCE(sum(amount_minor) FILTER (WHERE type = 'deposit' AND status = 'completed'), 0)
            AS deposited,
          COALESCE(-sum(amount_minor)
                   FILTER (WHERE type = 'withdrawal' AND status = 'completed'), 0) AS withdrawn,
          COALESCE(-sum(amount_minor) FILTER (WHERE type = 'withdrawal' AND status = 'pending'), 0)
            AS pending_withdrawals,
          max(created_at) AS last_at
        FROM wallet.balance_transaction WHERE user_id = :user_id
    ), d AS (
        -- Card payments the user has submitted and the bank has not decided yet (3-D Secure
        -- challenge, processing); an intent nobody paid is not money on its way.
        SELECT COALESCE(sum(amount_minor), 0) AS pending_deposits
        FROM wallet.card_deposit
        WHERE user_id = :user_id AND status = 'pending'
          AND stripe_status IN ('processing', 'requires_action')
    )
    SELECT w.*, h.*, d.*, b.*
    FROM w CROSS JOIN h CROSS JOIN d CROSS JOIN ({bet_totals}) b
"""

_BALANCE = text(_BALANCE_SQL.format(bet_totals=_BET_TOTALS.format(period="")))


def _totals(row: Any) -> BetTotals:
    return BetTotals(
        wins=int(row.wins),
        losses=int(row.losses),
        staked_bets=int(row.staked_bets),
        total_bet_minor=int(row.total_bet),
        total_won_minor=int(row.total_won),
        total_lost_minor=int(row.total_lost),
        biggest_win_minor=int(row.biggest_win),
        biggest_loss_minor=int(row.biggest_loss),
    )


async def get_balance(db: AsyncSession | AsyncConnection, user_id: uuid.UUID) -> BalanceView:
    """One statement, one round trip (an autocommit connection needs no transaction for it)."""
    row = (await db.execute(_BALANCE, {"user_id": user_id})).one_or_none()
    if row is None:
        raise WalletNotFound()
    return BalanceView(
        user_id=row.user_id,
        currency=row.currency,
        status=row.status,
        available_minor=int(row.available_minor),
        held_minor=int(row.held_minor),
        pending_withdrawals_minor=int(row.pending_withdrawals),
        pending_deposits_minor=int(row.pending_deposits),
        total_deposited_minor=int(row.deposited),
        total_withdrawn_minor=int(row.withdrawn),
        last_transaction_at=row.last_at,
        created_at=row.created_at,
        totals=_totals(row),
    )


# --- history -------------------------------------------------------------------------------

BET_STATUSES = ("open", "won", "lost", "void", "cancelled")
# The seed's names: "resolved" = settled (won, lost or void).
BET_STATUS_ALIASES = {"resolved": ("won", "lost", "void"), "settled": ("won", "lost", "void")}
TRANSACTION_STATUSES = ("completed", "pending", "failed", "cancelled", "rejected")
RESULTS = ("win", "loss", "void")


@dataclass(frozen=True)
class HistoryFilters:
    type: str | None = None  # transaction type
    status: str | None = None  # a bet status, a transaction status, or both ("cancelled")
    result: str | None = None  # win | loss | void (bets)
    date_from: date | None = None
    date_to: date | None = None  # inclusive

    @property
    def bet_statuses(self) -> tuple[str, ...] | None:
        if self.status is None:
            return None
        if self.status in BET_STATUS_ALIASES:
            return BET_STATUS_ALIASES[self.status]
        return (self.status,) if self.status in BET_STATUSES else ()

    @property
    def transaction_statuses(self) -> tuple[str, ...] | None:
        if self.status is None:
            return None
        return (self.status,) if self.status in TRANSACTION_STATUSES else ()

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        start = datetime.combine(self.date_from, time(0), tzinfo=UTC) if self.date_from else None
        end = (
            datetime.combine(self.date_to + timedelta(days=1), time(0), tzinfo=UTC)
            if self.date_to
            else None
        )
        return start, end


@dataclass
class HistoryPage:
    bets: list[dict[str, Any]]
    transactions: list[dict[str, Any]]
    total_bets: int
    total_transactions: int
    transactions_in_minor: int
    transactions_out_minor: int
    totals: BetTotals
    streaks: Streaks
    open_bets: int
    open_stakes_minor: int
    filters: HistoryFilters = field(default_factory=HistoryFilters)


def _bet_conditions(filters: HistoryFilters, params: dict[str, Any]) -> str:
    parts = []
    statuses = filters.bet_statuses
    if statuses is not None:
        parts.append("status = ANY(:bet_statuses)")
        params["bet_statuses"] = list(statuses)
    if filters.result is not None:
        parts.append("result = :result")
        params["result"] = filters.result
    return _and(parts + _in_period(filters, params, BET_TIME))


def _period_conditions(filters: HistoryFilters, params: dict[str, Any]) -> str:
    return _and(_in_period(filters, params, BET_TIME))


def _transaction_conditions(filters: HistoryFilters, params: dict[str, Any]) -> str:
    parts = []
    if filters.type is not None:
        parts.append("type = :type")
        params["type"] = filters.type
    statuses = filters.transaction_statuses
    if statuses is not None:
        parts.append("status = ANY(:tx_statuses)")
        params["tx_statuses"] = list(statuses)
    return _and(parts + _in_period(filters, params, "created_at"))


BET_TIME = "COALESCE(placed_at, created_at)"  # a bet's row dates from its placement


def _in_period(filters: HistoryFilters, params: dict[str, Any], column: str) -> list[str]:
    """``column`` within the filters' dates (``:start`` inclusive, ``:end`` exclusive)."""
    start, end = filters.bounds()
    parts = []
    if start is not None:
        parts.append(f"{column} >= :start")
        params["start"] = start
    if end is not None:
        parts.append(f"{column} < :end")
        params["end"] = end
    return parts


def _and(parts: list[str]) -> str:
    return "".join(f" AND {p}" for p in parts)


async def get_history(
    uow: WalletUnitOfWork,
    user_id: uuid.UUID,
    filters: HistoryFilters,
    *,
    limit: int,
    offset: int,
) -> HistoryPage:
    session = uow.db
    params: dict[str, Any] = {"user_id": user_id, "limit": limit, "offset": offset}
    bet_where = _bet_conditions(filters, params)
    tx_where = _transaction_conditions(filters, params)
    period = _period_conditions(filters, params)
    bets = [
        dict(r._mapping)
        for r in await session.execute(
            text(
                "SELECT bet_id, bet_type, stake_minor, currency, coefficient, potential_win_minor,"  # noqa: S608
                " status, result, payout_minor, legs, placed_at, settled_at, cancel_reason"
                f" FROM wallet.bet WHERE user_id = :user_id{bet_where}"
                " ORDER BY COALESCE(placed_at, created_at) DESC, bet_id"
                " LIMIT :limit OFFSET :offset"
            ),
            params,
        )
    ]
    transactions = [
        dict(r._mapping)
        for r in await session.execute(
            text(
                "SELECT id, type, amount_minor, balance_before_minor, balance_after_minor, status,"  # noqa: S608
                " description, reference, metadata, created_at, updated_at"
                f" FROM wallet.balance_transaction WHERE user_id = :user_id{tx_where}"
                " ORDER BY id DESC LIMIT :limit OFFSET :offset"
            ),
            params,
        )
    ]
    summary = (
        await session.execute(
            text(
                "SELECT"  # noqa: S608 - only fixed fragments with bound parameters
                f" (SELECT count(*) FROM wallet.bet WHERE user_id = :user_id{bet_where}) AS n_bets,"
                " t.n_tx, t.tx_in, t.tx_out, o.open_bets, o.open_stakes, s.*"
                " FROM (SELECT count(*) AS n_tx,"
                "   COALESCE(sum(amount_minor) FILTER (WHERE amount_minor > 0), 0) AS tx_in,"
                "   COALESCE(-sum(amount_minor) FILTER (WHERE amount_minor < 0), 0) AS tx_out"
                f"   FROM wallet.balance_transaction WHERE user_id = :user_id{tx_where}) t"
                " CROSS JOIN (SELECT count(*) AS open_bets,"
                "   COALESCE(sum(stake_minor), 0) AS open_stakes"
                f"   FROM wallet.bet WHERE user_id = :user_id AND status = 'open'{period}) o"
                f" CROSS JOIN ({_BET_TOTALS.format(period=period)}) s"
            ),
            params,
        )
    ).one()
    results = list(
        await session.scalars(
            text(
                "SELECT status FROM wallet.bet WHERE user_id = :user_id"  # noqa: S608
                f" AND status IN ('won', 'lost'){period}"
                " ORDER BY settled_at, bet_id"
            ),
            params,
        )
    )
    return HistoryPage(
        bets=bets,
        transactions=transactions,
        total_bets=int(summary.n_bets),
        total_transactions=int(summary.n_tx),
        transactions_in_minor=int(summary.tx_in),
        transactions_out_minor=int(summary.tx_out),
        totals=_totals(summary),
        streaks=streaks(results),
        open_bets=int(summary.open_bets),
        open_stakes_minor=int(summary.open_stakes),
        filters=filters,
    )


# --- admin ---------------------------------------------------------------------------------

_ADMIN_STATS = text(
    """
    SELECT
      (SELECT count(*) FROM wallet.wallet) AS wallets,
      (SELECT count(*) FROM wallet.wallet WHERE status = 'blocked') AS blocked_wallets,
      (SELECT count(*) FROM wallet.wallet WHERE created_at > now() - interval '7 days')
        AS new_wallets_7d,
      (SELECT count(DISTINCT user_id) FROM wallet.balance_transaction
        WHERE created_at > now() - interval '30 days') AS active_users_30d,
      (SELECT COALESCE(sum(balance_minor), 0) FROM wallet.account WHERE kind = 'available')
        AS users_available,
      (SELECT COALESCE(sum(balance_minor), 0) FROM wallet.account WHERE kind = 'held')
        AS users_held,
      (SELECT COALESCE(sum(balance_minor), 0) FROM wallet.account WHERE kind = 'house') AS house,
      (SELECT COALESCE(sum(balance_minor), 0) FROM wallet.account WHERE kind = 'clearing')
        AS clearing,
      (SELECT COALESCE(sum(balance_minor), 0) FROM wallet.account
        WHERE kind = 'withdrawals_payable') AS payable,
      d.*, w.*, b.*
    FROM (SELECT count(*) AS deposits, COALESCE(sum(amount_minor), 0) AS deposited
          FROM wallet.balance_transaction WHERE type = 'deposit' AND status = 'completed') d
    CROSS JOIN (SELECT
          count(*) FILTER (WHERE status = 'pending') AS w_pending,
          COALESCE(sum(amount_minor) FILTER (WHERE status = 'pending'), 0) AS w_pending_minor,
          count(*) FILTER (WHERE status = 'completed') AS w_completed,
          COALESCE(sum(amount_minor) FILTER (WHERE status = 'completed'), 0) AS w_completed_minor,
          count(*) FILTER (WHERE status = 'rejected') AS w_rejected,
          count(*) FILTER (WHERE status = 'cancelled') AS w_cancelled
          FROM wallet.withdrawal) w
    CROSS JOIN (SELECT
          count(*) FILTER (WHERE status = 'open') AS open_bets,
          COALESCE(sum(stake_minor) FILTER (WHERE status = 'open'), 0) AS open_stakes,
          count(*) FILTER (WHERE status IN ('won', 'lost', 'void')) AS settled_bets,
          COALESCE(sum(stake_minor) FILTER (WHERE status IN ('won', 'lost')), 0) AS staked,
          COALESCE(sum(payout_minor) FILTER (WHERE status = 'won'), 0) AS paid_out,
          count(DISTINCT user_id) AS bettors
          FROM wallet.bet) b
    """
)

_IN_DEBT = text(
    """
    SELECT user_id, balance_minor FROM wallet.account
    WHERE kind = 'available' AND balance_minor < 0
    ORDER BY balance_minor, user_id LIMIT :limit
    """
)
_IN_DEBT_COUNT = text(
    "SELECT count(*) FROM wallet.account WHERE kind = 'available' AND balance_minor < 0"
)

_SUSPICIOUS = text(
    """
    SELECT user_id, count(DISTINCT id) AS occurrences, max(created_at) AS last_at,
           array_agg(DISTINCT flag ORDER BY flag) AS flags
    FROM wallet.audit_log, jsonb_array_elements_text(details -> 'flags') AS flag
    WHERE action = 'suspicious_activity' AND created_at > now() - interval '30 days'
    GROUP BY user_id
    UNION ALL
    SELECT user_id, count(*) AS occurrences, max(created_at) AS last_at,
           ARRAY['repeated_failed_withdrawals'] AS flags
    FROM wallet.audit_log
    WHERE action = 'withdrawal_failed' AND created_at > now() - interval '24 hours'
    GROUP BY user_id HAVING count(*) >= :failed_threshold
    ORDER BY last_at DESC
    LIMIT :limit
    """
)


async def admin_stats(
    uow: WalletUnitOfWork, *, failed_threshold: int, limit: int = 50
) -> dict[str, Any]:
    session = uow.db
    row = (await session.execute(_ADMIN_STATS)).one()
    in_debt = [
        {"user_id": r.user_id, "available_minor": int(r.balance_minor)}
        for r in await session.execute(_IN_DEBT, {"limit": limit})
    ]
    in_debt_count = int(await session.scalar(_IN_DEBT_COUNT) or 0)
    suspicious: dict[uuid.UUID, dict[str, Any]] = {}
    for r in await session.execute(
        _SUSPICIOUS, {"failed_threshold": failed_threshold, "limit": limit}
    ):
        entry = suspicious.setdefault(
            r.user_id,
            {"user_id": r.user_id, "occurrences": 0, "last_at": r.last_at, "flags": []},
        )
        entry["occurrences"] += int(r.occurrences)
        entry["last_at"] = max(entry["last_at"], r.last_at)
        entry["flags"] = sorted(set(entry["flags"]) | set(r.flags))
    return {
        "row": row,
        "in_debt": in_debt,
        "in_debt_count": in_debt_count,
        "suspicious": sorted(suspicious.values(), key=lambda e: e["last_at"], reverse=True),
    }
