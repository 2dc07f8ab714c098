"""Every message's words, in English and Russian, as data: a subject and a plain-text body.

``{name}`` is the user's name; the other fields come from ``domain.notices`` already written
for a person (amounts "12.50 EUR" from minor units, dates "2026-12-07 16:00 UTC"), except
``{period}``, a limit's period code put into words here. The same subject and body serve
both channels: the email as is, Telegram as the subject, a blank line, the body.
"""

# Russian words are written with Cyrillic letters on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from notifications.domain.kinds import DEFAULT_LANGUAGE, LANGUAGES


@dataclass(frozen=True)
class Template:
    subject: str
    text: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


GREETING: Final = {"en": "Hello {name},", "ru": "Здравствуйте, {name}!"}
SIGNATURE: Final = {"en": "-- LOOSELINE", "ru": "-- LOOSELINE"}
PERIODS: Final = {
    "en": {"day": "daily", "week": "weekly", "month": "monthly"},
    "ru": {"day": "на день", "week": "на неделю", "month": "на месяц"},
}

TEMPLATES: Final[dict[str, dict[str, Template]]] = {
    "DepositCompleted": {
        "en": Template(
            "LOOSELINE: deposit of {amount} credited",
            "Your deposit of {amount} has been credited to your wallet.",
        ),
        "ru": Template(
            "LOOSELINE: депозит {amount} зачислен",
            "Ваш депозит {amount} зачислен на счёт.",
        ),
    },
    "DepositFailed": {
        "en": Template(
            "LOOSELINE: deposit of {amount} failed",
            "Your deposit of {amount} did not go through and no money was taken. "
            "You can try again.",
        ),
        "ru": Template(
            "LOOSELINE: депозит {amount} не прошёл",
            "Ваш депозит {amount} не прошёл, деньги не списаны. Попробуйте ещё раз.",
        ),
    },
    "WithdrawalRequested": {
        "en": Template(
            "LOOSELINE: withdrawal of {amount} requested",
            "We received your request to withdraw {amount}. "
            "We will write again once it is processed.",
        ),
        "ru": Template(
            "LOOSELINE: запрошен вывод {amount}",
            "Мы получили ваш запрос на вывод {amount}. Напишем, когда он будет обработан.",
        ),
    },
    "WithdrawalCompleted": {
        "en": Template(
            "LOOSELINE: withdrawal of {amount} paid",
            "Your withdrawal of {amount} has been approved and paid out.",
        ),
        "ru": Template(
            "LOOSELINE: вывод {amount} выплачен",
            "Ваш вывод {amount} одобрен и выплачен.",
        ),
    },
    "WithdrawalRejected": {
        "en": Template(
            "LOOSELINE: withdrawal of {amount} rejected",
            "Your withdrawal of {amount} was rejected: {reason}\nThe money stays in your wallet.",
        ),
        "ru": Template(
            "LOOSELINE: вывод {amount} отклонён",
            "Ваш запрос на вывод {amount} отклонён: {reason}\nДеньги остаются на вашем счёте.",
        ),
    },
    "BetWon": {
        "en": Template(
            "LOOSELINE: you won {payout}",
            "Your bet won: {bet}.\n{payout} has been credited to your wallet (stake {stake}).",
        ),
        "ru": Template(
            "LOOSELINE: вы выиграли {payout}",
            "Ваша ставка выиграла: {bet}.\nВыплата {payout} зачислена на счёт (ставка {stake}).",
        ),
    },
    "SubscriptionSuspended": {
        "en": Template(
            "LOOSELINE: your Pro subscription is suspended",
            "We could not renew your subscription: your balance was below {price}. "
            "Your access ends at {access_ends_at}. Top up your wallet to resume it.",
        ),
        "ru": Template(
            "LOOSELINE: подписка Pro приостановлена",
            "Не удалось продлить подписку: на балансе меньше {price}. "
            "Доступ закончится {access_ends_at}. Пополните счёт, чтобы возобновить её.",
        ),
    },
    "PackageExpiringSoon": {
        "en": Template(
            "LOOSELINE: {units_left} package units expire soon",
            "{units_left} unused units of your package expire at {expires_at}. "
            "Use them before then.",
        ),
        "ru": Template(
            "LOOSELINE: скоро сгорят единицы пакета ({units_left})",
            "Неиспользованные единицы пакета ({units_left}) сгорят {expires_at}. "
            "Успейте их использовать.",
        ),
    },
    "LossLimitSet": {
        "en": Template(
            "LOOSELINE: your {period} loss limit is {limit}",
            "Your {period} loss limit is {limit}, in force from {effective_at}.",
        ),
        "ru": Template(
            "LOOSELINE: лимит проигрыша {period}: {limit}",
            "Ваш лимит проигрыша {period}: {limit}, действует с {effective_at}.",
        ),
    },
    "LossLimitRemoved": {
        "en": Template(
            "LOOSELINE: your {period} loss limit is removed",
            "Your {period} loss limit is removed from {effective_at}.",
        ),
        "ru": Template(
            "LOOSELINE: лимит проигрыша {period} снят",
            "Ваш лимит проигрыша {period} снимается с {effective_at}.",
        ),
    },
    "DepositLimitSet": {
        "en": Template(
            "LOOSELINE: your {period} deposit limit is {limit}",
            "Your {period} deposit limit is {limit}, in force from {effective_at}.",
        ),
        "ru": Template(
            "LOOSELINE: лимит депозитов {period}: {limit}",
            "Ваш лимит депозитов {period}: {limit}, действует с {effective_at}.",
        ),
    },
    "DepositLimitRemoved": {
        "en": Template(
            "LOOSELINE: your {period} deposit limit is removed",
            "Your {period} deposit limit is removed from {effective_at}.",
        ),
        "ru": Template(
            "LOOSELINE: лимит депозитов {period} снят",
            "Ваш лимит депозитов {period} снимается с {effective_at}.",
        ),
    },
    "UserTimedOut": {
        "en": Template(
            "LOOSELINE: your time-out lasts until {until}",
            "You took a time-out: no bets or deposits until {until}. "
            "Open bets still settle and you can still withdraw.",
        ),
        "ru": Template(
            "LOOSELINE: перерыв до {until}",
            "Вы взяли перерыв: ставки и депозиты недоступны до {until}. "
            "Открытые ставки будут рассчитаны, вывод средств доступен.",
        ),
    },
    "UserSelfExcluded": {
        "en": Template(
            "LOOSELINE: you are self-excluded until {until}",
            "You excluded yourself from LOOSELINE until {until}; this cannot be reversed "
            "early. Open bets still settle and you can still withdraw.",
        ),
        "ru": Template(
            "LOOSELINE: самоисключение до {until}",
            "Вы исключили себя из LOOSELINE до {until}; досрочно отменить это нельзя. "
            "Открытые ставки будут рассчитаны, вывод средств доступен.",
        ),
    },
}


def render(template: str, language: str, *, name: str, values: dict[str, str]) -> Rendered:
    """The message ``template`` in ``language`` (English for a language we do not write)."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    chosen = TEMPLATES[template][language]
    fields = dict(values)
    if "period" in fields:
        fields["period"] = PERIODS[language][fields["period"]]
    text = chosen.text.format(**fields)
    body = "\n\n".join((GREETING[language].format(name=name), text, SIGNATURE[language]))
    return Rendered(subject=chosen.subject.format(**fields), body=body + "\n")
