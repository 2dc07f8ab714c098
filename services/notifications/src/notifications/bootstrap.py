"""Composition root of the notifications service: runtime (DB, broker, consumer, the sender as
a periodic job), the channels (SMTP, Telegram Bot API), units of work and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime
from notifications.adapters.mail import SmtpMailer
from notifications.adapters.telegram import TelegramClient
from notifications.domain.backoff import RetryPolicy
from notifications.entrypoints.worker import subscriptions
from notifications.service_layer.sender import Sender
from notifications.service_layer.unit_of_work import UnitOfWork, UnitOfWorkFactory
from notifications.settings import Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def sender(settings: Settings, *, clock: Clock = utc_now) -> tuple[Sender, TelegramClient | None]:
    mailer = SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value(),
        start_tls=settings.smtp_starttls,
        use_tls=settings.smtp_use_tls,
        timeout_s=settings.smtp_timeout_s,
    )
    telegram = None
    if settings.telegram_enabled:
        telegram = TelegramClient(
            api_base=settings.telegram_api_base,
            token=settings.telegram_bot_token.get_secret_value(),
            timeout_s=settings.telegram_timeout_s,
        )
    policy = RetryPolicy(
        base_s=settings.retry_base_s,
        cap_s=settings.retry_cap_s,
        max_attempts=settings.max_attempts,
        give_up_after_s=settings.give_up_after_s,
    )
    job = Sender(
        mailer=mailer,
        telegram=telegram,
        policy=policy,
        clock=clock,
        batch_size=settings.send_batch_size,
        claim_timeout_s=settings.claim_timeout_s,
    )
    return job, telegram


def build(settings: Settings, *, clock: Clock = utc_now) -> ServiceRuntime:
    job, telegram = sender(settings, clock=clock)
    runtime = build_runtime(
        settings,
        subscriptions=subscriptions(telegram_enabled=settings.telegram_enabled),
        periodic=[PeriodicSpec("send", settings.send_interval_s, job)],
    )
    if telegram is not None:
        runtime.closers.append(telegram.close)
    return runtime


@dataclass(frozen=True)
class Wiring:
    """What the HTTP edge needs: the runtime, a unit-of-work factory, settings and a clock."""

    settings: Settings
    runtime: ServiceRuntime
    uow: UnitOfWorkFactory
    clock: Clock


def wire(settings: Settings, *, clock: Clock = utc_now) -> Wiring:
    runtime = build(settings, clock=clock)
    sessionmaker = runtime.sessionmaker
    assert sessionmaker is not None, "notifications needs its database"
    return Wiring(
        settings=settings,
        runtime=runtime,
        uow=lambda: UnitOfWork(sessionmaker),
        clock=clock,
    )
