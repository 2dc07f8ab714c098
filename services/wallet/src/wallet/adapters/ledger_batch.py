"""Posting many transfers at once: decided in memory on locked balances, written by the set.

``BatchLedger`` is ``Ledger`` for a batch of saga messages. ``lock_users`` locks every user
account the batch may touch with ONE ``SELECT … ORDER BY id FOR UPDATE`` (the lock order every
batch shares, so parallel batches cannot deadlock). ``post`` then applies a transfer to those
locked balances in memory, with the same rules as ``Ledger.post``, in message order: a debit that
would take available below zero is refused (``InsufficientFunds``) before anything is recorded,
a second ``(kind, reference)`` is refused (``TransferAlreadyPosted``), and each history line gets
the running ``balance_before``/``after`` of its user. ``flush`` writes everything in five
statements: the transfers (``ON CONFLICT (kind, reference) DO NOTHING``, a conflict rolls the
batch back), all entries, all history lines, ONE balance UPDATE for every user account touched
(guarded by the balance it was locked at), and the system-account deltas, deferred to commit as
``Ledger`` does.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.ledger import defer_system_delta, system_account_ids
from wallet.adapters.tables import account
from wallet.domain.errors import InsufficientFunds, TransferAlreadyPosted, WalletNotFound
from wallet.domain.history import HistoryLine
from wallet.domain.ledger import USER_ACCOUNT_KINDS, AccountKind, Transfer


class BalanceChangedUnderneath(Exception):
    """A locked balance was not what this batch read: never expected, so roll back loudly."""


@dataclass
class _Account:
    id: int
    locked_minor: int  # the balance when locked
    balance_minor: int  # after the postings so far


@dataclass(frozen=True)
class _Posting:
    spec: Transfer
    event_id: uuid.UUID | None
    correlation_id: str | None


@dataclass
class BatchLedger:
    session: AsyncSession
    _accounts: dict[tuple[uuid.UUID, AccountKind], _Account] = field(default_factory=dict)
    _system: dict[tuple[str, int], int] = field(default_factory=dict)
    _postings: list[_Posting] = field(default_factory=list)
    _references: set[tuple[str, str]] = field(default_factory=set)
    _entries: list[tuple[uuid.UUID, int, int]] = field(default_factory=list)
    _history: list[dict[str, object]] = field(default_factory=list)

    async def lock_users(self, user_ids: Collection[uuid.UUID]) -> None:
        """Lock the users' available and held rows, all in account id order, one statement."""
        self._system = await system_account_ids(self.session)
        if not user_ids:
            return
        rows = await self.session.execute(
            select(account.c.id, account.c.user_id, account.c.kind, account.c.balance_minor)
            .where(
                account.c.user_id.in_(sorted(user_ids)),
                account.c.kind.in_(sorted(k.value for k in USER_ACCOUNT_KINDS)),
            )
            .order_by(account.c.id)
            .with_for_update()
        )
        for row in rows:
            balance = int(row.balance_minor)
            self._accounts[(row.user_id, AccountKind(row.kind))] = _Account(
                int(row.id), balance, balance
            )

    def available(self, user_id: uuid.UUID) -> int:
        """The user's available balance after this batch's postings so far."""
        return self._account(user_id, AccountKind.available).balance_minor

    def post(
        self,
        spec: Transfer,
        history: HistoryLine | None = None,
        *,
        event_id: uuid.UUID | None,
        correlation_id: str | None,
    ) -> None:
        """Apply one transfer to the locked balances (the rules of ``Ledger.post``)."""
        spec.check_balanced()
        touched = {leg.account.kind for leg in spec.user_legs}
        before = None
        if history is not None:
            before = self.available(spec.user_id)
        for leg in spec.user_legs:  # the conditional debit, before anything is recorded
            row = self._account(spec.user_id, leg.account.kind)
            if leg.require_funds and row.balance_minor + leg.amount_minor < 0:
                raise InsufficientFunds()
        key = (spec.kind.value, spec.reference)
        if key in self._references:
            raise TransferAlreadyPosted(f"{spec.kind} {spec.reference} was already posted")
        if history is not None:
            change = spec.delta(AccountKind.available) if AccountKind.available in touched else 0
            if change != history.amount_minor:
                raise ValueError(
                    f"history amount {history.amount_minor} is not the available change {change}"
                )
        self._references.add(key)
        self._postings.append(_Posting(spec, event_id, correlation_id))
        for leg in spec.legs:
            if leg.account.kind.is_user:
                row = self._account(spec.user_id, leg.account.kind)
                row.balance_minor += leg.amount_minor
                account_id = row.id
            else:
                assert leg.account.shard is not None
                account_id = self._system[(leg.account.kind.value, leg.account.shard)]
                defer_system_delta(self.session, account_id, leg.amount_minor)
            self._entries.append((spec.id, account_id, leg.amount_minor))
        if history is not None:
            assert before is not None
            self._history.append(
                {
                    "user_id": spec.user_id,
                    "type": history.type.value,
                    "amount": history.amount_minor,
                    "before": before,
                    "after": before + history.amount_minor,
                    "status": history.status.value,
                    "description": history.description,
                    "reference": history.reference,
                    "transfer_id": spec.id,
                    "metadata": json.dumps(history.metadata),
                }
            )

    async def flush(self) -> None:
        """Write what was posted: transfers, entries, history, one balance UPDATE."""
        if not self._postings:
            return
        await self._insert_transfers()
        await self.session.execute(
            _INSERT_ENTRIES,
            {
                "transfers": [e[0] for e in self._entries],
                "accounts": [e[1] for e in self._entries],
                "amounts": [e[2] for e in self._entries],
            },
        )
        if self._history:
            await self.session.execute(
                _INSERT_HISTORY, {k: [h[k] for h in self._history] for k in _HISTORY_KEYS}
            )
        await self._update_balances()
        self._postings, self._entries, self._history = [], [], []

    async def _insert_transfers(self) -> None:
        inserted = await self.session.scalars(
            _INSERT_TRANSFERS,
            {
                "ids": [p.spec.id for p in self._postings],
                "kinds": [p.spec.kind.value for p in self._postings],
                "references": [p.spec.reference for p in self._postings],
                "users": [p.spec.user_id for p in self._postings],
                "events": [p.event_id for p in self._postings],
                "correlations": [p.correlation_id for p in self._postings],
            },
        )
        if len(list(inserted)) != len(self._postings):
            raise TransferAlreadyPosted("a transfer of this batch was posted elsewhere meanwhile")

    async def _update_balances(self) -> None:
        changed = sorted(
            (a for a in self._accounts.values() if a.balance_minor != a.locked_minor),
            key=lambda a: a.id,
        )
        if not changed:
            return
        result = await self.session.execute(
            _UPDATE_BALANCES,
            {
                "ids": [a.id for a in changed],
                "before": [a.locked_minor for a in changed],
                "after": [a.balance_minor for a in changed],
            },
        )
        if len(result.all()) != len(changed):
            raise BalanceChangedUnderneath("a locked balance moved under the batch")
        for a in changed:
            a.locked_minor = a.balance_minor

    def _account(self, user_id: uuid.UUID, kind: AccountKind) -> _Account:
        found = self._accounts.get((user_id, kind))
        if found is None:
            raise WalletNotFound()
        return found


_INSERT_TRANSFERS = text(
    """
    INSERT INTO wallet.transfer (id, kind, reference, user_id, event_id, correlation_id)
    SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:kinds AS text[]),
                         CAST(:references AS text[]), CAST(:users AS uuid[]),
                         CAST(:events AS uuid[]), CAST(:correlations AS text[]))
    ON CONFLICT (kind, reference) DO NOTHING
    RETURNING id
    """
)
_INSERT_ENTRIES = text(
    """
    INSERT INTO wallet.entry (transfer_id, account_id, amount_minor)
    SELECT * FROM unnest(CAST(:transfers AS uuid[]), CAST(:accounts AS bigint[]),
                         CAST(:amounts AS bigint[]))
    """
)
_HISTORY_KEYS = (
    "user_id",
    "type",
    "amount",
    "before",
    "after",
    "status",
    "description",
    "reference",
    "transfer_id",
    "metadata",
)
# WITH ORDINALITY … ORDER BY: the ids follow the batch's order, as one-at-a-time would number them.
_INSERT_HISTORY = text(
    """
    INSERT INTO wallet.balance_transaction
        (user_id, type, amount_minor, balance_before_minor, balance_after_minor, status,
         description, reference, transfer_id, metadata)
    SELECT v.user_id, v.type, v.amount, v.before, v.after, v.status, v.description,
           v.reference, v.transfer_id, CAST(v.metadata AS jsonb)
    FROM unnest(CAST(:user_id AS uuid[]), CAST(:type AS text[]), CAST(:amount AS bigint[]),
                CAST(:before AS bigint[]), CAST(:after AS bigint[]), CAST(:status AS text[]),
                CAST(:description AS text[]), CAST(:reference AS text[]),
                CAST(:transfer_id AS uuid[]), CAST(:metadata AS text[]))
         WITH ORDINALITY AS v(user_id, type, amount, before, after, status, description,
                              reference, transfer_id, metadata, n)
    ORDER BY v.n
    """
)
_UPDATE_BALANCES = text(
    """
    UPDATE wallet.account AS a
    SET balance_minor = v.after, updated_at = now()
    FROM unnest(CAST(:ids AS bigint[]), CAST(:before AS bigint[]), CAST(:after AS bigint[]))
         AS v(id, before, after)
    WHERE a.id = v.id AND a.balance_minor = v.before
    RETURNING a.id
    """
)
