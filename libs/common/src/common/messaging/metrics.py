"""Prometheus metrics of the bus (one set per process, labelled by service)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

published = Counter(
    "looseline_messages_published_total",
    "Messages published by the outbox relay",
    ["service", "routing_key"],
)
consumed = Counter(
    "looseline_messages_consumed_total",
    "Messages handled and acknowledged",
    ["service", "type", "outcome"],  # outcome: processed | duplicate
)
failed = Counter(
    "looseline_messages_failed_total", "Handler failures (each attempt)", ["service", "type"]
)
unsettled = Counter(
    "looseline_messages_unsettled_total",
    # The channel closed before the ack (a broker restart): redelivered, then a duplicate.
    "Deliveries handled whose ack or retry copy could not reach the broker",
    ["service"],
)
dead_lettered = Counter(
    "looseline_messages_dead_lettered_total",
    "Messages sent to the service's DLQ",
    ["service", "type", "reason"],
)
rejected = Counter(
    "looseline_messages_rejected_total",
    # reason forged_producer: the AMQP user_id is not the envelope's producer (alert on any).
    "Messages refused before any handler saw them",
    ["service", "reason"],
)
outbox_lag = Gauge(
    "looseline_outbox_lag_seconds", "Age of the oldest unpublished outbox row", ["service"]
)
outbox_pending = Gauge(
    "looseline_outbox_pending", "Unpublished outbox rows seen by the last relay pass", ["service"]
)
dlq_depth = Gauge("looseline_dlq_depth", "Messages waiting in the service's DLQ", ["service"])
