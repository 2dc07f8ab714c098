from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url


class Settings(ServiceSettings):
    """events settings: shared variables unprefixed, its own prefixed `EVENTS_`."""

    model_config = SettingsConfigDict(env_prefix="EVENTS_")
    service_name: ClassVar[str] = "events"

    port: int = 8002
    database_url: str = dev_database_url("events")
