from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url, dev_rabbitmq_url


class Settings(ServiceSettings):
    """partners settings: shared variables unprefixed, its own prefixed `PARTNERS_`."""

    model_config = SettingsConfigDict(env_prefix="PARTNERS_")
    service_name: ClassVar[str] = "partners"

    port: int = 8006
    database_url: str = dev_database_url("partners")
    # Logs in to RabbitMQ as its own user "partners" (it only consumes).
    rabbitmq_url: str = dev_rabbitmq_url("partners")
    # Outbound: one HTTP request to a partner waits no longer than this (connect + answer).
    postback_timeout_s: float = Field(
        10.0, gt=0, le=120, validation_alias="PARTNERS_POSTBACK_TIMEOUT_S"
    )
    # Outbound: a postback not delivered this long after it was queued is failed for good.
    postback_give_up_after_s: int = Field(
        86_400, ge=1, validation_alias="PARTNERS_POSTBACK_GIVE_UP_AFTER_S"
    )
    # Outbound retries: full jitter, the n-th waits uniform(0, min(cap, base * 2**(n-1))).
    postback_backoff_base_s: float = Field(
        5.0, gt=0, le=3600, validation_alias="PARTNERS_POSTBACK_BACKOFF_BASE_S"
    )
    postback_backoff_cap_s: float = Field(
        3600.0, gt=0, le=86_400, validation_alias="PARTNERS_POSTBACK_BACKOFF_CAP_S"
    )
    # Outbound: the sender looks for due postbacks this often (0: no sender in this process).
    sender_interval_s: float = Field(
        1.0, ge=0, le=60, validation_alias="PARTNERS_SENDER_INTERVAL_S"
    )
    # Outbound: at most this many postbacks claimed (and sent concurrently) per round.
    sender_batch_size: int = Field(50, ge=1, le=1000, validation_alias="PARTNERS_SENDER_BATCH_SIZE")
    # Wins: at most one win postback (outbound) / win notice (inbound) per user and partner
    # in this window; outbound wins inside it are aggregated into the next one.
    win_window_s: int = Field(300, ge=1, le=86_400, validation_alias="PARTNERS_WIN_WINDOW_S")
    # Inbound: a signed postback is refused when its timestamp is further than this from our clock.
    inbound_tolerance_s: int = Field(
        300, ge=1, le=3600, validation_alias="PARTNERS_INBOUND_TOLERANCE_S"
    )
