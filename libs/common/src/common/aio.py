"""Small asyncio facts the long-running loops share."""

from __future__ import annotations

import asyncio


def being_cancelled() -> bool:
    """Whether this task itself was asked to stop, as opposed to a future cancelled under it.

    aiormq and asyncpg cancel the pending futures of a connection that closes; the
    ``CancelledError`` that reaches a loop is then a lost connection to recover from, not a
    request to stop. Only ``Task.cancel()`` on this task raises its ``cancelling()`` count.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
