"""Monthly statements: one set-based, idempotent run per month; figures match the ledger."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from services.wallet.tests.support.ledger import (
    Api,
    WalletDb,
    add_method,
    bet_single,
    deposit,
    handle,
    make_leg,
    make_placed,
    make_resettled,
    make_settled,
    make_wallet,
    reserve_on_new_wallet,
)
from sqlalchemy import text

from common.periodic import LeaderLocks, advisory_key
from wallet.adapters.report_holders import record_account_holder
from wallet.domain.statements import Month, month_due
from wallet.service_layer import saga
from wallet.service_layer.report_jobs import report_periodic_jobs
from wallet.service_layer.statements import generate_statements
from wallet.settings import Settings


@dataclass(frozen=True)
class Months:
    now: datetime
    this: Month
    last: Month


@pytest.fixture
def months() -> Months:
    """This month and last, read when the test starts, not at import: a long suite, or one
    crossing midnight at a month's end, would put the bets in one month and ask for another."""
    now = datetime.now(UTC)
    this = Month(now.year, now.month)
    return Months(now, this, this.previous())


async def move_to_last_month(db: WalletDb, user: uuid.UUID, last: Month) -> None:
    """Everything the user has so far happened on the 2nd of ``last`` month (order kept)."""
    moment = last.start() + timedelta(days=1)
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE wallet.balance_transaction"
                " SET created_at = CAST(:t AS timestamptz) + id * interval '1 millisecond'"
                " WHERE user_id = :u"
            ),
            {"t": moment, "u": user},
        )
        await conn.execute(
            text("UPDATE wallet.wallet SET created_at = :t WHERE user_id = :u"),
            {"t": moment, "u": user},
        )
        await conn.execute(
            text(
                "UPDATE wallet.bet SET placed_at = :t, settled_at = :t, created_at = :t"
                " WHERE user_id = :u"
            ),
            {"t": moment, "u": user},
        )


async def two_months(api: Api, db: WalletDb, months: Months) -> uuid.UUID:
    """Last month: deposit 1 000.00, won 100.00 @ 1.85. This month: deposit 200.00, withdraw
    100.00, lost 50.00, void 30.00, open 40.00, won 20.00 @ 3.00."""
    user = await make_wallet(db, balance_minor=100_000)
    async with db.sessionmaker.begin() as session:
        await record_account_holder(session, user, email="olga@example.com", name="Ольга Смирнова")
    await bet_single(db, user, 10_000, "1.85", "won")
    await move_to_last_month(db, user, months.last)
    await deposit(db, user, 20_000)
    method_id = await add_method(api, user)
    withdrawn = await api.post(
        "/api/wallet/withdraw", user, {"amount": "100.00", "withdrawal_method_id": method_id}
    )
    assert withdrawn.status_code == 201, withdrawn.text
    await bet_single(db, user, 5_000, "2.00", "lost")
    await bet_single(db, user, 3_000, "2.00", "void")
    await bet_single(db, user, 4_000, "1.50", None)
    await bet_single(db, user, 2_000, "3.00", "won")
    return user


async def statements_of(db: WalletDb, user: uuid.UUID) -> list[dict[str, Any]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT * FROM wallet.monthly_statement WHERE user_id = :u ORDER BY year, month"),
            {"u": user},
        )
        return [dict(r._mapping) for r in rows]


async def test_statements_match_the_ledger_and_a_second_run_adds_nothing(
    api: Api, wallet_db: WalletDb, make_settings: Any, months: Months
) -> None:
    user = await two_months(api, wallet_db, months)
    settings = make_settings(Settings)
    job = {s.name: s for s in report_periodic_jobs(settings)}["monthly-statements"]
    if month_due(months.now, timedelta(minutes=settings.statement_grace_min)) == months.last:
        await job.job(wallet_db.engine)  # the periodic job closes last month
    await generate_statements(wallet_db.engine, months.last)
    await generate_statements(wallet_db.engine, months.this)
    # Run twice (and the job again): still one statement per user and month.
    assert await generate_statements(wallet_db.engine, months.last) == 0
    await job.job(wallet_db.engine)
    assert await generate_statements(wallet_db.engine, months.this) == 0

    last, this = await statements_of(wallet_db, user)
    assert (last["year"], last["month"], this["year"], this["month"]) == (
        months.last.year, months.last.month, months.this.year, months.this.month,
    )  # fmt: skip
    figures = [
        "opening_balance_minor", "closing_balance_minor", "deposits_minor", "withdrawals_minor",
        "stakes_minor", "winnings_minor", "refunds_minor", "adjustments_minor",
        "total_bet_minor", "total_won_minor", "net_profit_minor", "roi_percent",
        "win_rate_percent", "bets_placed", "bets_won", "bets_lost",
    ]  # fmt: skip
    assert [last[f] for f in figures] == [
        0, 108_500, 100_000, 0, 10_000, 18_500, 0, 0,
        10_000, 18_500, 8_500, Decimal("85.00"), Decimal("100.00"), 1, 1, 0,
    ]  # fmt: skip
    # 1 085 + 200 - 100 - (50 + 30 + 40 + 20) + 60 + 30 = 1 135; settled this month: lost 50,
    # won 20 → 60: net -10.00, ROI -14.29 %, win rate 50 %.
    assert [this[f] for f in figures] == [
        108_500, 113_500, 20_000, 10_000, 14_000, 6_000, 3_000, 0,
        7_000, 6_000, -1_000, Decimal("-14.29"), Decimal("50.00"), 4, 1, 1,
    ]  # fmt: skip
    available, _ = await wallet_db.balances(user)
    assert this["closing_balance_minor"] == available
    history = await wallet_db.history(user)
    assert last["transaction_count"] + this["transaction_count"] == len(history)
    assert sum(h["amount_minor"] for h in history) == available


async def test_statements_over_http_as_json_csv_and_pdf(
    api: Api, wallet_db: WalletDb, months: Months
) -> None:
    user = await two_months(api, wallet_db, months)
    await generate_statements(wallet_db.engine, months.this)
    listed = await api.get("/api/wallet/statements", user)
    assert listed.status_code == 200
    assert [(s["year"], s["month"]) for s in listed.json()["statements"]] == [
        (months.this.year, months.this.month)
    ]
    path = f"/api/wallet/statements/{months.this.year}/{months.this.month}"
    one = (await api.get(path, user)).json()["statement"]
    assert (one["opening_balance"], one["closing_balance"], one["net_profit"]) == (
        "1085.00", "1135.00", "-10.00",
    )  # fmt: skip
    assert (one["roi_percent"], one["win_rate_percent"]) == ("-14.29", "50.00")

    as_csv = await api.get(path, user, format="csv")
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    metrics = {r[0]: r[1] for r in rows if len(r) == 2}
    assert (metrics["Closing balance"], metrics["ROI %"]) == ("1135.00", "-14.29")
    assert metrics["account_holder"] == "Ольга Смирнова"

    as_pdf = await api.get(path, user, format="pdf")
    assert as_pdf.headers["content-type"] == "application/pdf"
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(as_pdf.content)).pages)
    assert f"Monthly statement — {months.this.label}" in content
    assert "Ольга Смирнова" in content
    assert "1135.00" in content
    assert "-14.29" in content

    stranger = await make_wallet(wallet_db)
    missing = await api.get(path, stranger)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "statement.not_found"
    assert (await api.get("/api/wallet/statements/2026/13", user)).status_code == 422


async def test_a_resettlement_is_an_adjustment_and_the_month_still_adds_up(
    wallet_db: WalletDb, months: Months
) -> None:
    user, reserve = await reserve_on_new_wallet(
        wallet_db,
        balance_minor=10_000,
        stake_minor=1_000,
        legs=[make_leg(coefficient=Decimal("2.00"))],
    )
    await handle(wallet_db, saga.on_bet_placed, make_placed(reserve))
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", payout_minor=2_000))
    # The result is corrected: won → lost, the 20.00 payout taken back.
    await handle(wallet_db, saga.on_bet_resettled, make_resettled(reserve, "won", "lost", -2_000))
    await generate_statements(wallet_db.engine, months.this)
    (this,) = await statements_of(wallet_db, user)
    assert (this["deposits_minor"], this["stakes_minor"], this["winnings_minor"]) == (
        10_000, 1_000, 2_000,
    )  # fmt: skip
    assert (this["adjustments_minor"], this["closing_balance_minor"]) == (-2_000, 9_000)
    assert this["closing_balance_minor"] == (await wallet_db.balances(user))[0]
    # The bet counts as lost now: net -10.00, ROI -100 %, win rate 0 %.
    assert (this["bets_won"], this["bets_lost"], this["net_profit_minor"]) == (0, 1, -1_000)
    assert (this["roi_percent"], this["win_rate_percent"]) == (Decimal("-100.00"), Decimal("0.00"))


def test_the_month_due_waits_for_the_grace_period() -> None:
    grace = timedelta(minutes=10)
    assert month_due(datetime(2026, 12, 15, tzinfo=UTC), grace) == Month(2026, 11)
    assert month_due(datetime(2026, 1, 1, 0, 5, tzinfo=UTC), grace) == Month(2025, 11)
    assert month_due(datetime(2026, 1, 1, 0, 11, tzinfo=UTC), grace) == Month(2025, 12)
    assert Month(2025, 12).next() == Month(2026, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2024, 2).last_day.day == 29


async def test_the_statement_job_generates_while_its_runner_holds_the_leader_lock(
    api: Api, wallet_db: WalletDb, months: Months
) -> None:
    """The periodic runner holds ``wallet.monthly-statements`` for as long as it leads; the
    generation it runs must not wait for that same lock (it then made nothing, ever)."""
    user = await two_months(api, wallet_db, months)
    leader = LeaderLocks(wallet_db.engine)
    try:
        assert await leader.try_acquire(advisory_key("wallet.monthly-statements")) is not None
        assert await generate_statements(wallet_db.engine, months.last) >= 1
    finally:
        await leader.close()
    assert [(s["year"], s["month"]) for s in await statements_of(wallet_db, user)] == [
        (months.last.year, months.last.month)
    ]
