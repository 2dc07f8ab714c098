"""Posting transfers with set-based SQL inside the caller's transaction.

``Ledger.post(transfer, history)`` writes, in one DB transaction with the caller's other effects:

1. the debit of the user's available balance, if the transfer requires funds, as ONE conditional
   ``UPDATE … WHERE balance_minor + :delta >= 0 RETURNING`` (never read-then-write): if no row
   comes back the transfer is refused (``InsufficientFunds``) before anything is written;
2. the ``transfer`` row, ``ON CONFLICT (kind, reference) DO NOTHING``: a second post of the same
   movement is refused (``TransferAlreadyPosted``) — the DB's own guard against doing it twice;
3. the other user-account updates (available before held: every writer locks a user's rows in
   the same order), each ``UPDATE … RETURNING`` the new balance;
4. all entries in one INSERT (a statement trigger checks they sum to zero);
5. the history row, with ``balance_before``/``balance_after`` of the available balance.

System accounts (house, clearing, withdrawals payable) are sharded by user and their balance
updates are *deferred*: deltas accumulate on the session and are applied at commit, in one
statement, locking the shard rows in id order. So a transaction holds a system row for the few
microseconds of its commit, and two transactions can never deadlock on system rows.
Do not post inside a SAVEPOINT that may roll back (the deferred deltas would stay).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Connection, event, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from common.context import causation_id_var, correlation_id_var
from wallet.adapters.tables import account, balance_transaction, transfer
from wallet.domain.errors import InsufficientFunds, TransferAlreadyPosted, WalletNotFound
from wallet.domain.history import HistoryLine
from wallet.domain.ledger import AccountKind, Transfer, TransferKind

_DELTAS: Final = "wallet.system_deltas"
_HOOKED: Final = "wallet.system_hooked"

# {(kind, shard): account id} per database: created by the migration, never changed.
_system_ids: dict[str, dict[tuple[str, int], int]] = {}


@dataclass(frozen=True)
class Posted:
    transfer_id: uuid.UUID
    available_after_minor: int | None
    history_id: int | None


@dataclass
class _UserRow:
    id: int
    balance_minor: int


class Ledger:
    """The ledger writer for one open transaction (an ``AsyncSession`` inside ``begin()``)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # Available balances this ledger has locked (or updated) in the open transaction: the
        # row is ours until commit, so the value cannot change behind our back.
        self._available: dict[uuid.UUID, int] = {}

    # --- reading inside the transaction ----------------------------------------------------------

    async def lock_available(self, user_id: uuid.UUID) -> int:
        """Lock the user's available row (first, by the lock order) and return its balance."""
        if user_id in self._available:
            return self._available[user_id]
        row = (
            await self.session.execute(
                select(account.c.id, account.c.balance_minor)
                .where(account.c.user_id == user_id, account.c.kind == AccountKind.available)
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            raise WalletNotFound()
        self._available[user_id] = int(row.balance_minor)
        return self._available[user_id]

    async def posted(self, kind: TransferKind, references: Collection[str]) -> set[str]:
        """Which of these transfers of ``kind`` are posted already (their references)."""
        if not references:
            return set()
        found = await self.session.scalars(
            select(transfer.c.reference).where(
                transfer.c.kind == kind.value, transfer.c.reference.in_(list(references))
            )
        )
        return set(found)

    # --- posting ---------------------------------------------------------------------------------

    async def post(self, spec: Transfer, history: HistoryLine | None = None) -> Posted:
        spec.check_balanced()
        rows: dict[AccountKind, _UserRow] = {}
        user_legs = spec.user_legs
        touches_available = any(leg.account.kind is AccountKind.available for leg in user_legs)
        available_before: int | None = None
        if history is not None and not touches_available:
            available_before = await self.lock_available(spec.user_id)

        # 1. the conditional debit, before anything is written
        for leg in user_legs:
            if leg.require_funds:
                rows[leg.account.kind] = await self._apply_user(
                    spec.user_id, leg.account.kind, leg.amount_minor, conditional=True
                )

        # 2. the transfer row: (kind, reference) once
        inserted = await self.session.scalar(
            pg_insert(transfer)
            .values(
                id=spec.id,
                kind=spec.kind.value,
                reference=spec.reference,
                user_id=spec.user_id,
                event_id=_event_id(),
                correlation_id=correlation_id_var.get(),
            )
            .on_conflict_do_nothing(index_elements=["kind", "reference"])
            .returning(transfer.c.id)
        )
        if inserted is None:
            raise TransferAlreadyPosted(f"{spec.kind} {spec.reference} was already posted")

        # 3. the other user rows, available before held
        for leg in user_legs:
            if not leg.require_funds:
                rows[leg.account.kind] = await self._apply_user(
                    spec.user_id, leg.account.kind, leg.amount_minor, conditional=False
                )

        # 4. entries (+ 5. the history row) in one statement; system balances deferred to commit
        system_ids = await self._system_ids()
        deltas = _deferred_deltas(self.session)
        account_ids: list[int] = []
        for leg in spec.legs:
            if leg.account.kind.is_user:
                account_ids.append(rows[leg.account.kind].id)
            else:
                assert leg.account.shard is not None
                account_id = system_ids[(leg.account.kind.value, leg.account.shard)]
                deltas[account_id] = deltas.get(account_id, 0) + leg.amount_minor
                account_ids.append(account_id)
        entries = {
            "transfer_id": spec.id,
            "accounts": account_ids,
            "amounts": [leg.amount_minor for leg in spec.legs],
        }

        available_after: int | None = None
        if AccountKind.available in rows:
            available_after = rows[AccountKind.available].balance_minor
            available_before = available_after - spec.delta(AccountKind.available)
        elif available_before is not None:
            available_after = available_before
        history_id = None
        if history is None:
            await self.session.execute(_INSERT_ENTRIES, entries)
        else:
            assert available_before is not None
            assert available_after is not None
            if available_after - available_before != history.amount_minor:
                raise ValueError(
                    f"history amount {history.amount_minor} is not the available change "
                    f"{available_after - available_before}"
                )
            history_id = await self.session.scalar(
                _INSERT_ENTRIES_AND_HISTORY,
                {
                    **entries,
                    "user_id": spec.user_id,
                    "type": history.type.value,
                    "amount": history.amount_minor,
                    "before": available_before,
                    "after": available_before + history.amount_minor,
                    "status": history.status.value,
                    "description": history.description,
                    "reference": history.reference,
                    "metadata": json.dumps(history.metadata),
                },
            )
        return Posted(spec.id, available_after, history_id)

    async def write_history(
        self,
        user_id: uuid.UUID,
        line: HistoryLine,
        balance_before_minor: int,
        *,
        transfer_id: uuid.UUID | None,
    ) -> int:
        history_id = await self.session.scalar(
            insert(balance_transaction)
            .values(
                user_id=user_id,
                type=line.type.value,
                amount_minor=line.amount_minor,
                balance_before_minor=balance_before_minor,
                balance_after_minor=balance_before_minor + line.amount_minor,
                status=line.status.value,
                description=line.description,
                reference=line.reference,
                transfer_id=transfer_id,
                metadata=line.metadata,
            )
            .returning(balance_transaction.c.id)
        )
        assert history_id is not None
        return int(history_id)

    async def _apply_user(
        self, user_id: uuid.UUID, kind: AccountKind, delta: int, *, conditional: bool
    ) -> _UserRow:
        statement = (
            update(account)
            .where(account.c.user_id == user_id, account.c.kind == kind.value)
            .values(balance_minor=account.c.balance_minor + delta, updated_at=text("now()"))
            .returning(account.c.id, account.c.balance_minor)
        )
        if conditional:
            statement = statement.where(account.c.balance_minor + delta >= 0)
        row = (await self.session.execute(statement)).one_or_none()
        if row is not None:
            if kind is AccountKind.available:
                self._available[user_id] = int(row.balance_minor)
            return _UserRow(int(row.id), int(row.balance_minor))
        if conditional and await self._has_account(user_id, kind):
            raise InsufficientFunds()
        raise WalletNotFound()

    async def _has_account(self, user_id: uuid.UUID, kind: AccountKind) -> bool:
        found = await self.session.scalar(
            select(account.c.id).where(account.c.user_id == user_id, account.c.kind == kind.value)
        )
        return found is not None

    async def _system_ids(self) -> dict[tuple[str, int], int]:
        return await system_account_ids(self.session)


async def system_account_ids(session: AsyncSession) -> dict[tuple[str, int], int]:
    """{(kind, shard): account id}, read once per database (the rows never change)."""
    bind = session.get_bind()
    key = str(bind.engine.url)
    ids = _system_ids.get(key)
    if ids is None:
        result = await session.execute(
            select(account.c.kind, account.c.shard, account.c.id).where(
                account.c.shard.is_not(None)
            )
        )
        ids = {(r.kind, int(r.shard)): int(r.id) for r in result}
        _system_ids[key] = ids
    return ids


def defer_system_delta(session: AsyncSession, account_id: int, delta_minor: int) -> None:
    """Add to a system account's balance at commit (see the module docstring)."""
    deltas = _deferred_deltas(session)
    deltas[account_id] = deltas.get(account_id, 0) + delta_minor


def _event_id() -> uuid.UUID | None:
    causation = causation_id_var.get()
    try:
        return uuid.UUID(causation) if causation else None
    except ValueError:
        return None


# --- deferred system-account balances ------------------------------------------------------------


def _deferred_deltas(session: AsyncSession) -> dict[int, int]:
    info = session.info
    deltas: dict[int, int] | None = info.get(_DELTAS)
    if deltas is None:
        deltas = info[_DELTAS] = {}
    if not info.get(_HOOKED):
        sync = session.sync_session
        event.listen(sync, "before_commit", _apply_deferred)
        event.listen(sync, "after_transaction_end", _forget_deferred)
        info[_HOOKED] = True
    return deltas


_ENTRIES_SQL = """
    INSERT INTO wallet.entry (transfer_id, account_id, amount_minor)
    SELECT CAST(:transfer_id AS uuid), v.account_id, v.amount_minor
    FROM unnest(CAST(:accounts AS bigint[]), CAST(:amounts AS bigint[]))
         AS v(account_id, amount_minor)
"""
_INSERT_ENTRIES = text(_ENTRIES_SQL)
# A data-modifying WITH runs exactly once, read or not: entries and history in one round trip.
_INSERT_ENTRIES_AND_HISTORY = text(
    f"""
    WITH new_entries AS ({_ENTRIES_SQL} RETURNING 1)
    INSERT INTO wallet.balance_transaction
        (user_id, type, amount_minor, balance_before_minor, balance_after_minor, status,
         description, reference, transfer_id, metadata)
    VALUES (CAST(:user_id AS uuid), :type, :amount, :before, :after, :status, :description,
            :reference, CAST(:transfer_id AS uuid), CAST(:metadata AS jsonb))
    RETURNING id
    """  # noqa: S608 - built from this module's constant, no input
)
# FOR NO KEY UPDATE, not FOR UPDATE: every entry INSERT holds FOR KEY SHARE on its account row
# (the foreign key) until commit, and FOR UPDATE conflicts with that — two transactions that
# both wrote entries on a shard deadlocked at commit. NO KEY UPDATE (the mode the balance
# UPDATE takes anyway) ignores key-share locks and still queues committers one at a time.
_LOCK_SYSTEM = text(
    "SELECT id FROM wallet.account WHERE id = ANY(CAST(:ids AS bigint[])) ORDER BY id"
    " FOR NO KEY UPDATE"
)
_APPLY_SYSTEM = text(
    """
    UPDATE wallet.account AS a
    SET balance_minor = a.balance_minor + v.delta, updated_at = now()
    FROM unnest(CAST(:ids AS bigint[]), CAST(:deltas AS bigint[])) AS v(id, delta)
    WHERE a.id = v.id
    """
)


def _apply_deferred(session: Session) -> None:
    """``before_commit``: apply the accumulated system deltas, rows locked in id order."""
    deltas: dict[int, int] | None = session.info.pop(_DELTAS, None)
    if not deltas:
        return
    ids = sorted(i for i, d in deltas.items() if d != 0)
    if not ids:
        return
    params: dict[str, Any] = {"ids": ids, "deltas": [deltas[i] for i in ids]}
    connection: Connection = session.connection()
    connection.execute(_LOCK_SYSTEM, {"ids": ids})
    connection.execute(_APPLY_SYSTEM, params)


def _forget_deferred(session: Session, transaction: SessionTransaction) -> None:
    """A rolled-back transaction's deltas must not leak into the session's next one."""
    if transaction.parent is None:
        session.info.pop(_DELTAS, None)
