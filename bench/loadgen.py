"""The load generator: a process of its own, a spec as JSON on stdin, its figures as JSON on stdout.

``python -m bench.loadgen < spec.json``. Modes:

- ``http``: ``concurrency`` requests in flight (one keep-alive connection each), the spec's
  ``requests`` taken in turn, for ``duration_s`` (or ``count`` requests); every request's
  latency recorded, every status counted.
- ``bets``: the same, each request a bet placement; a bet counts once it is *decided*: a 201
  with its status, or a 202 (pending) followed by ``GET /api/bets/{id}`` until it is not
  pending, its latency running until then.
- ``sse``: opens ``clients`` live streams, prints ``{"ready": n}`` once they are connected,
  then records when each receives every frame of type ``event`` for ``odds_id``; prints the
  arrival times (wall clock, the bench compares them with when it changed the price).

A minimal HTTP/1.1 client on asyncio streams (with uvloop when present) instead of httpx: the
floor's ``/hello`` answers some thousand requests a second, and a client slower than the
server would make the floor — the denominator of every ratio — the client's speed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

LONG_POLL_S = 2
DECIDE_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 60.0


class HttpConnection:
    """One keep-alive HTTP/1.1 connection: a request, then its whole answer (length or chunked)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes]:
        if self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body is not None:
            lines.append(f"content-length: {len(body)}")
        self._writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b""))
        try:
            return await self._answer(self._reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close()
            raise

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, bytes]:
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length = -1
        chunked, keep_alive = False, True
        while (line := await reader.readuntil(b"\r\n")) != b"\r\n":
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                keep_alive = False
        if chunked:
            body = await _read_chunked(reader)
        elif length >= 0:
            body = await reader.readexactly(length)
        else:
            body = await reader.read()
            keep_alive = False
        if not keep_alive:
            self.close()
        return status, body

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


@dataclass
class Tally:
    """What one load step saw: latencies of completed items, every status, and the odd ones."""

    latencies_s: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    accepted_202: int = 0
    undecided: int = 0
    transport_errors: int = 0
    decided: Counter[str] = field(default_factory=Counter)

    def figures(self, elapsed_s: float) -> dict[str, Any]:
        ordered = sorted(self.latencies_s)
        return {
            "completed": len(ordered),
            "elapsed_s": round(elapsed_s, 3),
            "rate_per_s": round(len(ordered) / elapsed_s, 2) if elapsed_s > 0 else 0.0,
            "latency_ms": {
                name: round(_quantile(ordered, q) * 1000, 2)
                for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
            },
            "statuses": dict(self.statuses),
            "server_errors": sum(n for s, n in self.statuses.items() if s.startswith("5")),
            "accepted_202": self.accepted_202,
            "undecided": self.undecided,
            "transport_errors": self.transport_errors,
            "decided": dict(self.decided),
        }


def _quantile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


@dataclass(frozen=True)
class Planned:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Planned:
        headers = {"accept": "application/json", **raw.get("headers", {})}
        body = raw.get("body")
        if body is not None:
            headers.setdefault("content-type", "application/json")
        return cls(raw["method"], raw["path"], headers, None if body is None else body.encode())


async def _decide(conn: HttpConnection, planned: Planned, status: int, body: bytes) -> str | None:
    """The bet's final status: from the answer, or polled while it is pending (None: timeout)."""
    if status >= 400:
        return None
    bet = json.loads(body)["bet"]
    deadline = time.monotonic() + DECIDE_TIMEOUT_S
    while bet["status"] == "pending":
        if time.monotonic() > deadline:
            return None
        # A long poll (the bet answered once decided, or after LONG_POLL_S), as a client
        # that got 202 should ask; a tight polling loop would be load of the bench's making.
        polled, answer = await conn.request(
            "GET", f"/api/bets/{bet['bet_id']}?wait_s={LONG_POLL_S}", planned.headers, None
        )
        if polled == 200:
            bet = json.loads(answer)["bet"]
    return str(bet["status"])


async def run_http(spec: dict[str, Any]) -> dict[str, Any]:
    """``concurrency`` workers, each on its own connection, until the duration or count is spent."""
    url = urlsplit(spec["base_url"])
    host, port = url.hostname or "127.0.0.1", url.port or 80
    plans = [Planned.of(r) for r in spec["requests"]]
    turn = itertools.count()
    bets = spec["mode"] == "bets"
    duration_s = spec.get("duration_s")
    count = spec.get("count")
    tally = Tally()
    started = time.perf_counter()
    deadline = started + float(duration_s) if duration_s else float("inf")
    issued = itertools.count()

    def more() -> bool:
        if time.perf_counter() >= deadline:
            return False
        return count is None or next(issued) < count

    async def worker() -> None:
        conn = HttpConnection(host, port)
        try:
            while more():
                planned = plans[next(turn) % len(plans)]
                t0 = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(
                        conn.request(planned.method, planned.path, planned.headers, planned.body),
                        REQUEST_TIMEOUT_S,
                    )
                except (OSError, asyncio.IncompleteReadError, TimeoutError):
                    tally.transport_errors += 1
                    conn.close()
                    continue
                tally.statuses[str(status)] += 1
                if not bets:
                    if status < 400:
                        tally.latencies_s.append(time.perf_counter() - t0)
                    continue
                tally.accepted_202 += status == 202
                decided = await _decide(conn, planned, status, body)
                if decided is None:
                    tally.undecided += status < 400
                    continue
                tally.decided[decided] += 1
                if decided == "open":
                    tally.latencies_s.append(time.perf_counter() - t0)
        finally:
            conn.close()

    await asyncio.gather(*(worker() for _ in range(int(spec["concurrency"]))))
    return tally.figures(time.perf_counter() - started)


async def run_sse(spec: dict[str, Any]) -> dict[str, Any]:
    """Open the clients, say ready, then note each one's arrival time of every matching frame."""
    import httpx  # only here: the HTTP modes start faster without it

    clients = int(spec["clients"])
    expected = int(spec["changes"])
    arrivals: list[list[tuple[str, float]]] = [[] for _ in range(clients)]
    connected = [asyncio.Event() for _ in range(clients)]
    done = [asyncio.Event() for _ in range(clients)]
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    timeout = httpx.Timeout(30, read=None)
    async with httpx.AsyncClient(base_url=spec["base_url"], limits=limits, timeout=timeout) as http:

        async def listen(i: int) -> None:
            async with http.stream("GET", spec["path"]) as answer:
                if answer.status_code != 200:
                    return
                event = ""
                async for line in answer.aiter_lines():
                    if line.startswith(": connected"):
                        connected[i].set()
                    elif line.startswith("event:"):
                        event = line.removeprefix("event:").strip()
                    elif line.startswith("data:") and event == spec["event"]:
                        data = json.loads(line.removeprefix("data:"))
                        if str(data.get("odds_id")) == spec["odds_id"]:
                            arrivals[i].append((str(data.get(spec["key"])), time.time()))
                            if len(arrivals[i]) >= expected:
                                done[i].set()
                                return

        tasks = []
        for start in range(0, clients, 50):  # connect in waves: no SYN flood on one listener
            tasks += [
                asyncio.create_task(listen(i)) for i in range(start, min(clients, start + 50))
            ]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    asyncio.gather(*(connected[i].wait() for i in range(start, len(tasks)))), 10
                )
        ready = sum(e.is_set() for e in connected)
        print(json.dumps({"ready": ready}), flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.gather(
                    *(d.wait() for d, c in zip(done, connected, strict=True) if c.is_set())
                ),
                float(spec["timeout_s"]),
            )
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"clients": clients, "connected": ready, "arrivals": arrivals}


def main() -> None:
    spec = json.loads(sys.stdin.readline())
    runner = run_sse if spec["mode"] == "sse" else run_http
    try:
        import uvloop  # the same loop uvicorn picks for the servers

        result = uvloop.run(runner(spec))
    except ImportError:
        result = asyncio.run(runner(spec))
    # The loop may leave stdout non-blocking: a large answer would then be cut short.
    os.set_blocking(sys.stdout.fileno(), True)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
