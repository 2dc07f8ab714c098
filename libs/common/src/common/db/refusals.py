"""What PostgreSQL's refusal of a request's write means to the client, by SQLSTATE.

A unique constraint a user can hit (a sport's name, an email) is the database's answer to a
duplicate, including the one a check-then-insert misses under a race: a 409, not a 500. The
message names no table, constraint or value. A service that knows better raises its own domain
error first (``events.external_event_id_taken``); this is the one mapping for everything else.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from common.errors import Conflict, DomainError

__all__ = ["AlreadyExists", "ReferenceConflict", "ValueRefused", "refusal_for", "sqlstate_of"]


class AlreadyExists(Conflict):
    default_message = "Something with the same unique value already exists."


class ReferenceConflict(Conflict):
    default_message = "The request refers to something that does not exist or is still in use."


class ValueRefused(DomainError):
    status_code = 422
    code = "validation_error"
    default_message = "A value in the request is missing, out of range or not allowed."


def sqlstate_of(exc: BaseException) -> str | None:
    """The SQLSTATE the driver reported (asyncpg's, carried through SQLAlchemy's wrapper)."""
    seen: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str) and state:
            return state
        seen = seen.__cause__
    return None


def refusal_for(exc: DBAPIError) -> DomainError | None:
    """The client's error for a refusal its request caused, or None (a server fault: 500)."""
    state = sqlstate_of(exc) or ""
    if state in ("23505", "23P01"):  # unique, exclusion
        return AlreadyExists()
    if state == "23503":  # foreign key: a dangling reference, or a row still referenced
        return ReferenceConflict()
    if state in ("23502", "23514"):  # not null, check
        return ValueRefused()
    if state.startswith("23"):
        return Conflict()
    # Data exceptions: a value PostgreSQL or the driver cannot take (out of range, a NUL, an
    # unencodable string). Request models bound what they can; this is the net under them.
    if state.startswith("22"):
        return ValueRefused()
    return None
