"""The user's side: what they chose, their Telegram chat, what they were sent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from notifications.adapters.repositories import KindChoice
from notifications.domain.kinds import DEFAULT_LANGUAGE, KINDS
from notifications.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Preferences:
    email: str | None
    language: str
    telegram_chat_id: str | None
    kinds: list[KindChoice]


async def preferences(uow: UnitOfWork, user_id: uuid.UUID) -> Preferences:
    user = await uow.recipients.get(user_id)
    choices = await uow.preferences.for_user(user_id)
    return Preferences(
        email=user.email if user else None,
        language=user.language if user else DEFAULT_LANGUAGE,
        telegram_chat_id=user.telegram_chat_id if user else None,
        kinds=[choices[kind] for kind in KINDS],
    )


async def choose(uow: UnitOfWork, user_id: uuid.UUID, choices: Sequence[KindChoice]) -> Preferences:
    await uow.preferences.save(user_id, choices)
    answer = await preferences(uow, user_id)
    await uow.commit()
    return answer


async def link_telegram(uow: UnitOfWork, user_id: uuid.UUID, chat_id: str | None) -> Preferences:
    """Link (or with ``None`` unlink) the user's Telegram chat; messages already written keep
    the chat they were written for."""
    await uow.recipients.set_telegram(user_id, chat_id)
    answer = await preferences(uow, user_id)
    await uow.commit()
    return answer
