"""The wallet's unit of work: one transaction with the wallet's repositories bound to it.

From HTTP it opens its own transaction (``async with WalletUnitOfWork(sessionmaker) as uow``,
the route commits); from a message it joins the consumer's (``WalletUnitOfWork.for_message(ctx)``),
so the inbox row, the money moved and the replies in the outbox commit together — the consumer
commits. A job or a seeding script that owns its transaction joins it the same way
(``WalletUnitOfWork.joining(session)``).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from common.commit_hooks import on_commit
from common.unit_of_work import UnitOfWork
from wallet.adapters.audit import write_audit
from wallet.adapters.closures import Closures
from wallet.adapters.deposits import CardDeposits, StripeEvents
from wallet.adapters.holds import Holds
from wallet.adapters.ledger import Ledger
from wallet.adapters.ledger_batch import BatchLedger
from wallet.adapters.packages import Packages
from wallet.adapters.payment_methods import PaymentMethods
from wallet.adapters.responsible_gambling import ResponsibleGambling
from wallet.adapters.subscriptions import Subscriptions
from wallet.adapters.tables import SCHEMA
from wallet.adapters.wallets import Wallets
from wallet.adapters.withdrawal_methods import WithdrawalMethods
from wallet.adapters.withdrawals import Withdrawals
from wallet.domain.audit import AuditEntry


class AuditLog:
    """The audit rows of this transaction, written in one INSERT."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *entries: AuditEntry) -> None:
        await write_audit(self.session, *entries)


class WalletUnitOfWork(UnitOfWork):
    schema = SCHEMA

    def bind(self, db: AsyncSession) -> None:
        self.ledger = Ledger(db)
        self.batch_ledger = BatchLedger(db)
        self.holds = Holds(db)
        self.audit = AuditLog(db)
        self.wallets = Wallets(db)
        self.deposits = CardDeposits(db)
        self.stripe_events = StripeEvents(db)
        self.payment_methods = PaymentMethods(db)
        self.withdrawals = Withdrawals(db)
        self.withdrawal_methods = WithdrawalMethods(db)
        self.closures = Closures(db)
        self.subscriptions = Subscriptions(db)
        self.packages = Packages(db)
        self.responsible_gambling = ResponsibleGambling(db)

    def on_commit(self, action: Callable[[], None]) -> None:
        """Run a cheap synchronous action (a counter) once this transaction commits, whoever
        commits it — the route, or the consumer for a message (``common.commit_hooks``)."""
        on_commit(self.db, action)
