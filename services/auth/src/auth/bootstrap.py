"""Composition root of the auth service."""

from __future__ import annotations

from common.runtime import ServiceRuntime, build_runtime

from auth.entrypoints.worker import SUBSCRIPTIONS
from auth.settings import Settings


def build(settings: Settings) -> ServiceRuntime:
    return build_runtime(settings, subscriptions=SUBSCRIPTIONS)
