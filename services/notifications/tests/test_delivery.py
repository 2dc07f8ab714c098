"""From a bus message to an email in the SMTP sink and a message in the Telegram stand-in, over
real PostgreSQL, RabbitMQ and sockets: once per event and channel, in the user's language,
retried on a passing failure, failed at once on a permanent one, never lost to an SMTP outage."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from decimal import Decimal

import asyncpg
import httpx
import pytest
from services.notifications.tests.builders import deliveries, eventually
from services.notifications.tests.conftest import Mailbox, MakeUser, Publish

from common.contracts.auth import UserRegistered
from common.contracts.bets import BetSettled
from common.contracts.wallet import DepositCompleted
from common.messaging.envelope import wrap
from common.testing.messages import bet_leg, bet_settled
from devtools.telegram_api import TelegramApi


def deposit(user_id: uuid.UUID, amount_minor: int = 1250) -> DepositCompleted:
    return DepositCompleted(
        operation_id=uuid.uuid4(), user_id=user_id, amount_minor=amount_minor, currency="EUR"
    )


def settled(user_id: uuid.UUID, result: str, payout_minor: int) -> BetSettled:
    leg = bet_leg(event_name="Real Madrid v Barcelona", coefficient=Decimal("2.500"))
    return bet_settled(user_id, result, payout_minor, currency="EUR", leg=leg)


async def statuses(pg: asyncpg.Connection, user_id: uuid.UUID) -> dict[str, tuple[str, int]]:
    return {r["channel"]: (r["status"], r["attempts"]) for r in await deliveries(pg, user_id)}


@dataclass
class Delivery:
    """What these tests work with: users known to the service, the bus, its API, the SMTP
    sink, the Telegram stand-in and SQL as superuser."""

    make_user: MakeUser
    publish: Publish
    api: httpx.AsyncClient
    mailbox: Mailbox
    telegram_api: TelegramApi
    pg: asyncpg.Connection


@pytest.fixture
def world(
    make_user: MakeUser,
    publish: Publish,
    api: httpx.AsyncClient,
    mailbox: Mailbox,
    telegram_api: TelegramApi,
    pg: asyncpg.Connection,
) -> Delivery:
    return Delivery(make_user, publish, api, mailbox, telegram_api, pg)


async def test_a_deposit_is_one_email_and_one_telegram_message_even_delivered_twice(
    world: Delivery,
) -> None:
    user = await world.make_user(telegram=True)
    assert user.chat_id is not None
    envelope = wrap(deposit(user.user_id, 1250))
    await world.publish(envelope, envelope)

    mail = await world.mailbox.sink.wait_for(user.email, timeout_s=10)
    assert mail.subject == "LOOSELINE: deposit of 12.50 EUR credited"
    assert mail.text is not None
    assert "Hello Alex," in mail.text
    assert "Your deposit of 12.50 EUR has been credited" in mail.text
    [telegram] = await world.telegram_api.wait_for(user.chat_id, timeout_s=10)
    assert telegram.text.startswith("LOOSELINE: deposit of 12.50 EUR credited\n\n")
    assert "12.50 EUR" in telegram.text

    async def both_sent() -> bool:
        return await statuses(world.pg, user.user_id) == {
            "email": ("sent", 1),
            "telegram": ("sent", 1),
        }

    await eventually(both_sent)
    metrics = (await world.api.get("/metrics")).text
    assert 'looseline_notifications_sent_total{channel="email",outcome="sent"}' in metrics
    assert 'looseline_notifications_sent_total{channel="telegram",outcome="sent"}' in metrics
    await world.publish(envelope)  # once more, after everything was sent
    await asyncio.sleep(0.8)
    assert len(world.mailbox.sink.messages(user.email)) == 1
    assert len(world.telegram_api.messages(user.chat_id)) == 1
    rows = await deliveries(world.pg, user.user_id)
    assert {(r["event_id"], r["channel"]) for r in rows} == {
        (envelope.event_id, "email"),
        (envelope.event_id, "telegram"),
    }


async def test_a_kind_switched_off_sends_nothing_on_that_channel_and_ru_is_russian(
    world: Delivery,
) -> None:
    user = await world.make_user(language="ru", telegram=True)
    assert user.chat_id is not None
    off = {"kinds": [{"kind": "deposit", "email": False, "telegram": True}]}
    answer = await world.api.put("/api/notifications/preferences", json=off, headers=user.headers)
    assert answer.status_code == 200, answer.text
    await world.publish(deposit(user.user_id, 500000))

    [telegram] = await world.telegram_api.wait_for(user.chat_id, timeout_s=10)
    assert telegram.text.startswith("LOOSELINE: депозит 5000.00 EUR зачислен\n\n")
    assert "Здравствуйте, Alex!" in telegram.text
    assert "Ваш депозит 5000.00 EUR зачислен на счёт." in telegram.text
    await asyncio.sleep(0.5)
    assert world.mailbox.sink.messages(user.email) == []
    assert [r["channel"] for r in await deliveries(world.pg, user.user_id)] == ["telegram"]

    # The email channel of another kind is still on: Russian too.
    await world.publish(settled(user.user_id, "won", 2500))
    mail = await world.mailbox.sink.wait_for(user.email, timeout_s=10)
    assert mail.subject == "LOOSELINE: вы выиграли 25.00 EUR"
    assert mail.text is not None
    assert "Выплата 25.00 EUR зачислена на счёт (ставка 10.00 EUR)" in mail.text


async def test_telegram_failing_twice_with_500_is_delivered_on_the_third_attempt(
    world: Delivery,
) -> None:
    user = await world.make_user(telegram=True)
    assert user.chat_id is not None
    telegram_only = {"kinds": [{"kind": "deposit", "email": False, "telegram": True}]}
    answer = await world.api.put(
        "/api/notifications/preferences", json=telegram_only, headers=user.headers
    )
    assert answer.status_code == 200, answer.text
    world.telegram_api.fail_next(2, 500)
    await world.publish(deposit(user.user_id))

    await world.telegram_api.wait_for(user.chat_id, timeout_s=10)

    async def sent() -> bool:
        return await statuses(world.pg, user.user_id) == {"telegram": ("sent", 3)}

    await eventually(sent)
    [row] = await deliveries(world.pg, user.user_id)
    assert row["sent_at"] is not None
    assert len(world.telegram_api.messages(user.chat_id)) == 1


async def test_a_chat_not_found_fails_at_once_without_a_retry(world: Delivery) -> None:
    user = await world.make_user(telegram=True)
    assert user.chat_id is not None
    world.telegram_api.set_chat(user.chat_id, "unknown")
    await world.publish(deposit(user.user_id))

    async def failed() -> bool:
        return (await statuses(world.pg, user.user_id)).get("telegram") == ("failed", 1)

    await eventually(failed)
    [row] = [r for r in await deliveries(world.pg, user.user_id) if r["channel"] == "telegram"]
    assert row["last_error"] == "telegram_400: Bad Request: chat not found"
    calls = world.telegram_api.calls
    await asyncio.sleep(0.5)  # many sender passes
    assert (await statuses(world.pg, user.user_id))["telegram"] == ("failed", 1)
    assert world.telegram_api.calls == calls
    assert world.telegram_api.messages(user.chat_id) == []


async def test_an_smtp_outage_is_retried_later_and_nothing_is_lost(world: Delivery) -> None:
    user = await world.make_user()
    await world.mailbox.down()
    try:
        await world.publish(deposit(user.user_id, 4242))

        async def retried() -> bool:
            rows = await deliveries(world.pg, user.user_id)
            return [(r["status"], r["attempts"] >= 2) for r in rows] == [("pending", True)]

        await eventually(retried)
        [row] = await deliveries(world.pg, user.user_id)
        assert row["last_error"]  # the class of the failure, e.g. SMTPConnectError
    finally:
        await world.mailbox.up()
    mail = await world.mailbox.sink.wait_for(user.email, timeout_s=10)
    assert "42.42 EUR" in mail.subject

    async def sent() -> bool:
        return [r["status"] for r in await deliveries(world.pg, user.user_id)] == ["sent"]

    await eventually(sent)
    assert len(world.mailbox.sink.messages(user.email)) == 1


async def test_a_lost_bet_says_nothing_and_a_won_one_says_it_once(world: Delivery) -> None:
    user = await world.make_user()
    await world.publish(settled(user.user_id, "lost", 0), settled(user.user_id, "void", 1000))
    await world.publish(settled(user.user_id, "won", 2500))

    mail = await world.mailbox.sink.wait_for(user.email, timeout_s=10)
    assert mail.subject == "LOOSELINE: you won 25.00 EUR"
    assert mail.text is not None
    assert "Real Madrid v Barcelona (1X2: 1)" in mail.text
    await asyncio.sleep(0.5)
    assert len(world.mailbox.sink.messages(user.email)) == 1
    assert [r["template"] for r in await deliveries(world.pg, user.user_id)] == ["BetWon"]


async def test_a_message_before_the_user_is_known_waits_for_them(world: Delivery) -> None:
    user_id = uuid.uuid4()
    email = f"early-{user_id.hex[:10]}@example.com"
    await world.publish(deposit(user_id, 100))
    await asyncio.sleep(1.0)  # a few consumer retries (200 ms apart in tests)
    assert await deliveries(world.pg, user_id) == []
    await world.publish(UserRegistered(user_id=user_id, email=email, name="Early"))

    mail = await world.mailbox.sink.wait_for(email, timeout_s=15)
    assert mail.subject == "LOOSELINE: deposit of 1.00 EUR credited"
    await asyncio.sleep(0.5)
    assert len(world.mailbox.sink.messages(email)) == 1
    assert len(await deliveries(world.pg, user_id)) == 1
