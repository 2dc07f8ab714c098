"""Exports over HTTP: CSV and PDF read back against the ledger, signed links, audit, 422s."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from services.wallet.tests.support.ledger import (
    Api,
    WalletDb,
    bet_single,
    make_wallet,
)
from sqlalchemy import text

from common.money import format_minor
from wallet.adapters.report_holders import record_account_holder
from wallet.domain.reports import link_signature
from wallet.settings import Settings

EXPORT = "/api/wallet/export"


def today() -> date:
    """Read when needed, not at import: a run crossing midnight must not compare two days."""
    return datetime.now(UTC).date()


LINK_KEY = Settings.DEV_REPORT_LINK_KEY


async def bettor(db: WalletDb, name: str = "Иван Петров") -> uuid.UUID:
    """A wallet with 1 000.00 deposited, three settled bets, one void, one open.

    won 100.00 @ 1.85 (185.00), lost 50.00, won 20.00 @ 3.00 (60.00), void 30.00, open 40.00:
    staked 170.00 on won/lost, won 245.00, net +75.00, ROI 44.12 %, win rate 66.67 %;
    available 1 000 - 170 + 245 - 40 = 1 035.00.
    """
    user = await make_wallet(db, balance_minor=100_000)
    async with db.sessionmaker.begin() as session:
        await record_account_holder(session, user, email="ivan@example.com", name=name)
    await bet_single(db, user, 10_000, "1.85", "won")
    await bet_single(db, user, 5_000, "2.00", "lost")
    await bet_single(db, user, 2_000, "3.00", "won")
    await bet_single(db, user, 3_000, "2.00", "void")
    await bet_single(db, user, 4_000, "1.50", None)
    return user


def sections(content: bytes) -> dict[str, list[dict[str, str]]]:
    """The CSV's sections (title row, header row, rows; an empty row between sections)."""
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    found: dict[str, list[dict[str, str]]] = {}
    i = 0
    while i < len(rows):
        title, header = rows[i][0], rows[i + 1]
        i += 2
        body = []
        while i < len(rows) and rows[i]:
            body.append(dict(zip(header, rows[i], strict=True)))
            i += 1
        found[title] = body
        i += 1  # the empty row
    return found


async def export(api: Api, user: uuid.UUID, **body: Any) -> dict[str, Any]:
    answer = await api.post(EXPORT, user, body)
    assert answer.status_code == 201, answer.text
    report: dict[str, Any] = answer.json()["report"]
    return report


async def download(api: Api, report: dict[str, Any]) -> Any:
    return await api.http.get(report["download_url"])  # no bearer: the link is the credential


async def test_csv_parses_back_to_the_ledger_rows_of_the_period(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await bettor(wallet_db)
    history = await wallet_db.history(user)
    # One row from long ago: outside the period, so not listed (and the opening balance moves).
    async with wallet_db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE wallet.balance_transaction SET created_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(days=90), "id": history[0]["id"]},
        )
    before = today()
    report = await export(api, user, format="csv")
    # The server's today: the day the export was asked (midnight may fall in between).
    ended = date.fromisoformat(report["date_to"])
    assert ended in (before, today())
    assert report["status"] == "ready"
    assert report["format"] == "csv"
    assert report["date_from"] == (ended - timedelta(days=30)).isoformat()
    assert report["date_to"] == ended.isoformat()
    assert report["filename"].endswith(".csv")
    assert report["file_size_bytes"] > 0
    answer = await download(api, report)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == f'attachment; filename="{report["filename"]}"'
    found = sections(answer.content)

    assert list(found) == ["REPORT", "BETS", "TRANSACTIONS", "STATISTICS"]
    meta = {r["field"]: r["value"] for r in found["REPORT"]}
    assert meta["account_holder"] == "Иван Петров"
    assert meta["email"] == "ivan@example.com"
    assert meta["currency"] == "USD"

    in_period = history[1:]  # the deposit was moved out of the period
    assert found["TRANSACTIONS"] == [
        {
            "id": str(h["id"]),
            "created_at": h["created_at"].isoformat(),
            "type": h["type"],
            "amount": format_minor(h["amount_minor"]),
            "balance_before": format_minor(h["balance_before_minor"]),
            "balance_after": format_minor(h["balance_after_minor"]),
            "status": h["status"],
            "description": h["description"],
            "reference": h["reference"],
        }
        for h in in_period
    ]
    # Amounts are plain decimals that add up: opening + rows = closing, to the cent.
    total = sum(Decimal(r["amount"]) for r in found["TRANSACTIONS"])
    stats = {r["metric"]: r["value"] for r in found["STATISTICS"]}
    assert Decimal(stats["Opening balance"]) == Decimal("1000.00")
    assert Decimal(stats["Opening balance"]) + total == Decimal(stats["Closing balance"])
    available, _ = await wallet_db.balances(user)
    assert stats["Closing balance"] == format_minor(available) == "1035.00"
    assert (stats["Net profit"], stats["ROI %"], stats["Win rate %"]) == ("75.00", "44.12", "66.67")
    assert (stats["Bets placed"], stats["Bets won"], stats["Bets lost"]) == ("5", "2", "1")
    assert stats["Deposits"] == "0.00"  # the deposit is outside the period

    bets = found["BETS"]
    assert [(b["stake"], b["status"], b["payout"]) for b in bets] == [
        ("100.00", "won", "185.00"),
        ("50.00", "lost", "0.00"),
        ("20.00", "won", "60.00"),
        ("30.00", "void", "30.00"),
        ("40.00", "open", ""),
    ]
    assert bets[0]["selections"] == "Real Madrid \u2013 Barcelona: 1X2 1 @ 1.85"
    assert [b["coefficient"] for b in bets] == ["1.85", "2.00", "3.00", "2.00", "1.50"]


async def test_sections_can_be_left_out_and_formula_text_is_defused(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await bettor(wallet_db, name='=HYPERLINK("http://evil")')
    report = await export(api, user, format="csv", include_bets=False, include_statistics=False)
    found = sections((await download(api, report)).content)
    assert list(found) == ["REPORT", "TRANSACTIONS"]
    meta = {r["field"]: r["value"] for r in found["REPORT"]}
    assert meta["account_holder"] == '\'=HYPERLINK("http://evil")'


async def test_pdf_shows_the_totals_and_a_cyrillic_name(api: Api, wallet_db: WalletDb) -> None:
    user = await bettor(wallet_db, name="Анна Кузнецова")
    report = await export(api, user, format="pdf")
    answer = await download(api, report)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    pdf = PdfReader(io.BytesIO(answer.content))
    content = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Анна Кузнецова" in content
    assert "ivan@example.com" in content
    for label, value in [
        ("Net profit", "75.00"),
        ("ROI %", "44.12"),
        ("Win rate %", "66.67"),
        ("Closing balance", "1035.00"),
    ]:
        assert re.search(rf"{re.escape(label)}\s+{re.escape(value)}", content), (label, content)
    assert f"Page 1 of {len(pdf.pages)}" in content
    assert "Balance over the period" in content
    fonts = {
        str(font["/BaseFont"])
        for page in pdf.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert any("DejaVuSans" in f for f in fonts), fonts  # embedded: Cyrillic renders


async def test_every_export_is_audited(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    report = await export(api, user, format="pdf", date_from="2026-01-01", date_to="2026-01-31")
    async with wallet_db.engine.connect() as conn:
        rows = list(
            await conn.execute(
                text(
                    "SELECT action, status, host(ip_address) AS ip, user_agent, details"
                    " FROM wallet.audit_log WHERE user_id = :u AND action = 'export_requested'"
                ),
                {"u": user},
            )
        )
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.ip, row.user_agent) == ("success", "203.0.113.7", "wallet-tests/1.0")
    assert row.details["report_id"] == report["report_id"]
    assert (row.details["format"], row.details["date_from"], row.details["date_to"]) == (
        "pdf",
        "2026-01-01",
        "2026-01-31",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "csv", "date_from": "2026-02-10", "date_to": "2026-02-01"}, None),
        ({"format": "csv", "date_from": "2024-01-01", "date_to": "2026-01-01"}, None),
        ({"format": "xlsx"}, "format"),
        ({"format": "csv", "date_from": "yesterday"}, "date_from"),
        (
            {
                "format": "csv",
                "include_bets": False,
                "include_transactions": False,
                "include_statistics": False,
            },
            None,
        ),
    ],
)
async def test_bad_export_requests_are_422(
    api: Api, wallet_db: WalletDb, body: dict[str, Any], field: str | None
) -> None:
    user = await make_wallet(wallet_db)
    answer = await api.post(EXPORT, user, body)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    if field is None:
        assert error["code"] == "report.period_invalid"
    else:
        assert error["code"] == "validation_error"
        assert any(field in d["loc"] for d in error["details"])


async def test_no_wallet_is_404(api: Api) -> None:
    answer = await api.post(EXPORT, uuid.uuid4(), {"format": "csv"})
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "wallet.not_found"


# --- signed links ---------------------------------------------------------------------------


def signed(report_id: str, user: uuid.UUID, expires_at_s: int, key: str = LINK_KEY) -> str:
    sig = link_signature(key, uuid.UUID(report_id), user, expires_at_s)
    return f"/api/wallet/reports/{report_id}/download?exp={expires_at_s}&sig={sig}"


async def test_expired_link_is_410_and_a_fresh_one_comes_from_the_report(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    report = await export(api, user)
    # The link carries its expiry, 15 minutes from when it was issued.
    link_exp = datetime.fromisoformat(report["link_expires_at"])
    issued = datetime.now(UTC)
    assert timedelta(minutes=14) < link_exp - issued <= timedelta(minutes=15)
    past = int(issued.timestamp()) - 1
    answer = await api.http.get(signed(report["report_id"], user, past))
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "report.link_expired"
    fresh = await api.get(f"/api/wallet/reports/{report['report_id']}", user)
    assert fresh.status_code == 200
    assert (await api.http.get(fresh.json()["report"]["download_url"])).status_code == 200
    # The report itself is kept 7 days.
    kept = datetime.fromisoformat(report["expires_at"]) - issued
    assert timedelta(days=6, hours=23) < kept <= timedelta(days=7)


async def test_tampered_or_foreign_links_are_refused(api: Api, wallet_db: WalletDb) -> None:
    owner = await make_wallet(wallet_db, balance_minor=10_000)
    other = await make_wallet(wallet_db, balance_minor=10_000)
    report = await export(api, owner)
    later = int(datetime.now(UTC).timestamp()) + 600
    good = report["download_url"]
    tampered_sig = good[:-4] + ("0000" if not good.endswith("0000") else "1111")
    exp_part = good.split("exp=")[1].split("&")[0]
    longer_life = good.replace(f"exp={exp_part}", f"exp={int(exp_part) + 3600}")
    cases = {
        "tampered signature": tampered_sig,
        "extended expiry": longer_life,
        "signed for another user": signed(report["report_id"], other, later),
        "wrong key": signed(report["report_id"], owner, later, key="x" * 40),
        "unknown report": signed(str(uuid.uuid4()), owner, later),
    }
    for case, url in cases.items():
        answer = await api.http.get(url)
        assert answer.status_code == 403, (case, answer.text)
        assert answer.json()["error"]["code"] == "report.link_invalid", case
    # Another user's report id through the bearer routes: not found.
    assert (await api.get(f"/api/wallet/reports/{report['report_id']}", other)).status_code == 404
    listed = (await api.get("/api/wallet/reports", other)).json()["reports"]
    assert report["report_id"] not in {r["report_id"] for r in listed}
    assert (await api.http.get(good)).status_code == 200


async def test_report_past_its_retention_is_410(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    report = await export(api, user)
    async with wallet_db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE wallet.report SET expires_at = now() - interval '1 second' WHERE id = :i"),
            {"i": report["report_id"]},
        )
    answer = await download(api, report)
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "report.expired"


async def test_own_reports_are_listed_newest_first(api: Api, wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    first = await export(api, user, format="csv")
    second = await export(api, user, format="pdf", date_from=str(date(2026, 1, 1)))
    listed = (await api.get("/api/wallet/reports", user)).json()["reports"]
    assert [r["report_id"] for r in listed] == [second["report_id"], first["report_id"]]
    assert all(r["download_url"] for r in listed)


async def test_export_agrees_with_the_history_api_for_the_same_dates(
    api: Api, wallet_db: WalletDb
) -> None:
    user = await bettor(wallet_db)
    now = today()
    period = {"date_from": (now - timedelta(days=7)).isoformat(), "date_to": now.isoformat()}
    report = await export(api, user, format="csv", **period)
    found = sections((await download(api, report)).content)
    stats = {r["metric"]: r["value"] for r in found["STATISTICS"]}
    history = (await api.get("/api/wallet/history", user, limit=100, **period)).json()
    s = history["statistics"]
    assert (stats["Net profit"], stats["Total won"], stats["Total staked (settled)"]) == (
        s["net_profit"],
        s["total_amount_won"],
        s["total_amount_bet"],
    )
    assert Decimal(stats["ROI %"]) == Decimal(str(s["roi_percent"]))
    assert Decimal(stats["Win rate %"]) == Decimal(str(s["win_rate"]))
    assert len(found["TRANSACTIONS"]) == history["totals"]["transactions"]
    assert len(found["BETS"]) == history["totals"]["bets"]
    assert {r["id"] for r in found["TRANSACTIONS"]} == {
        str(t["transaction_id"]) for t in history["transactions"]
    }
