"""Prometheus metrics of the sender (the process's default registry, as common's)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

sent = Counter(
    "looseline_notifications_sent_total",
    "Send attempts by channel and outcome (sent | retry | failed)",
    ["channel", "outcome"],
)
send_latency = Histogram(
    "looseline_notifications_send_duration_seconds",
    "How long one send to the channel took",
    ["channel"],
)
oldest_pending_age = Gauge(
    "looseline_notifications_oldest_pending_age_seconds",
    "Age of the oldest pending delivery seen by the sender's last pass (0: none)",
)
