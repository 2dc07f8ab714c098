from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url


class Settings(ServiceSettings):
    """auth settings: shared variables unprefixed, its own prefixed `AUTH_`."""

    model_config = SettingsConfigDict(env_prefix="AUTH_")
    service_name: ClassVar[str] = "auth"

    port: int = 8001
    database_url: str = dev_database_url("auth")
