"""A TCP proxy that misbehaves on demand, in front of PostgreSQL or RabbitMQ for one service.

The service's ``<SVC>_DATABASE_URL`` / ``<SVC>_RABBITMQ_URL`` points at the proxy's port; the
proxy forwards every connection to the real server until told otherwise:

- ``delay(seconds, for_s)``: every chunk in either direction waits ``seconds`` first (a slow
  network: queries and confirms take longer, pools and timeouts are exercised);
- ``drop()``: every open connection is cut at once (a restarted firewall, a NAT table flushed:
  the pool's and the broker's reconnects are exercised);
- ``partition(for_s, blackhole=...)``: for ``for_s`` new connections are refused (or, with
  ``blackhole``, accepted and never answered) and open ones go silent (their bytes are held
  back, as a network split does), then everything flows again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time


class FaultyProxy:
    def __init__(self, name: str, target_host: str, target_port: int) -> None:
        self.name = name
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._delay_s = 0.0
        self._delay_until = 0.0
        self._flowing = asyncio.Event()  # cleared while partitioned
        self._flowing.set()
        self._heal: asyncio.TimerHandle | None = None
        self._blackhole = False

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self.drop()
        for link in list(self._links):
            link.cancel()
        await asyncio.gather(*self._links, return_exceptions=True)

    # --- the faults ----------------------------------------------------------------------

    def delay(self, seconds: float, for_s: float) -> None:
        self._delay_s = seconds
        self._delay_until = time.monotonic() + for_s

    def drop(self) -> int:
        """Cut every open connection; how many there were (both ends count once)."""
        cut = len(self._writers) // 2
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        return cut

    def partition(self, for_s: float, *, blackhole: bool = False) -> None:
        if self._heal is not None:
            self._heal.cancel()
        self._blackhole = blackhole
        self._flowing.clear()
        self._heal = asyncio.get_running_loop().call_later(for_s, self._flowing.set)

    @property
    def partitioned(self) -> bool:
        return not self._flowing.is_set()

    # --- forwarding ----------------------------------------------------------------------

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.partitioned and not self._blackhole:
            writer.transport.abort()  # refused, as a closed port would
            return
        task = asyncio.current_task()
        assert task is not None
        self._links.add(task)
        try:
            await self._serve(reader, writer)
        finally:
            self._links.discard(task)

    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        """The connection to forward to (None: refused, and the client's is cut)."""
        try:
            return await asyncio.open_connection(*self.target)
        except OSError:
            return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self._flowing.wait()  # a blackholed connect: accepted, then nothing
        opened = await self._open_upstream()
        if opened is None:
            writer.transport.abort()
            return
        up_reader, up_writer = opened
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            for end in (writer, up_writer):
                self._writers.discard(end)
                with contextlib.suppress(Exception):
                    end.transport.abort()

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(65536):
                await self._flowing.wait()  # held back, not lost: a split, not a reset
                if time.monotonic() < self._delay_until:
                    await asyncio.sleep(self._delay_s)
                sink.write(chunk)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            # One direction ended: end the other too (the peer closed, or we cut it).
            with contextlib.suppress(Exception):
                sink.transport.abort()
