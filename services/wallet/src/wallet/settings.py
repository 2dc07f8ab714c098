from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url


class Settings(ServiceSettings):
    """wallet settings: shared variables unprefixed, its own prefixed `WALLET_`."""

    model_config = SettingsConfigDict(env_prefix="WALLET_")
    service_name: ClassVar[str] = "wallet"

    port: int = 8004
    database_url: str = dev_database_url("wallet")
