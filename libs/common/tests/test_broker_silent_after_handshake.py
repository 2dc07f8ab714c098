"""A broker (or a proxy in front of it) that completes the AMQP handshake and then says nothing
more must not stall the connect loop for good: found by the chaos run (seed 513465), where a
process restarted during a partition never connected again and stayed unready.

The stand-in speaks just enough AMQP 0-9-1 (pamqp, the library aiormq itself uses) to open the
connection, then ignores everything, as a blackholing proxy does."""

from __future__ import annotations

import asyncio
from typing import Any

from pamqp import commands, frame
from pamqp.header import ProtocolHeader

from common.messaging.broker import Broker


class SilentAfterHandshake:
    """Accepts, answers Start/Tune/Open, then never answers again (a channel open hangs)."""

    def __init__(self, wanted: int) -> None:
        self.connections = 0
        self.server: asyncio.Server | None = None
        self.reached = asyncio.Event()  # set at the ``wanted``-th connection
        self._wanted = wanted

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port: int = self.server.sockets[0].getsockname()[1]
        return port

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.connections >= self._wanted:
            self.reached.set()
        buffer = b""
        try:
            while data := await reader.read(65536):
                buffer += data
                while buffer:
                    try:
                        used, _channel, received = frame.unmarshal(buffer)
                    except Exception:  # an incomplete frame: read more
                        break
                    buffer = buffer[used:]
                    writer.write(_answer(received))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()


# What RabbitMQ announces and aiormq reads (publisher confirms are asked for by the broker).
_PROPERTIES: dict[str, Any] = {
    "product": "silent stand-in",
    "capabilities": {
        "publisher_confirms": True,
        "basic.nack": True,
        "consumer_cancel_notify": True,
        "connection.blocked": True,
        "authentication_failure_close": True,
    },
}


def _answer(received: Any) -> bytes:
    if isinstance(received, ProtocolHeader):
        return frame.marshal(commands.Connection.Start(server_properties=_PROPERTIES), 0)
    if isinstance(received, commands.Connection.StartOk):
        return frame.marshal(commands.Connection.Tune(channel_max=16, frame_max=131072), 0)
    if isinstance(received, commands.Connection.Open):
        return frame.marshal(commands.Connection.OpenOk(), 0)
    return b""  # Channel.Open and the rest: silence


async def test_a_broker_silent_after_the_handshake_does_not_stall_the_connect_loop() -> None:
    stand_in = SilentAfterHandshake(wanted=3)
    port = await stand_in.start()
    broker = Broker(
        f"amqp://guest:guest@127.0.0.1:{port}/", exchange_name="looseline", connect_timeout_s=0.5
    )
    await broker.start()
    try:
        # Each attempt is abandoned after the connect timeout and tried again.
        async with asyncio.timeout(10):
            await stand_in.reached.wait()
        assert not broker.is_ready()
    finally:
        await broker.stop()
        await stand_in.stop()
