"""Run a small action once the session's transaction has committed; drop it on rollback.

For what must only count what really happened — Prometheus counters of money moved and saga
outcomes: a handler registers ``on_commit(session, action)`` where it changes something, and the
action runs right after the commit of the transaction it was registered in, whoever commits it
(the consumer's batch, a unit of work, ``sessionmaker.begin()``). A batch that rolls back (and
is retried message by message), a duplicate that changes nothing, an HTTP request that fails:
nothing runs. Actions are synchronous and cheap (no I/O); one that raises is logged and skipped.
Register outside a SAVEPOINT that may roll back (its actions would stay with the outer one).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from common.logging import get_logger

log = get_logger(__name__)

_ACTIONS: Final = "common.on_commit"
_HOOKED: Final = "common.on_commit_hooked"

Action = Callable[[], None]


def on_commit(session: AsyncSession | Session, action: Action) -> None:
    """Run ``action`` after the open transaction of ``session`` commits (never if it rolls back)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    if not sync.info.get(_HOOKED):
        event.listen(sync, "after_commit", _run)
        event.listen(sync, "after_transaction_end", _forget)
        sync.info[_HOOKED] = True
    sync.info.setdefault(_ACTIONS, []).append(action)


def _run(session: Session) -> None:
    actions: list[Action] = session.info.pop(_ACTIONS, [])
    for action in actions:
        try:
            action()
        except Exception as exc:  # the transaction is durable; a counter is best effort
            log.exception("commit_hooks.action_failed", error=repr(exc))


def _forget(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit: its actions must not leak into the
    session's next one (after a commit, ``_run`` has taken them already)."""
    if transaction.parent is None:
        session.info.pop(_ACTIONS, None)
