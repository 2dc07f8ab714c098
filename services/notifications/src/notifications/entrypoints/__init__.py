"""The HTTP API and the worker (consumer and sender)."""
