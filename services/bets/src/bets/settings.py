from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url


class Settings(ServiceSettings):
    """bets settings: shared variables unprefixed, its own prefixed `BETS_`."""

    model_config = SettingsConfigDict(env_prefix="BETS_")
    service_name: ClassVar[str] = "bets"

    port: int = 8003
    database_url: str = dev_database_url("bets")
