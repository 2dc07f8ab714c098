"""The bench's outputs: the machine it ran on, ``platform.json``, the markdown table, the plot."""

from __future__ import annotations

import json
import os
import platform as python_platform
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from redis.asyncio import Redis

from common.db import libpq_url
from common.testing.infra import Infrastructure


async def machine(infrastructure: Infrastructure) -> dict[str, Any]:
    """Cores, memory, load at the start, and the versions of everything the figures depend on."""
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    found: dict[str, Any] = {
        "cores": os.cpu_count(),
        "memory_gib": round(pages / 2**30, 1),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": python_platform.python_version(),
        "os": f"{python_platform.system()} {python_platform.release()}",
    }
    conn = await asyncpg.connect(libpq_url(infrastructure.postgres_admin_url))
    try:
        found["postgresql"] = await conn.fetchval("SHOW server_version")
        found["postgresql_max_connections"] = await conn.fetchval("SHOW max_connections")
    finally:
        await conn.close()
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            overview = await client.get(
                f"{infrastructure.rabbitmq_admin_url.rstrip('/')}/api/overview"
            )
            found["rabbitmq"] = overview.json().get("rabbitmq_version")
    except (httpx.HTTPError, ValueError):
        found["rabbitmq"] = "unknown"
    redis = Redis.from_url(infrastructure.redis_url)
    try:
        found["redis"] = (await redis.info("server")).get("redis_version")
    finally:
        await redis.aclose()
    return found


def write(results: dict[str, Any], directory: Path) -> None:
    """``platform.json``, ``platform.md`` (also printed) and ``platform.svg``."""
    (directory / "platform.json").write_text(json.dumps(results, indent=2, default=str))
    table = markdown(results)
    (directory / "platform.md").write_text(table)
    print(table)
    points = throughput_points(results)
    if points:
        (directory / "platform.svg").write_text(svg(points))


def _latency(figure: dict[str, Any]) -> str:
    latency = figure.get("latency_ms") or {}
    parts = [f"{k} {latency[k]:g}" for k in ("p50", "p95", "p99") if k in latency]
    return " / ".join(parts) + " ms" if parts else "—"


def _rate(value: Any) -> str:
    return "—" if value is None else f"{value:,.1f}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, load average at start "
        f"{' / '.join(str(x) for x in m['load_average_at_start'])}; PostgreSQL {m['postgresql']}, "
        f"RabbitMQ {m['rabbitmq']}, Redis {m['redis']}, Python {m['python']}. "
        f"Run took {results['duration_s']:.0f} s.",
        "",
        "| measure | in flight | per second | latency p50 / p95 / p99 | floor (same run) "
        "| floor per second | ratio | notes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in results["figures"]:
        notes = []
        if f.get("ratio_to_hello") is not None:
            notes.append(f"{f['ratio_to_hello']:g} x hello")
        if f.get("server_errors"):
            notes.append(f"**{f['server_errors']} 5xx**")
        if f.get("accepted_202"):
            notes.append(f"{f['accepted_202']} answered 202 (polled until decided)")
        if "seconds" in f:
            notes.append(
                f"{f['seconds']} s from settle to the last wallet credit"
                f" (bets {f['bets_part_s']} s,"
                f" wallet {f['wallet_part_s']} s = {f['wallet_rate_per_s']:,.0f} bets/s);"
                f" ledger reconciled: {'yes' if f['reconciled'] else '**NO**'}"
            )
        if "clients_connected" in f:
            notes.append(
                f"{f['clients_connected']} connected, {f['clients_got_every_change']} got every"
                " price change; latency = admin's change → client"
            )
        if f.get("backlog_after_s", 0) >= 1:
            notes.append(f"{f['backlog_after_s']:g} s to digest its backlog afterwards")
        raw = f.get("raw") or {}
        if raw.get("undecided"):
            notes.append(f"{raw['undecided']} not decided in 30 s")
        ratio = "—" if f.get("ratio") is None else f"{f['ratio']:g} x {str(f['floor']).split()[0]}"
        lines.append(
            f"| {f['measure']} | {f.get('in_flight') or '—'} | {_rate(f.get('rate_per_s'))} "
            f"| {_latency(f)} | {f.get('floor') or '—'} | {_rate(f.get('floor_rate_per_s'))} "
            f"| {ratio} | {'; '.join(notes)} |"
        )
    lines.append("")
    floors = results["floors"]
    lines.append(
        "Floors measured in this run (req/s by in-flight requests): "
        + "; ".join(
            f"{kind} " + ", ".join(f"{c}: {v['rate_per_s']:,.0f}" for c, v in sorted(by.items()))
            for kind, by in floors.items()
        )
    )
    return "\n".join(lines) + "\n"


def throughput_points(results: dict[str, Any]) -> list[tuple[int, float, float]]:
    """(in flight, saga-complete bets/s, 1-tx floor req/s) for the plot."""
    return [
        (int(f["in_flight"]), float(f["rate_per_s"]), float(f["floor_rate_per_s"]))
        for f in results["figures"]
        if f["measure"].startswith("saga-complete")
    ]


def svg(points: list[tuple[int, float, float]]) -> str:
    """Throughput against in-flight requests, log-log, the platform beside its 1-tx floor: a
    small hand-written SVG (no plotting dependency for one chart)."""
    import math

    width, height, left, bottom, top, right = 660, 360, 70, 50, 30, 180
    xs = [math.log2(p[0]) for p in points]
    ys = [v for p in points for v in p[1:] if v > 0]
    y_lo = math.floor(math.log10(min(ys)))
    y_hi = math.ceil(math.log10(max(ys)))
    x_lo, x_hi = min(xs), max(max(xs), min(xs) + 1)

    def at(x: float, y: float) -> tuple[float, float]:
        px = left + (math.log2(x) - x_lo) / (x_hi - x_lo) * (width - left - right)
        py = (
            height - bottom - (math.log10(y) - y_lo) / max(y_hi - y_lo, 1) * (height - top - bottom)
        )
        return round(px, 1), round(py, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        ' font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left}" y="18" font-size="14">Throughput against in-flight requests'
        " (log-log)</text>",
    ]
    for decade in range(y_lo, y_hi + 1):
        _, py = at(points[0][0], 10.0**decade)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{py}" y2="{py}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{py + 4}" text-anchor="end">{10**decade:,}</text>')
    for n, *_ in points:
        px, _ = at(n, 10.0**y_lo)
        out.append(f'<line x1="{px}" x2="{px}" y1="{top}" y2="{height - bottom}" stroke="#eee"/>')
        out.append(f'<text x="{px}" y="{height - bottom + 16}" text-anchor="middle">{n}</text>')
    out.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">'
        "requests in flight</text>"
    )
    out.append(
        f'<text transform="rotate(-90)" x="{-(height / 2)}" y="16" text-anchor="middle">'
        "per second</text>"
    )
    for index, (label, colour) in enumerate(
        (("bets (saga complete)", "#c0392b"), ("1-tx floor", "#2c3e50"))
    ):
        coords = [at(p[0], p[index + 1]) for p in points if p[index + 1] > 0]
        path = " ".join(f"{x},{y}" for x, y in coords)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in coords:
            out.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
        ly = top + 20 + index * 20
        out.append(
            f'<line x1="{width - right + 10}" x2="{width - right + 30}" y1="{ly}" y2="{ly}"'
            f' stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{width - right + 36}" y="{ly + 4}">{label}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
