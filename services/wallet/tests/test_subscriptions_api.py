"""Subscriptions over HTTP (issue 22, seed 002): plans, subscribe, change plan, cancel, resume,
the payment log, the admin's plans and figures — money checked to the cent on the ledger."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from services.wallet.tests.support.ledger import Api, WalletDb, make_wallet
from services.wallet.tests.test_reports_export import download, export, sections
from sqlalchemy import text

from wallet.adapters.subscriptions import Figures, PlanLoad
from wallet.domain.subscriptions import Plan, Subscription, SubscriptionStatus, unused_minor
from wallet.entrypoints.api.subscription_schemas import daily_run_rate_minor
from wallet.service_layer import subscriptions
from wallet.service_layer.subscription_jobs import renew_due_subscriptions
from wallet.service_layer.unit_of_work import WalletUnitOfWork

PLANS = "/api/wallet/admin/plans"
SUB = "/api/wallet/subscription"
LEAD = timedelta(seconds=30)


async def make_plan(api: Api, price: str = "9.99", **overrides: Any) -> dict[str, Any]:
    body = {"name": f"Pro {uuid.uuid4().hex[:6]}", "price": price, **overrides}
    if "price_minor" in overrides:
        del body["price"]
    made = await api.admin_post(PLANS, body)
    assert made.status_code == 201, made.text
    plan: dict[str, Any] = made.json()["plan"]
    return plan


async def ledger_legs(db: WalletDb, user: uuid.UUID) -> list[tuple[str, str, str, int]]:
    """(transfer kind, reference, account kind, amount) of the user's subscription transfers."""
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT t.kind, t.reference, a.kind AS account, e.amount_minor"
                " FROM wallet.transfer t JOIN wallet.entry e ON e.transfer_id = t.id"
                " JOIN wallet.account a ON a.id = e.account_id"
                " WHERE t.user_id = :u AND t.kind LIKE 'subscription%'"
                " ORDER BY t.created_at, t.kind DESC, a.kind"
            ),
            {"u": user},
        )
        return [(r.kind, r.reference, r.account, int(r.amount_minor)) for r in rows]


async def sub_row(db: WalletDb, user: uuid.UUID) -> dict[str, Any]:
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT * FROM wallet.subscription WHERE user_id = :u"
                    " ORDER BY created_at DESC LIMIT 1"
                ),
                {"u": user},
            )
        ).one()
    return dict(row._mapping)


async def shift_into_past(db: WalletDb, subscription_id: Any, by: timedelta) -> None:
    """Time passes for one subscription: its paid times move back by ``by`` (no sleeping)."""
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE wallet.subscription SET paid_from = paid_from - d,"
                " period_start = period_start - d, paid_through = paid_through - d"
                " FROM (SELECT make_interval(secs => :secs) AS d) AS shift WHERE id = :s"
            ),
            {"secs": by.total_seconds(), "s": subscription_id},
        )


async def total_of_accounts(db: WalletDb) -> int:
    return await db.count("SELECT coalesce(sum(balance_minor), 0) FROM wallet.account")


def error_code(response: Any) -> str:
    return str(response.json()["error"]["code"])


# --- subscribing ------------------------------------------------------------------------------


async def test_subscribing_charges_exactly_the_price_on_the_ledger_and_in_history(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "9.99", features=["exports_plus"])
    user = await make_wallet(wallet_db, balance_minor=5_000)

    listed = await api.get("/api/wallet/plans", user)
    assert plan["id"] in [p["id"] for p in listed.json()["plans"]]
    made = await api.post(SUB, user, {"plan_id": plan["id"]})

    assert made.status_code == 201, made.text
    answer = made.json()["subscription"]
    assert answer["status"] == "active"
    assert answer["has_access"] is True
    assert answer["features"] == ["exports_plus"]
    assert answer["period_number"] == 1
    assert answer["next_renewal_price"] == "9.99"
    paid_from = datetime.fromisoformat(answer["paid_from"])
    assert datetime.fromisoformat(answer["paid_through"]) - paid_from == timedelta(hours=1)
    assert (await wallet_db.balances(user))[0] == 5_000 - 999
    reference = f"{answer['subscription_id']}:1"
    assert await ledger_legs(wallet_db, user) == [
        ("subscription_charge", reference, "available", -999),
        ("subscription_charge", reference, "subscription_revenue", 999),
    ]
    line = (await wallet_db.history(user))[-1]
    assert (line["type"], line["amount_minor"], line["reference"]) == (
        "subscription",
        -999,
        reference,
    )
    assert line["balance_before_minor"] - line["balance_after_minor"] == 999
    assert line["metadata"]["plan_id"] == plan["id"]
    assert line["metadata"]["plan_name"] == plan["name"]
    assert line["metadata"]["period_number"] == 1
    history = await api.get("/api/wallet/history", user, type="subscription")
    assert history.status_code == 200
    assert len(history.json()["transactions"]) == 1
    assert await total_of_accounts(wallet_db) == 0
    charged = await wallet_db.emitted("SubscriptionCharged", user_id=user)
    assert [(c["period_number"], c["amount_minor"]) for c in charged] == [(1, 999)]
    got = await api.get(SUB, user)
    assert got.json()["subscription"]["subscription_id"] == answer["subscription_id"]


async def test_too_little_money_is_refused_with_billing_insufficient_funds_and_moves_nothing(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "10.00")
    user = await make_wallet(wallet_db, balance_minor=999)

    refused = await api.post(SUB, user, {"plan_id": plan["id"]})

    assert refused.status_code == 422
    assert error_code(refused) == "billing.insufficient_funds"
    assert (await wallet_db.balances(user))[0] == 999
    assert await ledger_legs(wallet_db, user) == []
    assert (
        await wallet_db.count("SELECT count(*) FROM wallet.subscription WHERE user_id = :u", u=user)
        == 0
    )
    missing = await api.get(SUB, user)
    assert (missing.status_code, error_code(missing)) == (404, "billing.no_subscription")


async def test_an_idempotency_key_retry_charges_once(api: Api, wallet_db: WalletDb) -> None:
    plan = await make_plan(api, "3.50")
    user = await make_wallet(wallet_db, balance_minor=1_000)

    first = await api.post(SUB, user, {"plan_id": plan["id"]}, key="sub-once")
    again = await api.post(SUB, user, {"plan_id": plan["id"]}, key="sub-once")

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert (await wallet_db.balances(user))[0] == 650
    assert len(await ledger_legs(wallet_db, user)) == 2


async def test_two_parallel_subscribes_of_one_user_make_one_subscription_and_one_charge(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "2.00")
    user = await make_wallet(wallet_db, balance_minor=10_000)

    answers = await asyncio.gather(
        *(api.post(SUB, user, {"plan_id": plan["id"]}) for _ in range(6))
    )

    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 409, 409, 409, 409, 409]
    assert {error_code(a) for a in answers if a.status_code == 409} == {
        "billing.subscription_active"
    }
    assert (await wallet_db.balances(user))[0] == 9_800
    assert (
        await wallet_db.count("SELECT count(*) FROM wallet.subscription WHERE user_id = :u", u=user)
        == 1
    )
    assert len(await ledger_legs(wallet_db, user)) == 2


# --- plan change, cancel, resume ----------------------------------------------------------------


async def test_a_plan_change_refunds_the_unused_part_and_charges_the_new_plan(
    api: Api, wallet_db: WalletDb
) -> None:
    basic = await make_plan(api, "10.00")
    pro = await make_plan(api, "25.00", features=["exports_plus"])
    user = await make_wallet(wallet_db, balance_minor=3_000)
    made = (await api.post(SUB, user, {"plan_id": basic["id"]})).json()["subscription"]
    sub_id = made["subscription_id"]
    await shift_into_past(wallet_db, sub_id, timedelta(minutes=20))  # a third used
    before = await sub_row(wallet_db, user)

    changed = await api.post(f"{SUB}/plan", user, {"plan_id": pro["id"]})

    assert changed.status_code == 200, changed.text
    answer = changed.json()["subscription"]
    assert answer["plan"]["id"] == pro["id"]
    assert answer["period_number"] == 2
    assert answer["features"] == ["exports_plus"]
    at = datetime.fromisoformat(answer["paid_through"]) - timedelta(hours=1)
    old = Subscription(
        before["id"], user, before["plan_id"], SubscriptionStatus.active,
        before["paid_from"], before["period_start"], before["paid_through"],
        before["period_number"],
    )  # fmt: skip
    refund = unused_minor(old, Plan(before["plan_id"], basic["name"], 1_000), at)
    assert 600 <= refund <= 667  # about two thirds of 10.00, rounded in the user's favour
    assert (await wallet_db.balances(user))[0] == 3_000 - 1_000 + refund - 2_500
    assert await ledger_legs(wallet_db, user) == [
        ("subscription_charge", f"{sub_id}:1", "available", -1_000),
        ("subscription_charge", f"{sub_id}:1", "subscription_revenue", 1_000),
        ("subscription_refund", f"{sub_id}:1", "available", refund),
        ("subscription_refund", f"{sub_id}:1", "subscription_revenue", -refund),
        ("subscription_charge", f"{sub_id}:2", "available", -2_500),
        ("subscription_charge", f"{sub_id}:2", "subscription_revenue", 2_500),
    ]
    types = [(h["type"], h["amount_minor"]) for h in await wallet_db.history(user)][-3:]
    assert types == [("subscription", -1_000), ("subscription_refund", refund),
                     ("subscription", -2_500)]  # fmt: skip
    log = (await api.get(f"{SUB}/charges", user)).json()
    assert [(c["kind"], c["amount"], c["period_number"]) for c in log["charges"]] == [
        ("charge", "-25.00", 2),
        ("refund", f"{refund // 100}.{refund % 100:02d}", 1),
        ("charge", "-10.00", 1),
    ]
    assert log["pagination"]["total_items"] == 3


async def test_an_unaffordable_plan_change_is_refused_with_nothing_moved(
    api: Api, wallet_db: WalletDb
) -> None:
    basic = await make_plan(api, "10.00")
    pro = await make_plan(api, "50.00")
    user = await make_wallet(wallet_db, balance_minor=2_000)
    await api.post(SUB, user, {"plan_id": basic["id"]})
    before = await sub_row(wallet_db, user)

    refused = await api.post(f"{SUB}/plan", user, {"plan_id": pro["id"]})

    assert (refused.status_code, error_code(refused)) == (422, "billing.insufficient_funds")
    assert (await wallet_db.balances(user))[0] == 1_000
    assert len(await ledger_legs(wallet_db, user)) == 2
    assert await sub_row(wallet_db, user) == before


async def test_cancel_keeps_access_refunds_nothing_and_subscribing_again_resumes_free(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "5.00")
    user = await make_wallet(wallet_db, balance_minor=1_000)
    await api.post(SUB, user, {"plan_id": plan["id"]})

    cancelled = await api.post(f"{SUB}/cancel", user)

    assert cancelled.status_code == 200, cancelled.text
    answer = cancelled.json()["subscription"]
    assert (answer["status"], answer["has_access"], answer["next_renewal_at"]) == (
        "cancelled",
        True,
        None,
    )
    assert (await wallet_db.balances(user))[0] == 500
    assert len(await ledger_legs(wallet_db, user)) == 2
    assert len(await wallet_db.emitted("SubscriptionCancelled", user_id=user)) == 1
    again = await api.post(f"{SUB}/cancel", user)
    assert (again.status_code, error_code(again)) == (404, "billing.no_subscription")

    back = await api.post(SUB, user, {"plan_id": plan["id"]})

    assert back.status_code == 201, back.text
    assert back.json()["subscription"]["status"] == "active"
    assert back.json()["subscription"]["subscription_id"] == answer["subscription_id"]
    assert (await wallet_db.balances(user))[0] == 500  # paid time still runs: nothing charged
    assert len(await wallet_db.emitted("SubscriptionResumed", user_id=user)) == 1


async def test_resume_after_the_paid_time_ran_out_charges_a_full_period_from_now(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "4.00")
    user = await make_wallet(wallet_db, balance_minor=1_000)
    made = (await api.post(SUB, user, {"plan_id": plan["id"]})).json()["subscription"]
    await api.post(f"{SUB}/cancel", user)
    await shift_into_past(wallet_db, made["subscription_id"], timedelta(hours=3))
    assert (await api.get(SUB, user)).status_code == 404  # cancelled and run out

    resumed = await api.post(f"{SUB}/resume", user)

    assert resumed.status_code == 200, resumed.text
    answer = resumed.json()["subscription"]
    assert (answer["status"], answer["period_number"], answer["has_access"]) == (
        "active",
        2,
        True,
    )
    paid_from = datetime.fromisoformat(answer["paid_from"])
    assert datetime.fromisoformat(answer["paid_through"]) - paid_from == timedelta(hours=1)
    assert (await wallet_db.balances(user))[0] == 200


# --- plans --------------------------------------------------------------------------------------


async def test_plans_are_managed_by_admins_and_a_bettor_gets_403(
    api: Api, wallet_db: WalletDb
) -> None:
    bettor = await make_wallet(wallet_db)
    denied = await api.post(PLANS, bettor, {"name": "Free", "price": "1.00"})
    assert denied.status_code == 403
    assert (await api.get(PLANS, bettor)).status_code == 403
    bad = [
        {"name": "Short", "price": "1.00", "period_seconds": 59},
        {"name": "Both", "price": "1.00", "price_minor": 100},
        {"name": "Flag", "price": "1.00", "features": ["Exports Plus"]},
        {"name": "Free", "price": "0.00"},
    ]
    for body in bad:
        answer = await api.admin_post(PLANS, body)
        assert answer.status_code == 422, body

    made = await make_plan(api, price_minor=1_234, period_seconds=120, features=["a_b"])
    assert (made["price"], made["period_seconds"], made["features"]) == ("12.34", 120, ["a_b"])
    listed = await api.get(PLANS, uuid.uuid4(), role="admin")
    assert made["id"] in [p["id"] for p in listed.json()["plans"]]
    audited = await wallet_db.count(
        "SELECT count(*) FROM wallet.audit_log WHERE action = 'subscription_plan_created'"
        " AND details ->> 'plan_id' = :p",
        p=made["id"],
    )
    assert audited == 1


async def test_a_retired_plan_refuses_new_subscribers_and_still_renews_current_ones(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "1.50")
    current = await make_wallet(wallet_db, balance_minor=1_000)
    newcomer = await make_wallet(wallet_db, balance_minor=1_000)
    made = (await api.post(SUB, current, {"plan_id": plan["id"]})).json()["subscription"]

    retired = await api.admin_post(f"{PLANS}/{plan['id']}/retire")

    assert retired.status_code == 200, retired.text
    assert retired.json()["plan"]["retired"] is True
    assert plan["id"] not in [
        p["id"] for p in (await api.get("/api/wallet/plans", newcomer)).json()["plans"]
    ]
    refused = await api.post(SUB, newcomer, {"plan_id": plan["id"]})
    assert (refused.status_code, error_code(refused)) == (409, "billing.plan_retired")
    assert (await wallet_db.balances(newcomer))[0] == 1_000
    await shift_into_past(wallet_db, made["subscription_id"], timedelta(hours=1))
    await renew_due_subscriptions(wallet_db.engine, lead=LEAD)
    assert (await sub_row(wallet_db, current))["period_number"] == 2
    assert (await wallet_db.balances(current))[0] == 1_000 - 2 * 150
    missing = await api.admin_post(f"{PLANS}/{uuid.uuid4()}/retire")
    assert (missing.status_code, error_code(missing)) == (404, "billing.plan_not_found")


async def test_the_stats_count_subscribers_and_recurring_revenue_to_the_cent(
    api: Api, wallet_db: WalletDb
) -> None:
    async def stats() -> dict[str, Any]:
        answer = await api.get("/api/wallet/admin/subscriptions/stats", uuid.uuid4(), role="admin")
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()["stats"]
        return found

    def minor(value: str) -> int:
        return int(Decimal(value) * 100)

    before = await stats()
    hourly = await make_plan(api, "1.01")  # 24.24 a day
    seven = await make_plan(api, "0.10", period_seconds=420)  # 0.10 per 7 minutes
    a = await make_wallet(wallet_db, balance_minor=10_000)
    b = await make_wallet(wallet_db, balance_minor=10_000)
    c = await make_wallet(wallet_db, balance_minor=10_000)
    await api.post(SUB, a, {"plan_id": hourly["id"]})
    await api.post(SUB, b, {"plan_id": seven["id"]})
    await api.post(SUB, c, {"plan_id": hourly["id"]})
    await api.post(f"{SUB}/cancel", c)
    async with wallet_db.engine.begin() as conn:  # b's renewal found too little money
        await conn.execute(
            text("UPDATE wallet.subscription SET status = 'suspended' WHERE user_id = :u"),
            {"u": b},
        )
    after = await stats()
    assert after["active_subscribers"] - before["active_subscribers"] == 1
    assert after["suspended_subscribers"] - before["suspended_subscribers"] == 1
    assert minor(after["revenue_24h"]) - minor(before["revenue_24h"]) == 101 + 10 + 101
    assert minor(after["revenue_30d"]) - minor(before["revenue_30d"]) == 212
    # a alone is active among these: the run-rate grows by its plan's daily price exactly
    assert minor(after["run_rate_daily"]) - minor(before["run_rate_daily"]) == 2_424


async def test_exports_plus_is_granted_while_the_paid_time_runs(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "1.00", features=["exports_plus"])
    user = await make_wallet(wallet_db, balance_minor=500)
    made = (await api.post(SUB, user, {"plan_id": plan["id"]})).json()["subscription"]

    async def granted() -> frozenset[str]:
        async with WalletUnitOfWork(wallet_db.sessionmaker) as uow:
            return await subscriptions.granted_features(uow, user)

    async def factor() -> int:
        async with WalletUnitOfWork(wallet_db.sessionmaker) as uow:
            return await subscriptions.report_limit_factor(uow, user)

    assert await granted() == {"exports_plus"}
    assert await factor() == 4
    await api.post(f"{SUB}/cancel", user)
    assert await granted() == {"exports_plus"}  # cancelled: access to the paid end
    await shift_into_past(wallet_db, made["subscription_id"], timedelta(hours=2))
    assert await granted() == frozenset()
    assert await factor() == 1


def test_the_daily_run_rate_is_exact_then_rounded_half_up_to_the_cent() -> None:
    seven_minutes = PlanLoad(price_minor=10, period=timedelta(minutes=7), subscribers=1)
    hourly = PlanLoad(price_minor=101, period=timedelta(hours=1), subscribers=2)
    # 10 * 86400 / 420 = 2057.14...; 3 of them 6171.43 -> 6171; + 101 * 24 * 2 = 4848
    assert daily_run_rate_minor(Figures(0, 0, 0, 0, [seven_minutes])) == 2_057
    three = PlanLoad(price_minor=10, period=timedelta(minutes=7), subscribers=3)
    assert daily_run_rate_minor(Figures(0, 0, 0, 0, [three, hourly])) == 6_171 + 4_848
    half = PlanLoad(price_minor=1, period=timedelta(days=2), subscribers=1)  # 0.5 → 1
    assert daily_run_rate_minor(Figures(0, 0, 0, 0, [half])) == 1


async def test_exports_plus_lets_the_export_span_four_times_the_period(
    api: Api, wallet_db: WalletDb
) -> None:
    """The flag's consumer: ``POST /api/wallet/export`` over two years is refused without it
    (the limit is 366 days) and accepted while a plan with ``exports_plus`` runs."""
    plan = await make_plan(api, "1.00", features=["exports_plus"])
    user = await make_wallet(wallet_db, balance_minor=500)
    today = datetime.now(UTC).date()
    body = {
        "format": "csv",
        "date_from": (today - timedelta(days=729)).isoformat(),
        "date_to": today.isoformat(),
    }
    refused = await api.post("/api/wallet/export", user, body)
    assert refused.status_code == 422, refused.text
    assert (await api.post(SUB, user, {"plan_id": plan["id"]})).status_code == 201
    accepted = await api.post("/api/wallet/export", user, body)
    assert accepted.status_code == 201, accepted.text


async def test_a_charge_is_in_the_users_export_as_a_subscription_row(
    api: Api, wallet_db: WalletDb
) -> None:
    plan = await make_plan(api, "9.99")
    user = await make_wallet(wallet_db, balance_minor=2_000)
    assert (await api.post(SUB, user, {"plan_id": plan["id"]})).status_code == 201
    report = await export(api, user, format="csv", include_bets=False, include_statistics=False)
    rows = sections((await download(api, report)).content)["TRANSACTIONS"]
    charged = [r for r in rows if r["type"] == "subscription"]
    assert [(r["amount"], r["balance_after"]) for r in charged] == [("-9.99", "10.01")], rows
