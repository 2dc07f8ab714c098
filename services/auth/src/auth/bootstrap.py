"""Composition root of the auth service."""

from __future__ import annotations

from auth.entrypoints.worker import SUBSCRIPTIONS
from auth.settings import Settings
from common.runtime import ServiceRuntime, build_runtime


def build(settings: Settings) -> ServiceRuntime:
    return build_runtime(settings, subscriptions=SUBSCRIPTIONS)
