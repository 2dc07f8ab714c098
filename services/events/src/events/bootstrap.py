"""Composition root of the events service."""

from __future__ import annotations

from common.runtime import ServiceRuntime, build_runtime
from events.entrypoints.worker import SUBSCRIPTIONS
from events.settings import Settings


def build(settings: Settings) -> ServiceRuntime:
    return build_runtime(settings, subscriptions=SUBSCRIPTIONS)
