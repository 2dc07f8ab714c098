"""Every message a user can get has both languages, and renders from its message's payload."""

# Russian words are written with Cyrillic letters on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import string
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import BaseModel

from common.contracts import LimitAmount
from common.contracts.auth import UserSelfExcluded, UserTimedOut
from common.contracts.bets import BetLeg, BetSettled, LossLimitChanged
from common.contracts.wallet import (
    DepositCompleted,
    DepositFailed,
    DepositLimitChanged,
    PackageNotice,
    SubscriptionSuspended,
    WithdrawalCompleted,
    WithdrawalRejected,
    WithdrawalRequested,
)
from notifications.domain.kinds import LANGUAGES, MESSAGE_KINDS, Kind
from notifications.domain.notices import money, when
from notifications.domain.templates import PERIODS, TEMPLATES, render
from notifications.entrypoints.worker import NOTICES
from notifications.service_layer.notices import notice_for

USER = uuid.uuid4()
AT = datetime(2026, 12, 7, 16, 5, 59, tzinfo=UTC)
LEG = BetLeg(
    event_id=uuid.uuid4(),
    event_name="Arsenal v Chelsea",
    market="1X2",
    selection="X",
    coefficient="3.100",  # type: ignore[arg-type]
)


def op() -> dict[str, object]:
    return {"operation_id": uuid.uuid4(), "user_id": USER, "amount_minor": 1250, "currency": "EUR"}


# One sample of every message (and variant) a user is told about.
SAMPLES: dict[str, BaseModel] = {
    "DepositCompleted": DepositCompleted(**op()),  # type: ignore[arg-type]
    "DepositFailed": DepositFailed(**op(), reason="payment.card_declined"),  # type: ignore[arg-type]
    "WithdrawalRequested": WithdrawalRequested(**op()),  # type: ignore[arg-type]
    "WithdrawalCompleted": WithdrawalCompleted(**op()),  # type: ignore[arg-type]
    "WithdrawalRejected": WithdrawalRejected(**op(), reason="Documents missing."),  # type: ignore[arg-type]
    "BetWon": BetSettled(
        bet_id=uuid.uuid4(),
        user_id=USER,
        result="won",
        stake_minor=1000,
        payout_minor=3100,
        currency="EUR",
        legs=[LEG],
        settled_at=AT,
    ),
    "SubscriptionSuspended": SubscriptionSuspended(
        subscription_id=uuid.uuid4(),
        user_id=USER,
        plan_id=uuid.uuid4(),
        access_ends_at=AT,
        price_minor=999,
        currency="EUR",
    ),
    "PackageExpiringSoon": PackageNotice(
        purchase_id=uuid.uuid4(),
        user_id=USER,
        package_id=uuid.uuid4(),
        kind="expiring_soon",
        units_left=7,
        expires_at=AT,
    ),
    "LossLimitSet": LossLimitChanged(
        user_id=USER,
        period="week",
        limit=LimitAmount(amount_minor=10000, currency="EUR"),
        effective_at=AT,
    ),
    "LossLimitRemoved": LossLimitChanged(user_id=USER, period="day", limit=None, effective_at=AT),
    "DepositLimitSet": DepositLimitChanged(
        user_id=USER,
        period="month",
        limit=LimitAmount(amount_minor=50000, currency="EUR"),
        effective_at=AT,
    ),
    "DepositLimitRemoved": DepositLimitChanged(
        user_id=USER, period="month", limit=None, effective_at=AT
    ),
    "UserTimedOut": UserTimedOut(user_id=USER, until=AT),
    "UserSelfExcluded": UserSelfExcluded(user_id=USER, until=AT),
}


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_template_has_english_and_russian_with_the_same_fields() -> None:
    for name, languages in TEMPLATES.items():
        assert set(languages) == set(LANGUAGES), name
        en, ru = languages["en"], languages["ru"]
        assert fields_of(en.subject) | fields_of(en.text) == fields_of(ru.subject) | fields_of(
            ru.text
        ), name
        assert ru.subject != en.subject, name


def test_there_is_a_sample_for_every_template_and_a_template_for_every_sample() -> None:
    assert set(SAMPLES) == set(TEMPLATES)


def test_every_subscribed_message_type_has_a_sample() -> None:
    assert {type(sample) for sample in SAMPLES.values()} == set(NOTICES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_message_renders_from_its_payload(template: str, language: str) -> None:
    notice = notice_for(SAMPLES[template])
    assert notice is not None
    assert notice.template == template
    assert notice.user_id == USER
    assert notice.kind in set(Kind)
    rendered = render(notice.template, language, name="Alex", values=notice.values)
    assert rendered.subject.startswith("LOOSELINE: ")
    assert "{" not in rendered.subject + rendered.body
    assert "Alex" in rendered.body
    assert rendered.body.endswith("-- LOOSELINE\n")
    if language == "ru":
        assert any("а" <= ch <= "я" for ch in rendered.subject.lower())


def test_amounts_are_to_the_cent_with_their_currency_and_dates_in_utc() -> None:
    assert money(1250, "EUR") == "12.50 EUR"
    assert money(5, "USD") == "0.05 USD"
    assert money(500000, "EUR") == "5000.00 EUR"
    moscow = datetime.fromisoformat("2026-12-07T19:05:00+03:00")
    assert when(moscow) == "2026-12-07 16:05 UTC"


def test_the_rendered_texts_carry_the_figures() -> None:
    won = notice_for(SAMPLES["BetWon"])
    assert won is not None
    en = render(won.template, "en", name="Alex", values=won.values)
    assert en.subject == "LOOSELINE: you won 31.00 EUR"
    assert "Arsenal v Chelsea (1X2: X)" in en.body
    assert "(stake 10.00 EUR)" in en.body
    limit = notice_for(SAMPLES["LossLimitSet"])
    assert limit is not None
    ru = render(limit.template, "ru", name="Саша", values=limit.values)
    assert ru.subject == "LOOSELINE: лимит проигрыша на неделю: 100.00 EUR"
    assert "действует с 2026-12-07 16:05 UTC" in ru.body
    assert ru.body.startswith("Здравствуйте, Саша!\n\n")
    en_limit = render(limit.template, "en", name="Alex", values=limit.values)
    assert en_limit.subject == "LOOSELINE: your weekly loss limit is 100.00 EUR"


def test_a_language_we_do_not_write_falls_back_to_english() -> None:
    notice = notice_for(SAMPLES["DepositCompleted"])
    assert notice is not None
    assert render(notice.template, "de", name="A", values=notice.values).subject == (
        "LOOSELINE: deposit of 12.50 EUR credited"
    )


def test_lost_and_void_bets_and_running_out_packages_say_nothing() -> None:
    won = SAMPLES["BetWon"]
    assert isinstance(won, BetSettled)
    assert notice_for(won.model_copy(update={"result": "lost", "payout_minor": 0})) is None
    assert notice_for(won.model_copy(update={"result": "void", "payout_minor": 1000})) is None
    package = SAMPLES["PackageExpiringSoon"]
    assert notice_for(package.model_copy(update={"kind": "running_out"})) is None


def test_every_kind_has_messages_and_the_periods_both_languages() -> None:
    assert set(MESSAGE_KINDS.values()) == set(Kind)
    assert set(PERIODS) == set(LANGUAGES)
    for words in PERIODS.values():
        assert set(words) == {"day", "week", "month"}


def test_a_coupon_names_its_first_events_and_counts_the_rest() -> None:
    won = SAMPLES["BetWon"]
    assert isinstance(won, BetSettled)
    legs = [LEG.model_copy(update={"event_name": f"Match {i}"}) for i in range(5)]
    notice = notice_for(won.model_copy(update={"legs": legs}))
    assert notice is not None
    assert notice.values["bet"] == "Match 0; Match 1; Match 2 +2"
