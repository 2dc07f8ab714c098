"""Production refuses a weak Telegram token or plain-text SMTP; an empty token is Telegram off."""

from __future__ import annotations

from notifications.settings import Settings

GOOD_TOKEN = "1234567890:" + "A" * 35


def telegram_refusals(settings: Settings) -> list[str]:
    return [w for w in settings.weak_secrets() if "TELEGRAM" in w]


def test_an_empty_token_turns_telegram_off_and_is_not_a_weak_secret() -> None:
    settings = Settings(telegram_bot_token="")
    assert not settings.telegram_enabled
    assert telegram_refusals(settings) == []


def test_a_short_token_or_plain_http_base_is_refused_when_telegram_is_on() -> None:
    weak = Settings(telegram_bot_token="dev-token")
    assert weak.telegram_enabled
    assert telegram_refusals(weak) == ["NOTIFICATIONS_TELEGRAM_BOT_TOKEN (not a bot token)"]
    local = Settings(telegram_bot_token=GOOD_TOKEN, telegram_api_base="http://127.0.0.1:8081")
    assert telegram_refusals(local) == ["NOTIFICATIONS_TELEGRAM_API_BASE (not https)"]
    good = Settings(telegram_bot_token=GOOD_TOKEN)
    assert telegram_refusals(good) == []


def test_mail_without_tls_is_refused() -> None:
    assert any("SMTP" in w for w in Settings().weak_secrets())
    assert not any("SMTP" in w for w in Settings(smtp_starttls=True).weak_secrets())


def test_the_token_never_shows_in_the_settings_repr() -> None:
    assert GOOD_TOKEN not in repr(Settings(telegram_bot_token=GOOD_TOKEN))
