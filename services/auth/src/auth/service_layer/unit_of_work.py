"""One unit of work = one database transaction, with the repositories bound to it.

Work that must only happen once the transaction is durable (sending an email, writing the
Redis deny-list) is registered with ``after_commit`` and run by ``commit``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auth.adapters import tables
from auth.adapters.repositories import (
    AccountRepository,
    AuditRepository,
    CodeRepository,
    RecoveryCodeRepository,
    RefreshTokenRepository,
    SessionRepository,
    SigningKeyRepository,
    UserRepository,
)
from common.logging import get_logger
from common.messaging.outbox import add_to_outbox

log = get_logger(__name__)

AfterCommit = Callable[[], Awaitable[None]]


class UnitOfWork:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._after_commit: list[AfterCommit] = []

    async def __aenter__(self) -> Self:
        self.db = self._sessionmaker()  # begins a transaction on first use
        self.users = UserRepository(self.db)
        self.sessions = SessionRepository(self.db)
        self.refresh_tokens = RefreshTokenRepository(self.db)
        self.accounts = AccountRepository(self.db)
        self.verifications = CodeRepository(self.db, tables.verification)
        self.password_resets = CodeRepository(self.db, tables.password_reset)
        self.recovery_codes = RecoveryCodeRepository(self.db)
        self.signing_keys = SigningKeyRepository(self.db)
        self.audit = AuditRepository(self.db)
        self._after_commit = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.db.in_transaction():
                await self.db.rollback()
        finally:
            await self.db.close()

    async def emit(self, *messages: BaseModel) -> None:
        """Queue messages in the outbox, inside this transaction."""
        await add_to_outbox(self.db, "auth", *messages)

    def after_commit(self, action: AfterCommit) -> None:
        self._after_commit.append(action)

    async def commit(self) -> None:
        await self.db.commit()
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                await action()
            except Exception as exc:  # the change is durable; a side effect is best effort
                log.exception("auth.after_commit_failed", error=repr(exc))

    async def rollback(self) -> None:
        self._after_commit = []
        await self.db.rollback()


UnitOfWorkFactory = Callable[[], UnitOfWork]
