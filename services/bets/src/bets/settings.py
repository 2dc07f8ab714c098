from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from bets.domain.limits import BetLimits
from bets.domain.watchdog import WatchdogPolicy
from common.settings import ServiceSettings, dev_database_url, dev_rabbitmq_url


class Settings(ServiceSettings):
    """bets settings: shared variables unprefixed, its own prefixed `BETS_`."""

    model_config = SettingsConfigDict(env_prefix="BETS_")
    service_name: ClassVar[str] = "bets"

    port: int = 8003
    database_url: str = dev_database_url("bets")
    # Logs in to RabbitMQ as its own user "bets" (publishes only bets.* keys).
    rabbitmq_url: str = dev_rabbitmq_url("bets")
    # The currency is the deployment's CURRENCY (common.settings), not a bets setting.
    # Limits (ARCHITECTURE.md §4), in minor units.
    min_stake_minor: int = Field(default=100, ge=1)
    max_stake_minor: int = Field(default=1_000_000, ge=1)
    max_payout_minor: int = Field(default=10_000_000, ge=1)
    min_coupon_legs: int = Field(default=2, ge=2)
    # The message contracts carry at most 15 legs.
    max_coupon_legs: int = Field(default=15, ge=2, le=15)
    # How long a placement call waits for the wallet's answer before a 202.
    placement_wait_s: float = Field(default=2.0, ge=0, le=10)
    # At most this many placement calls wait for their decision per process (they hold no
    # database connection while waiting); past it a placement answers 202 pending at once.
    placement_max_waiters: int = Field(default=256, ge=0)
    idempotency_ttl_h: int = Field(default=24, ge=1)
    # The pending-bet watchdog: a bet pending this long since its last ReserveStake gets it
    # again, up to `reserve_resends` times, then is rejected and its stake released.
    pending_timeout_s: float = Field(default=30.0, gt=0)
    reserve_resends: int = Field(default=3, ge=0, le=20)
    watchdog_interval_s: float = Field(default=10.0, gt=0)

    @property
    def watchdog(self) -> WatchdogPolicy:
        return WatchdogPolicy(
            timeout=timedelta(seconds=self.pending_timeout_s), max_resends=self.reserve_resends
        )

    @property
    def limits(self) -> BetLimits:
        return BetLimits(
            min_stake_minor=self.min_stake_minor,
            max_stake_minor=self.max_stake_minor,
            max_payout_minor=self.max_payout_minor,
            min_coupon_legs=self.min_coupon_legs,
            max_coupon_legs=self.max_coupon_legs,
        )
