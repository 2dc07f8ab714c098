"""A local load balancer: a TCP round-robin proxy in front of several backends (the gateways).

Each new client connection goes to the next backend in turn; a backend that refuses the
connection (its process is gone: kill -9 leaves a closed port) is skipped for the next one, so
a dead gateway costs its open connections, never a new one. A backend that refused is left out
of the turns for ``recheck_s`` (then tried again: a restarted process takes its share back), so
the live ones share the load evenly. Only when every backend refuses is the client's
connection cut. Built on ``FaultyProxy``'s machinery (the piping, ``drop()``,
``stop()``), so the balancer can misbehave on demand too.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter

from tests.chaos.proxy import FaultyProxy

CONNECT_TIMEOUT_S = 2.0


class RoundRobinProxy(FaultyProxy):
    def __init__(
        self, name: str, backends: list[tuple[str, int]] | None = None, recheck_s: float = 1.0
    ) -> None:
        super().__init__(name, "127.0.0.1", 0)
        self.backends: list[tuple[str, int]] = list(backends or [])
        self.recheck_s = recheck_s
        self._turn = itertools.count()
        self._down_until: dict[tuple[str, int], float] = {}
        # Per backend (host, port): connections handed to it, connects it refused.
        self.served: Counter[tuple[str, int]] = Counter()
        self.refused: Counter[tuple[str, int]] = Counter()
        self.unplaced = 0  # client connections no backend took

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """The next live backend in turn that accepts a connection, else each of the others
        once, those that refused lately last (None: every one refused, the client unplaced)."""
        if not self.backends:
            self.unplaced += 1
            return None
        now = time.monotonic()

        def down(backend: tuple[str, int]) -> bool:
            return self._down_until.get(backend, 0.0) > now

        up = [b for b in self.backends if not down(b)] or self.backends
        at = self.backends.index(up[next(self._turn) % len(up)])
        count = len(self.backends)
        order = [self.backends[(at + i) % count] for i in range(count)]
        order.sort(key=down)  # stable: the turn's pick first, the known-down last
        for backend in order:
            try:
                opened = await asyncio.wait_for(
                    asyncio.open_connection(*backend), CONNECT_TIMEOUT_S
                )
            except (OSError, TimeoutError):
                self.refused[backend] += 1
                self._down_until[backend] = time.monotonic() + self.recheck_s
                continue
            self._down_until.pop(backend, None)
            self.served[backend] += 1
            return opened
        self.unplaced += 1
        return None
