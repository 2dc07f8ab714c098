"""The scale-out bench's load balancer (``tests/chaos/balancer.py``) against real sockets.

Each backend is a real TCP server on a local port that greets with its name and echoes what it
gets; a "dead" backend is a port whose server was closed (what kill -9 leaves: refused).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from tests.chaos.balancer import RoundRobinProxy

RECHECK_S = 0.3


class Backend:
    def __init__(self, name: str) -> None:
        self.name = name
        self.server: asyncio.Server | None = None
        self.port = 0
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> Backend:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.add(writer)
        writer.write(f"{self.name}\n".encode())
        with contextlib.suppress(OSError):
            while line := await reader.readline():
                writer.write(f"{self.name}:{line.decode()}".encode())
                await writer.drain()
        writer.close()

    async def kill(self) -> None:
        """Closed port and every open connection cut, as a SIGKILLed process leaves them."""
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        await self.server.wait_closed()

    @property
    def address(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)


@pytest.fixture
async def backends() -> AsyncIterator[list[Backend]]:
    started = [await Backend(name).start() for name in ("a", "b", "c")]
    yield started
    for backend in started:
        assert backend.server is not None
        backend.server.close()
        for writer in list(backend.writers):
            writer.transport.abort()


@pytest.fixture
async def balancer(backends: list[Backend]) -> AsyncIterator[RoundRobinProxy]:
    proxy = RoundRobinProxy("lb", [b.address for b in backends], recheck_s=RECHECK_S)
    await proxy.start()
    yield proxy
    await proxy.stop()


async def greeting(port: int) -> tuple[str, asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    name = (await asyncio.wait_for(reader.readline(), 5)).decode().strip()
    return name, reader, writer


async def test_new_connections_go_to_each_backend_in_turn_and_bytes_flow_both_ways(
    balancer: RoundRobinProxy, backends: list[Backend]
) -> None:
    seen = []
    for _ in range(6):
        name, reader, writer = await greeting(balancer.port)
        writer.write(b"ping\n")
        assert await asyncio.wait_for(reader.readline(), 5) == f"{name}:ping\n".encode()
        writer.close()
        seen.append(name)

    assert seen == ["a", "b", "c", "a", "b", "c"]
    assert balancer.served == Counter({b.address: 2 for b in backends})
    assert sum(balancer.refused.values()) == 0


async def test_a_dead_backend_is_skipped_and_no_new_connection_is_lost(
    balancer: RoundRobinProxy, backends: list[Backend]
) -> None:
    await backends[1].kill()

    seen = [(await greeting(balancer.port))[0] for _ in range(6)]

    assert "b" not in seen
    assert Counter(seen) == Counter({"a": 3, "c": 3})  # the live ones share it evenly
    assert balancer.refused[backends[1].address] == 1  # then left out of the turns a while
    assert balancer.unplaced == 0


async def test_connections_arriving_together_while_a_backend_dies_all_land_on_live_ones(
    balancer: RoundRobinProxy, backends: list[Backend]
) -> None:
    await backends[0].kill()

    names = await asyncio.gather(*(greeting(balancer.port) for _ in range(12)))

    assert {name for name, _, _ in names} == {"b", "c"}
    assert balancer.unplaced == 0
    for _, _, writer in names:
        writer.close()


async def test_a_connection_open_to_a_backend_that_dies_ends_and_the_next_one_lands_elsewhere(
    balancer: RoundRobinProxy, backends: list[Backend]
) -> None:
    name, reader, _ = await greeting(balancer.port)
    assert name == "a"

    await backends[0].kill()

    assert await asyncio.wait_for(reader.read(), 5) == b""  # cut, as a client sees a reset
    later = {(await greeting(balancer.port))[0] for _ in range(4)}
    assert later == {"b", "c"}


async def test_when_every_backend_refuses_the_client_connection_is_cut(
    balancer: RoundRobinProxy, backends: list[Backend]
) -> None:
    for backend in backends:
        await backend.kill()

    reader, writer = await asyncio.open_connection("127.0.0.1", balancer.port)
    with contextlib.suppress(ConnectionError):
        assert await asyncio.wait_for(reader.read(), 5) == b""
    writer.close()

    assert balancer.unplaced == 1
    assert sum(balancer.refused.values()) == 3


async def test_a_backend_back_on_its_port_takes_connections_again(
    balancer: RoundRobinProxy, backends: list[Backend]
) -> None:
    await backends[2].kill()
    assert {(await greeting(balancer.port))[0] for _ in range(3)} == {"a", "b"}

    await backends[2].start()  # restarted on the same port, as the bench's heal does
    await asyncio.sleep(RECHECK_S)

    assert {(await greeting(balancer.port))[0] for _ in range(3)} == {"a", "b", "c"}
