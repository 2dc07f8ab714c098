from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url, dev_rabbitmq_url

# Development default only: production refuses to start with it (``weak_secrets``).
DEV_FEED_SECRET = "dev-feed-secret-not-for-production"  # noqa: S105
MIN_FEED_SECRET_CHARS = 32


class Settings(ServiceSettings):
    """events settings: shared variables unprefixed, its own prefixed `EVENTS_`."""

    model_config = SettingsConfigDict(env_prefix="EVENTS_")
    service_name: ClassVar[str] = "events"

    port: int = 8002
    database_url: str = dev_database_url("events")
    # Logs in to RabbitMQ as its own user "events" (publishes only events.* keys).
    rabbitmq_url: str = dev_rabbitmq_url("events")
    # Results feed (POST /api/webhook/events): HMAC-SHA256 secret shared with the provider.
    feed_secret: str = Field(DEV_FEED_SECRET, validation_alias="EVENTS_FEED_SECRET")
    # A signed message is refused when its timestamp is further than this from our clock.
    feed_tolerance_s: int = Field(300, ge=1, le=3600, validation_alias="EVENTS_FEED_TOLERANCE_S")
    # Anonymous reads: Cache-Control max-age (seconds) of the listing, sports, leagues, events.
    cache_max_age_s: int = Field(5, ge=0, le=3600, validation_alias="EVENTS_CACHE_MAX_AGE_S")
    # Rendered event pages shared in Redis (and per process), invalidated by every write; the
    # TTL only bounds staleness should an invalidation fail. 0 turns the cache off.
    listing_cache_s: float = Field(5.0, ge=0, le=60, validation_alias="EVENTS_LISTING_CACHE_S")

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        if self.feed_secret == DEV_FEED_SECRET or len(self.feed_secret) < MIN_FEED_SECRET_CHARS:
            weak.append("EVENTS_FEED_SECRET")
        return weak
