"""Prometheus metrics of card deposits (one set per process)."""

from __future__ import annotations

from prometheus_client import Counter

deposits = Counter(
    "looseline_wallet_deposits_total",
    "Card deposits by outcome (started, succeeded, requires_action, declined, canceled, expired)",
    ["kind", "outcome"],
)
deposited_minor = Counter(
    "looseline_wallet_deposited_minor_total", "Money credited by card deposits (minor units)"
)
webhooks = Counter(
    "looseline_wallet_stripe_webhooks_total",
    "Stripe webhooks by event type and outcome (processed, duplicate, ignored, invalid, failed)",
    ["type", "outcome"],
)
