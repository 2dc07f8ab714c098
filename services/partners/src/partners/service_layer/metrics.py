"""Prometheus metrics of the partners service."""

from __future__ import annotations

from prometheus_client import Counter

postbacks = Counter(
    "looseline_partner_postbacks_total",
    "Partner postbacks: outbound (queued, aggregated, delivered, retry, failed) and inbound "
    "(accepted, duplicate, or the refusal's code)",
    ["direction", "event", "outcome"],
)


def count(direction: str, event: str | None, outcome: str) -> None:
    postbacks.labels(direction=direction, event=event or "unknown", outcome=outcome).inc()
