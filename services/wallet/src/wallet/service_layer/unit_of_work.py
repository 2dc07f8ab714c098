"""The wallet's unit of work: one transaction with the wallet's repositories bound to it.

From HTTP it opens its own transaction (``async with WalletUnitOfWork(sessionmaker) as uow``);
from a message it joins the consumer's (``WalletUnitOfWork.for_message(ctx)``), so the inbox
row, the money moved and the replies in the outbox commit together — the consumer commits.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from common.messaging.consumer import BatchContext, MessageContext
from common.messaging.envelope import Envelope
from common.unit_of_work import UnitOfWork
from wallet.adapters.audit import write_audit
from wallet.adapters.holds import Holds
from wallet.adapters.ledger import Ledger
from wallet.adapters.ledger_batch import BatchLedger
from wallet.adapters.tables import SCHEMA
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

    @classmethod
    def for_message(cls, ctx: MessageContext | BatchContext) -> WalletUnitOfWork:
        """Bound to the consumer's open transaction (the consumer commits or rolls back)."""
        uow = cls.__new__(cls)
        uow._after_commit = []
        uow.db = ctx.session
        uow.bind(ctx.session)
        return uow

    async def emit_replies(self, replies: Sequence[tuple[Envelope, BaseModel]]) -> None:
        """Replies to several messages in one outbox INSERT, each on its own message's chain."""
        await BatchContext(self.db, self.schema).emit(replies)
