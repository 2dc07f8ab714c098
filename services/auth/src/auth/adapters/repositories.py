"""Repositories over the `auth` tables: one query each, inside the caller's session."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Row, Table, and_, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from auth.adapters import tables as t
from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.codes import CodeAttempts
from auth.domain.model import (
    IssuedCode,
    OAuthProvider,
    Role,
    Session,
    SigningKey,
    User,
    UserStatus,
)
from auth.domain.responsible_gambling import Restriction, RestrictionKind

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


Model = TypeVar("Model", bound="DataclassInstance")


def _model(cls: type[Model], row: Row[Any], **converted: Any) -> Model:
    """``cls`` from the row's columns of the same names; ``converted`` gives the fields whose
    column needs a conversion (an enum, a JSON map copied)."""
    m = row._mapping
    return cls(**{f.name: m[f.name] for f in fields(cls) if f.name not in converted}, **converted)


def _user(row: Row[Any]) -> User:
    m = row._mapping
    return _model(
        User,
        row,
        role=Role(m["role"]),
        status=UserStatus(m["status"]),
        preferences=dict(m["preferences"] or {}),
    )


def _session(row: Row[Any]) -> Session:
    return _model(Session, row)


def _code(row: Row[Any]) -> IssuedCode:
    return _model(IssuedCode, row)


def _signing_key(row: Row[Any]) -> SigningKey:
    return _model(SigningKey, row, public_jwk=dict(row._mapping["public_jwk"]))


class UserRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        query = select(t.user).where(t.user.c.id == user_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.db.execute(query)).first()
        return _user(row) if row else None

    async def by_email(self, email: str, *, for_update: bool = False) -> User | None:
        query = select(t.user).where(t.user.c.email == email)
        if for_update:
            query = query.with_for_update()
        row = (await self.db.execute(query)).first()
        return _user(row) if row else None

    async def add(
        self,
        *,
        user_id: uuid.UUID,
        email: str,
        name: str,
        password_hash: str | None,
        role: Role = Role.user,
        email_verified_at: datetime | None = None,
        partner_id: str | None = None,
        click_id: str | None = None,
        telegram_id: int | None = None,
        now: datetime,
    ) -> User | None:
        """Insert; None when the email is already taken."""
        statement = (
            pg_insert(t.user)
            .values(
                id=user_id,
                email=email,
                name=name,
                password_hash=password_hash,
                role=role.value,
                email_verified_at=email_verified_at,
                partner_id=partner_id,
                click_id=click_id,
                telegram_id=telegram_id,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["email"])
            .returning(*t.user.c)
        )
        row = (await self.db.execute(statement)).first()
        return _user(row) if row else None

    async def change(self, user_id: uuid.UUID, *, now: datetime, **values: Any) -> User:
        statement = (
            update(t.user)
            .where(t.user.c.id == user_id)
            .values(**values, updated_at=now)
            .returning(*t.user.c)
        )
        return _user((await self.db.execute(statement)).one())

    async def telegram_id_taken(self, telegram_id: int, *, by_other_than: uuid.UUID) -> bool:
        found = await self.db.scalar(
            select(t.user.c.id).where(
                t.user.c.telegram_id == telegram_id, t.user.c.id != by_other_than
            )
        )
        return found is not None

    async def search(
        self,
        *,
        query: str | None,
        role: Role | None,
        status: UserStatus | None,
        limit: int,
        offset: int,
    ) -> tuple[list[User], int]:
        conditions = []
        if query:
            pattern = (
                "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            )
            conditions.append(or_(t.user.c.email.ilike(pattern), t.user.c.name.ilike(pattern)))
        if role is not None:
            conditions.append(t.user.c.role == role.value)
        if status is not None:
            conditions.append(t.user.c.status == status.value)
        where = and_(*conditions) if conditions else text("true")
        total = await self.db.scalar(select(func.count()).select_from(t.user).where(where))
        rows = (
            await self.db.execute(
                select(t.user)
                .where(where)
                .order_by(t.user.c.created_at.desc(), t.user.c.id)
                .limit(limit)
                .offset(offset)
            )
        ).all()
        return [_user(r) for r in rows], int(total or 0)

    async def any_admin(self) -> bool:
        found = await self.db.scalar(
            select(t.user.c.id).where(t.user.c.role == Role.admin.value).limit(1)
        )
        return found is not None


class SessionRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(
        self,
        *,
        session_id: uuid.UUID,
        user_id: uuid.UUID,
        expires_at: datetime,
        remember_me: bool,
        origin: RequestOrigin,
        now: datetime,
    ) -> Session:
        row = (
            await self.db.execute(
                insert(t.session)
                .values(
                    id=session_id,
                    user_id=user_id,
                    created_at=now,
                    last_used_at=now,
                    expires_at=expires_at,
                    remember_me=remember_me,
                    ip=origin.ip,
                    user_agent=origin.user_agent,
                )
                .returning(*t.session.c)
            )
        ).one()
        return _session(row)

    async def get(self, session_id: uuid.UUID, *, for_update: bool = False) -> Session | None:
        query = select(t.session).where(t.session.c.id == session_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.db.execute(query)).first()
        return _session(row) if row else None

    async def active_for_user(self, user_id: uuid.UUID, *, now: datetime) -> list[Session]:
        rows = (
            await self.db.execute(
                select(t.session)
                .where(
                    t.session.c.user_id == user_id,
                    t.session.c.revoked_at.is_(None),
                    t.session.c.expires_at > now,
                )
                .order_by(t.session.c.created_at.desc())
            )
        ).all()
        return [_session(r) for r in rows]

    async def touch(self, session_id: uuid.UUID, *, now: datetime) -> None:
        await self.db.execute(
            update(t.session).where(t.session.c.id == session_id).values(last_used_at=now)
        )

    async def revoke(
        self,
        *,
        user_id: uuid.UUID,
        reason: str,
        now: datetime,
        session_ids: Sequence[uuid.UUID] | None = None,
        except_session: uuid.UUID | None = None,
    ) -> list[Session]:
        """End the user's live sessions (all, these, or all but one); returns those ended now."""
        conditions = [
            t.session.c.user_id == user_id,
            t.session.c.revoked_at.is_(None),
            t.session.c.expires_at > now,
        ]
        if session_ids is not None:
            conditions.append(t.session.c.id.in_(list(session_ids)))
        if except_session is not None:
            conditions.append(t.session.c.id != except_session)
        rows = (
            await self.db.execute(
                update(t.session)
                .where(*conditions)
                .values(revoked_at=now, revoke_reason=reason)
                .returning(*t.session.c)
            )
        ).all()
        return [_session(r) for r in rows]

    async def delete_expired(self, *, before: datetime) -> int:
        result = await self.db.execute(delete(t.session).where(t.session.c.expires_at < before))
        return int(getattr(result, "rowcount", 0) or 0)

    async def revoked_since(self, since: datetime) -> list[Session]:
        rows = (
            await self.db.execute(select(t.session).where(t.session.c.revoked_at > since))
        ).all()
        return [_session(r) for r in rows]


class RefreshTokenRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(self, *, session_id: uuid.UUID, token_hash: bytes, now: datetime) -> None:
        await self.db.execute(
            insert(t.refresh_token).values(
                id=uuid.uuid4(), session_id=session_id, token_hash=token_hash, created_at=now
            )
        )

    async def find(self, token_hash: bytes) -> tuple[uuid.UUID, uuid.UUID, datetime | None] | None:
        """(token id, session id, used_at) for a token hash."""
        row = (
            await self.db.execute(
                select(
                    t.refresh_token.c.id, t.refresh_token.c.session_id, t.refresh_token.c.used_at
                ).where(t.refresh_token.c.token_hash == token_hash)
            )
        ).first()
        return (row.id, row.session_id, row.used_at) if row else None

    async def use(self, token_id: uuid.UUID, *, now: datetime) -> bool:
        """Mark used; False if someone used it first (a concurrent or replayed refresh)."""
        row = (
            await self.db.execute(
                update(t.refresh_token)
                .where(t.refresh_token.c.id == token_id, t.refresh_token.c.used_at.is_(None))
                .values(used_at=now)
                .returning(t.refresh_token.c.id)
            )
        ).first()
        return row is not None


@dataclass(frozen=True)
class ProviderLink:
    """A provider account linked to one of ours, and whether our account was verified then."""

    id: uuid.UUID
    user_id: uuid.UUID
    user_verified: bool


class AccountRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def find(self, provider: OAuthProvider, account_id: str) -> ProviderLink | None:
        c = t.account.c
        row = (
            await self.db.execute(
                select(c.id, c.user_id, c.user_verified).where(
                    c.provider == provider.value, c.provider_account_id == account_id
                )
            )
        ).first()
        return ProviderLink(row.id, row.user_id, row.user_verified) if row else None

    async def link(
        self,
        *,
        user_id: uuid.UUID,
        provider: OAuthProvider,
        account_id: str,
        email: str | None,
        user_verified: bool,
        provider_email_verified: bool,
        now: datetime,
    ) -> bool:
        row = (
            await self.db.execute(
                pg_insert(t.account)
                .values(
                    id=uuid.uuid4(),
                    user_id=user_id,
                    provider=provider.value,
                    provider_account_id=account_id,
                    email=email,
                    user_verified=user_verified,
                    provider_email_verified=provider_email_verified,
                    created_at=now,
                )
                .on_conflict_do_nothing()
                .returning(t.account.c.id)
            )
        ).first()
        return row is not None

    async def unlink_made_unverified(self, user_id: uuid.UUID) -> list[tuple[str, str]]:
        """Delete the user's links made while its email was unverified: (provider, account id)."""
        c = t.account.c
        rows = await self.db.execute(
            delete(t.account)
            .where(c.user_id == user_id, c.user_verified.is_(False))
            .returning(c.provider, c.provider_account_id)
        )
        return [(row.provider, row.provider_account_id) for row in rows]

    async def unlink_all(self, user_id: uuid.UUID) -> int:
        """Delete every provider link of the user (account closure); how many there were."""
        rows = await self.db.execute(
            delete(t.account).where(t.account.c.user_id == user_id).returning(t.account.c.id)
        )
        return len(rows.all())

    async def providers_of(self, user_id: uuid.UUID) -> list[str]:
        rows = await self.db.scalars(
            select(t.account.c.provider)
            .where(t.account.c.user_id == user_id)
            .order_by(t.account.c.provider)
        )
        return list(rows)


class CodeRepository:
    """Emailed codes of one kind (``verification`` or ``password_reset``)."""

    def __init__(self, db: AsyncSession, table: Table) -> None:
        self.db = db
        self.table = table

    async def issue(
        self, *, user_id: uuid.UUID, code_hash: bytes, expires_at: datetime, now: datetime
    ) -> None:
        """A new code replaces any earlier one still open (only the latest email counts)."""
        c = self.table.c
        await self.db.execute(
            update(self.table).where(c.user_id == user_id, c.used_at.is_(None)).values(used_at=now)
        )
        await self.db.execute(
            insert(self.table).values(
                id=uuid.uuid4(),
                user_id=user_id,
                code_hash=code_hash,
                expires_at=expires_at,
                created_at=now,
            )
        )

    async def latest(self, user_id: uuid.UUID, *, for_update: bool = False) -> IssuedCode | None:
        c = self.table.c
        query = (
            select(self.table)
            .where(c.user_id == user_id)
            .order_by(c.created_at.desc(), c.id)
            .limit(1)
        )
        if for_update:
            query = query.with_for_update()
        row = (await self.db.execute(query)).first()
        return _code(row) if row else None

    async def count_attempt(self, code_id: uuid.UUID) -> None:
        await self.db.execute(
            update(self.table)
            .where(self.table.c.id == code_id)
            .values(attempts=self.table.c.attempts + 1)
        )

    async def mark_used(self, code_id: uuid.UUID, *, now: datetime) -> None:
        await self.db.execute(
            update(self.table).where(self.table.c.id == code_id).values(used_at=now)
        )

    async def delete_stale(self, *, before: datetime) -> None:
        await self.db.execute(delete(self.table).where(self.table.c.expires_at < before))


class CodeAttemptRepository:
    """Wrong emailed codes per address (``subject``: its keyed hash), across codes and purposes."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    @staticmethod
    def _attempts(row: Row[Any]) -> CodeAttempts:
        m = row._mapping
        return CodeAttempts(
            failures=m["failures"],
            window_started_at=m["window_started_at"],
            locked_until=m["locked_until"],
        )

    async def lock(self, subject: bytes, *, now: datetime) -> CodeAttempts:
        """The address's counter (created empty if new), locked until the transaction ends:
        concurrent code checks for one address are judged one after the other."""
        c = t.code_attempt.c
        await self.db.execute(
            pg_insert(t.code_attempt)
            .values(subject=subject, failures=0, window_started_at=now)
            .on_conflict_do_nothing(index_elements=["subject"])
        )
        row = (
            await self.db.execute(
                select(t.code_attempt).where(c.subject == subject).with_for_update()
            )
        ).one()
        return self._attempts(row)

    async def get(self, subject: bytes) -> CodeAttempts | None:
        row = (
            await self.db.execute(select(t.code_attempt).where(t.code_attempt.c.subject == subject))
        ).first()
        return self._attempts(row) if row else None

    async def save(self, subject: bytes, attempts: CodeAttempts) -> None:
        await self.db.execute(
            update(t.code_attempt)
            .where(t.code_attempt.c.subject == subject)
            .values(
                failures=attempts.failures,
                window_started_at=attempts.window_started_at,
                locked_until=attempts.locked_until,
            )
        )

    async def clear(self, subject: bytes) -> None:
        """A right code: the owner reads the mailbox; the count starts again."""
        await self.db.execute(delete(t.code_attempt).where(t.code_attempt.c.subject == subject))

    async def delete_over(self, *, before: datetime) -> None:
        """Counters whose window and pause both ended before ``before``."""
        c = t.code_attempt.c
        await self.db.execute(
            delete(t.code_attempt).where(
                c.window_started_at < before, or_(c.locked_until.is_(None), c.locked_until < before)
            )
        )


class RecoveryCodeRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def replace(self, *, user_id: uuid.UUID, code_hashes: list[bytes], now: datetime) -> None:
        await self.db.execute(delete(t.recovery_code).where(t.recovery_code.c.user_id == user_id))
        if code_hashes:
            await self.db.execute(
                insert(t.recovery_code),
                [
                    {"id": uuid.uuid4(), "user_id": user_id, "code_hash": h, "created_at": now}
                    for h in code_hashes
                ],
            )

    async def use(self, *, user_id: uuid.UUID, code_hash: bytes, now: datetime) -> bool:
        """Spend a code once: True if it existed unused."""
        row = (
            await self.db.execute(
                update(t.recovery_code)
                .where(
                    t.recovery_code.c.user_id == user_id,
                    t.recovery_code.c.code_hash == code_hash,
                    t.recovery_code.c.used_at.is_(None),
                )
                .values(used_at=now)
                .returning(t.recovery_code.c.id)
            )
        ).first()
        return row is not None

    async def remaining(self, user_id: uuid.UUID) -> int:
        count = await self.db.scalar(
            select(func.count())
            .select_from(t.recovery_code)
            .where(t.recovery_code.c.user_id == user_id, t.recovery_code.c.used_at.is_(None))
        )
        return int(count or 0)

    async def delete_all(self, user_id: uuid.UUID) -> None:
        await self.db.execute(delete(t.recovery_code).where(t.recovery_code.c.user_id == user_id))


class SigningKeyRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def lock(self) -> None:
        """Serialise key creation and rotation across replicas for this transaction."""
        await self.db.execute(text("SELECT pg_advisory_xact_lock(hashtext('auth.signing_key'))"))

    async def active(self) -> SigningKey | None:
        row = (
            await self.db.execute(select(t.signing_key).where(t.signing_key.c.retired_at.is_(None)))
        ).first()
        return _signing_key(row) if row else None

    async def published(self, *, retired_after: datetime) -> list[SigningKey]:
        """The active key and those retired after ``retired_after``, newest first."""
        rows = (
            await self.db.execute(
                select(t.signing_key)
                .where(
                    or_(
                        t.signing_key.c.retired_at.is_(None),
                        t.signing_key.c.retired_at > retired_after,
                    )
                )
                .order_by(t.signing_key.c.created_at.desc())
            )
        ).all()
        return [_signing_key(r) for r in rows]

    async def retire_active(self, *, now: datetime) -> None:
        await self.db.execute(
            update(t.signing_key).where(t.signing_key.c.retired_at.is_(None)).values(retired_at=now)
        )

    async def add(self, key: SigningKey) -> None:
        await self.db.execute(
            insert(t.signing_key).values(
                kid=key.kid,
                alg=key.alg,
                private_key=key.private_key,
                public_jwk=key.public_jwk,
                created_at=key.created_at,
                retired_at=key.retired_at,
            )
        )


class AuditRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def record(
        self,
        action: AuditAction,
        *,
        user_id: uuid.UUID | None,
        origin: RequestOrigin,
        now: datetime,
        **details: Any,
    ) -> None:
        origin = origin.trimmed()
        await self.db.execute(
            insert(t.audit_event).values(
                user_id=user_id,
                action=action.value,
                ip=origin.ip,
                user_agent=origin.user_agent,
                details=details,
                created_at=now,
            )
        )

    async def for_user(self, user_id: uuid.UUID, *, limit: int) -> list[dict[str, Any]]:
        rows = (
            await self.db.execute(
                select(t.audit_event)
                .where(t.audit_event.c.user_id == user_id)
                .order_by(t.audit_event.c.created_at.desc(), t.audit_event.c.id.desc())
                .limit(limit)
            )
        ).all()
        return [dict(r._mapping) for r in rows]


class RestrictionRepository:
    """Time-outs and self-exclusions: appended, never changed."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def add(
        self, user_id: uuid.UUID, *, kind: RestrictionKind, until: datetime, now: datetime
    ) -> Restriction:
        row = (
            await self.db.execute(
                insert(t.restriction)
                .values(user_id=user_id, kind=kind.value, until=until, created_at=now)
                .returning(t.restriction)
            )
        ).one()
        return _restriction(row)

    async def latest(self, user_id: uuid.UUID) -> Restriction | None:
        """The one ending last (in force if it has not ended)."""
        row = (
            await self.db.execute(
                select(t.restriction)
                .where(t.restriction.c.user_id == user_id)
                .order_by(t.restriction.c.until.desc())
                .limit(1)
            )
        ).first()
        return _restriction(row) if row else None

    async def history(self, user_id: uuid.UUID) -> list[Restriction]:
        """Every request taken, newest first."""
        rows = await self.db.execute(
            select(t.restriction)
            .where(t.restriction.c.user_id == user_id)
            .order_by(t.restriction.c.created_at.desc(), t.restriction.c.id.desc())
        )
        return [_restriction(r) for r in rows]


def _restriction(row: Row[Any]) -> Restriction:
    return _model(Restriction, row, kind=RestrictionKind(row._mapping["kind"]))
