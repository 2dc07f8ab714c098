"""The consumer's side: keep the read model of users, and turn a bus message into deliveries.

In the consumer's one transaction (with its inbox row) a message only WRITES rows: one
``pending`` delivery per channel the user gets it on, its subject and body rendered in the
user's language now. Nothing is sent here (no SMTP or Telegram call ever holds a transaction,
or a money message, hostage); the sender does that (``service_layer.sender``). A kind switched
off on a channel writes no delivery for it: nothing to send, nothing in the history.
"""

from __future__ import annotations

from pydantic import BaseModel

from common.contracts.auth import LanguageChanged, UserRegistered
from common.errors import EarlierMessagePending
from common.logging import get_logger
from common.messaging.consumer import MessageContext
from notifications.adapters.repositories import NewDelivery
from notifications.domain.kinds import Channel
from notifications.domain.templates import render
from notifications.service_layer.notices import notice_for
from notifications.service_layer.unit_of_work import UnitOfWork

log = get_logger(__name__)


async def on_user_registered(message: UserRegistered, ctx: MessageContext) -> None:
    uow = UnitOfWork.for_message(ctx)
    await uow.recipients.registered(message.user_id, email=message.email, name=message.name)


async def on_language_changed(message: LanguageChanged, ctx: MessageContext) -> None:
    uow = UnitOfWork.for_message(ctx)
    await uow.recipients.language_changed(
        message.user_id, message.language, ctx.envelope.occurred_at
    )


async def on_notice(message: BaseModel, ctx: MessageContext, *, telegram_enabled: bool) -> None:
    notice = notice_for(message)
    if notice is None:
        return
    uow = UnitOfWork.for_message(ctx)
    user = await uow.recipients.get(notice.user_id)
    if user is None or user.email is None:
        # auth.UserRegistered not seen yet: the consumer retries this one until it is.
        raise EarlierMessagePending(f"user {notice.user_id} not known yet")
    choice = (await uow.preferences.for_user(notice.user_id))[notice.kind]
    rendered = render(
        notice.template, user.language, name=user.name or user.email, values=notice.values
    )
    addresses: list[tuple[Channel, str]] = []
    if choice.email:
        addresses.append((Channel.email, user.email))
    if telegram_enabled and choice.telegram and user.telegram_chat_id:
        addresses.append((Channel.telegram, user.telegram_chat_id))
    written = await uow.deliveries.add(
        [
            NewDelivery(
                event_id=ctx.envelope.event_id,
                channel=channel,
                user_id=notice.user_id,
                kind=notice.kind,
                template=notice.template,
                language=user.language,
                address=address,
                subject=rendered.subject,
                body=rendered.body,
            )
            for channel, address in addresses
        ]
    )
    log.info(
        "notifications.deliveries_written",
        template=notice.template,
        channels=[channel.value for channel, _ in addresses],
        written=written,
    )
