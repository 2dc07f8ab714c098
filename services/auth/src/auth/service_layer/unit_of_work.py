"""auth's unit of work: one transaction with the auth repositories bound to it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from auth.adapters import tables
from auth.adapters.repositories import (
    AccountRepository,
    AuditRepository,
    CodeAttemptRepository,
    CodeRepository,
    RecoveryCodeRepository,
    RefreshTokenRepository,
    RestrictionRepository,
    SessionRepository,
    SigningKeyRepository,
    UserRepository,
)
from auth.domain.codes import CodePurpose
from common.unit_of_work import AfterCommit
from common.unit_of_work import UnitOfWork as BaseUnitOfWork

__all__ = ["AfterCommit", "UnitOfWork", "UnitOfWorkFactory"]


class UnitOfWork(BaseUnitOfWork):
    schema = "auth"

    def bind(self, db: AsyncSession) -> None:
        self.users = UserRepository(db)
        self.sessions = SessionRepository(db)
        self.refresh_tokens = RefreshTokenRepository(db)
        self.accounts = AccountRepository(db)
        self.verifications = CodeRepository(db, tables.verification)
        self.password_resets = CodeRepository(db, tables.password_reset)
        self.code_attempts = CodeAttemptRepository(db)
        self.recovery_codes = RecoveryCodeRepository(db)
        self.signing_keys = SigningKeyRepository(db)
        self.audit = AuditRepository(db)
        self.restrictions = RestrictionRepository(db)

    def codes(self, purpose: CodePurpose) -> CodeRepository:
        """The emailed codes of one flow (each flow has its own table)."""
        return self.verifications if purpose is CodePurpose.verify_email else self.password_resets


UnitOfWorkFactory = Callable[[], UnitOfWork]
