"""One error shape: ``{"error": {"code", "message", "details"}}``.

Domain code raises ``DomainError`` subclasses named ``<Noun><Problem>`` with a stable code
(``bet.stake_below_minimum``); the HTTP edge maps them to the status they declare.
Pure Python: domain modules may import this.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "error"
    status_code: ClassVar[int] = 400
    default_message: ClassVar[str] = "The request cannot be processed."
    # Response headers the error implies (e.g. ``WWW-Authenticate`` on a 401, ``Retry-After``).
    headers: ClassVar[dict[str, str]] = {}

    def __init__(self, message: str | None = None, *, details: Any = None) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)


class NotFound(DomainError):
    code = "not_found"
    status_code = 404
    default_message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_message = "The request conflicts with the current state."


class Forbidden(DomainError):
    code = "forbidden"
    status_code = 403
    default_message = "Forbidden."


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


class EarlierMessagePending(Exception):
    """A message that arrived before the one it builds on (a correction before its settlement,
    a settlement before its hold): nothing is wrong with it, it is early.

    The consumer retries it like any failure, but does not dead-letter it after
    ``max_attempts`` while it is younger than ``wait_for_earlier_s`` (an hour by default): the
    earlier message may be held for long by a paused or dying replica, and the bounded retries
    alone (about ten seconds) would dead-letter a correction the platform owes (found by the
    chaos run, issue 21).
    """


class PoisonMessage(Exception):
    """A message no retry can make acceptable (e.g. a settlement that would pay more than the
    bet can win): the consumer dead-letters it at once, as ``dead_letter_reason``, unretried.

    Raise it only for a verdict about the message itself; a missing precondition that a later
    message may bring (an early settlement, an unknown hold) must stay an ordinary exception,
    so it is retried.
    """

    dead_letter_reason: ClassVar[str] = "poison"
