"""The renewal job against the real database (issue 22, ADR 0012): times moved by UPDATE, never
by sleeping; two replicas at once; an outage; suspension for want of money and the top-up that
resumes it — each period charged once, to the cent."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from services.wallet.tests.support.ledger import WalletDb, deposit, make_wallet
from sqlalchemy import text

from wallet.domain.audit import ClientInfo
from wallet.domain.subscriptions import PlanUnaffordable, SubscriptionAlreadyActive
from wallet.service_layer import subscriptions
from wallet.service_layer.deposits.settle import credit
from wallet.service_layer.subscription_jobs import renew_due_subscriptions
from wallet.service_layer.unit_of_work import WalletUnitOfWork

LEAD = timedelta(seconds=30)
HOUR = timedelta(hours=1)


async def new_plan(db: WalletDb, price_minor: int, period: timedelta = HOUR) -> uuid.UUID:
    async with WalletUnitOfWork(db.sessionmaker) as uow:
        view = await subscriptions.create_plan(
            uow,
            name=f"Plan {uuid.uuid4().hex[:6]}",
            description="",
            price_minor=price_minor,
            period=period,
            features=frozenset(),
            currency="USD",
            client=ClientInfo(actor_id=uuid.uuid4()),
        )
        await uow.commit()
    return view.id


async def subscribed(
    db: WalletDb, *, balance_minor: int, price_minor: int
) -> tuple[uuid.UUID, uuid.UUID]:
    """A user with ``balance_minor`` deposited who subscribed (first period paid): (user, sub)."""
    user = await make_wallet(db, balance_minor=balance_minor)
    plan_id = await new_plan(db, price_minor)
    async with WalletUnitOfWork(db.sessionmaker) as uow:
        view = await subscriptions.subscribe_to_plan(uow, user_id=user, plan_id=plan_id, lead=LEAD)
        await uow.commit()
    return user, view.subscription.id


async def shift_into_past(db: WalletDb, subscription_id: uuid.UUID, by: timedelta) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE wallet.subscription SET paid_from = paid_from - d,"
                " period_start = period_start - d, paid_through = paid_through - d"
                " FROM (SELECT make_interval(secs => :secs) AS d) AS shift WHERE id = :s"
            ),
            {"secs": by.total_seconds(), "s": subscription_id},
        )


async def row(db: WalletDb, subscription_id: uuid.UUID) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        found = (
            await conn.execute(
                text("SELECT * FROM wallet.subscription WHERE id = :s"), {"s": subscription_id}
            )
        ).one()
    return dict(found._mapping)


async def charges(db: WalletDb, subscription_id: uuid.UUID) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT * FROM wallet.subscription_charge WHERE subscription_id = :s"
                " ORDER BY period_number"
            ),
            {"s": subscription_id},
        )
        return [dict(r._mapping) for r in rows]


async def charge_transfers(db: WalletDb, subscription_id: uuid.UUID) -> int:
    return await db.count(
        "SELECT count(*) FROM wallet.transfer WHERE kind = 'subscription_charge'"
        " AND reference LIKE :r",
        r=f"{subscription_id}:%",
    )


async def db_now(db: WalletDb) -> datetime:
    async with db.engine.connect() as conn:
        now = await conn.scalar(text("SELECT clock_timestamp()"))
    assert isinstance(now, datetime)
    return now


async def test_a_due_subscription_is_renewed_once_for_the_next_period(
    wallet_db: WalletDb,
) -> None:
    user, sub_id = await subscribed(wallet_db, balance_minor=1_000, price_minor=250)
    first = await row(wallet_db, sub_id)
    # 20 s before the paid end: inside the 30 s lead
    await shift_into_past(wallet_db, sub_id, HOUR - timedelta(seconds=20))
    shifted = await row(wallet_db, sub_id)

    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)

    renewed = await row(wallet_db, sub_id)
    assert renewed["period_number"] == 2
    # continuous: the new period starts where the paid one ends, not at the tick
    assert renewed["period_start"] == shifted["paid_through"]
    assert renewed["paid_through"] == shifted["paid_through"] + HOUR
    assert renewed["paid_from"] == shifted["paid_from"]
    assert first["period_number"] == 1
    assert (await wallet_db.balances(user))[0] == 500
    assert [c["amount_minor"] for c in await charges(wallet_db, sub_id)] == [250, 250]
    line = (await wallet_db.history(user))[-1]
    assert (line["type"], line["amount_minor"], line["metadata"]["period_number"]) == (
        "subscription",
        -250,
        2,
    )


async def test_two_replicas_at_once_charge_each_period_once(wallet_db: WalletDb) -> None:
    subs = [await subscribed(wallet_db, balance_minor=1_000, price_minor=100) for _ in range(5)]
    for _, sub_id in subs:
        await shift_into_past(wallet_db, sub_id, HOUR)

    ticks = await asyncio.gather(
        renew_due_subscriptions(wallet_db.engine, lead=LEAD),
        renew_due_subscriptions(wallet_db.engine, lead=LEAD),
    )

    assert sum(t.charged for t in ticks) >= len(subs)
    for user, sub_id in subs:
        assert (await row(wallet_db, sub_id))["period_number"] == 2
        assert await charge_transfers(wallet_db, sub_id) == 2
        assert len(await charges(wallet_db, sub_id)) == 2
        assert (await wallet_db.balances(user))[0] == 800
        assert len(await wallet_db.emitted("SubscriptionCharged", subscription_id=sub_id)) == 2


async def test_a_job_down_for_hours_charges_one_period_starting_at_its_tick(
    wallet_db: WalletDb,
) -> None:
    user, sub_id = await subscribed(wallet_db, balance_minor=5_000, price_minor=300)
    await shift_into_past(wallet_db, sub_id, timedelta(hours=7))  # six hours without access

    before = await db_now(wallet_db)
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)
    after = await db_now(wallet_db)
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)

    renewed = await row(wallet_db, sub_id)
    assert renewed["period_number"] == 2
    assert before <= renewed["period_start"] <= after  # the gap is not charged
    assert renewed["paid_from"] == renewed["period_start"]  # a new run of access
    assert renewed["paid_through"] == renewed["period_start"] + HOUR
    assert (await wallet_db.balances(user))[0] == 5_000 - 2 * 300


async def test_too_little_money_suspends_once_and_a_deposit_resumes_with_a_full_period(
    wallet_db: WalletDb,
) -> None:
    user, sub_id = await subscribed(wallet_db, balance_minor=500, price_minor=400)
    await shift_into_past(wallet_db, sub_id, HOUR + timedelta(minutes=5))

    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)

    suspended = await row(wallet_db, sub_id)
    assert (suspended["status"], suspended["period_number"]) == ("suspended", 1)
    assert (await wallet_db.balances(user))[0] == 100
    assert len(await wallet_db.emitted("SubscriptionSuspended", subscription_id=sub_id)) == 1
    await deposit(wallet_db, user, 200)  # 300 < 400: still suspended, the deposit commits
    assert (await row(wallet_db, sub_id))["status"] == "suspended"
    assert (await wallet_db.balances(user))[0] == 300

    top_up = uuid.uuid4()
    before = await db_now(wallet_db)
    for _ in range(2):  # the deposit redelivered: credited once, resumed once
        async with wallet_db.sessionmaker.begin() as session:
            await credit(
                WalletUnitOfWork.joining(session),
                user_id=user,
                operation_id=top_up,
                amount_minor=1_000,
            )
    after = await db_now(wallet_db)

    resumed = await row(wallet_db, sub_id)
    assert (resumed["status"], resumed["period_number"]) == ("active", 2)
    assert before <= resumed["period_start"] <= after
    assert resumed["paid_through"] == resumed["period_start"] + HOUR
    assert (await wallet_db.balances(user))[0] == 300 + 1_000 - 400
    assert len(await wallet_db.emitted("SubscriptionResumed", subscription_id=sub_id)) == 1
    assert await charge_transfers(wallet_db, sub_id) == 2
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)
    assert (await row(wallet_db, sub_id))["period_number"] == 2  # not due again


async def test_a_subscription_not_yet_due_is_left_alone(wallet_db: WalletDb) -> None:
    user, sub_id = await subscribed(wallet_db, balance_minor=1_000, price_minor=100)
    await shift_into_past(wallet_db, sub_id, HOUR - timedelta(minutes=5))  # 5 min left

    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)

    assert (await row(wallet_db, sub_id))["period_number"] == 1
    assert (await wallet_db.balances(user))[0] == 900


async def test_a_renewal_racing_a_plan_change_moves_money_once_per_period(
    wallet_db: WalletDb,
) -> None:
    user, sub_id = await subscribed(wallet_db, balance_minor=10_000, price_minor=100)
    other = await new_plan(wallet_db, 200)
    await shift_into_past(wallet_db, sub_id, HOUR)

    async def change() -> None:
        async with WalletUnitOfWork(wallet_db.sessionmaker) as uow:
            await subscriptions.change_subscription_plan(
                uow, user_id=user, plan_id=other, lead=LEAD
            )
            await uow.commit()

    await asyncio.gather(change(), renew_due_subscriptions(wallet_db.engine, lead=LEAD))

    found = await charges(wallet_db, sub_id)
    numbers = [c["period_number"] for c in found]
    assert numbers == list(range(1, len(found) + 1))  # one charge per number, no gap
    refunded = await wallet_db.count(
        "SELECT coalesce(sum(amount_minor), 0) FROM wallet.subscription_refund"
        " WHERE subscription_id = :s",
        s=sub_id,
    )
    charged = sum(c["amount_minor"] for c in found)
    assert (await wallet_db.balances(user))[0] == 10_000 - charged + refunded
    assert found[-1]["amount_minor"] == 200  # the change came last or alone


async def test_parallel_top_ups_and_a_resume_on_one_wallet_resume_and_charge_once(
    wallet_db: WalletDb,
) -> None:
    user, sub_id = await subscribed(wallet_db, balance_minor=400, price_minor=400)
    await shift_into_past(wallet_db, sub_id, HOUR)
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)
    assert (await row(wallet_db, sub_id))["status"] == "suspended"

    async def resume_by_user() -> None:
        async with WalletUnitOfWork(wallet_db.sessionmaker) as uow:
            try:
                await subscriptions.resume_subscription(uow, user_id=user, lead=LEAD)
                await uow.commit()
            except (SubscriptionAlreadyActive, PlanUnaffordable):
                pass  # a top-up resumed it first, or none had landed yet

    await asyncio.gather(
        *(deposit(wallet_db, user, 300) for _ in range(4)),
        resume_by_user(),
        resume_by_user(),
    )

    resumed = await row(wallet_db, sub_id)
    assert (resumed["status"], resumed["period_number"]) == ("active", 2)
    assert await charge_transfers(wallet_db, sub_id) == 2
    assert (await wallet_db.balances(user))[0] == 4 * 300 - 400
    assert len(await wallet_db.emitted("SubscriptionResumed", subscription_id=sub_id)) == 1
