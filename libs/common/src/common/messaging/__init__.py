"""Messaging: envelope + registry, outbox and relay, inbox-backed consumers, RabbitMQ topology."""
