"""Report rules without I/O: periods, link signatures, names, the holder kept from auth, and
production refusing the development link key."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from services.wallet.tests.support.ledger import WalletDb, handle
from sqlalchemy import text

from common.contracts.auth import UserRegistered
from wallet.domain.reports import (
    ReportFormat,
    ReportLinkExpired,
    ReportLinkInvalid,
    ReportPeriodInvalid,
    ReportRequest,
    check_link,
    human_size,
    link_signature,
)
from wallet.service_layer import saga
from wallet.settings import Settings

TODAY = date(2026, 11, 25)
KEY = "k" * 40


def request(**overrides: Any) -> ReportRequest:
    values: dict[str, Any] = {
        "format": ReportFormat.csv,
        "date_from": None,
        "date_to": None,
        "today": TODAY,
        "max_period_days": 366,
    }
    values.update(overrides)
    return ReportRequest.of(**values)


def test_the_default_period_is_the_last_30_days() -> None:
    req = request()
    assert (req.date_from, req.date_to) == (date(2026, 10, 26), TODAY)
    assert req.filename() == "betting_report_2026_10_26-2026_11_25.csv"
    only_start = request(date_from=date(2026, 1, 1))
    assert (only_start.date_from, only_start.date_to) == (date(2026, 1, 1), date(2026, 1, 31))
    only_end = request(date_to=date(2026, 3, 31))
    assert (only_end.date_from, only_end.date_to) == (date(2026, 3, 1), date(2026, 3, 31))


@pytest.mark.parametrize(
    "overrides",
    [
        {"date_from": date(2026, 2, 2), "date_to": date(2026, 2, 1)},
        {"date_from": date(2024, 12, 31), "date_to": date(2026, 1, 1)},  # 367 days
        {"include_bets": False, "include_transactions": False, "include_statistics": False},
    ],
)
def test_bad_periods_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ReportPeriodInvalid):
        request(**overrides)


def test_a_whole_leap_year_is_allowed() -> None:
    req = request(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    assert (req.date_to - req.date_from).days + 1 == 366


def test_a_link_is_bound_to_report_user_and_expiry() -> None:
    report, user = uuid.uuid4(), uuid.uuid4()
    sig = link_signature(KEY, report, user, 2_000)
    check_link(KEY, report_id=report, user_id=user, expires_at_s=2_000, signature=sig, now_s=1_999)
    check_link(  # hex case does not matter
        KEY, report_id=report, user_id=user, expires_at_s=2_000, signature=sig.upper(), now_s=0
    )
    for changed in [
        {"report_id": uuid.uuid4()},
        {"user_id": uuid.uuid4()},
        {"expires_at_s": 2_001},
        {"signature": sig[:-1] + ("0" if sig[-1] != "0" else "1")},
        {"signature": "ж" * 64},  # not even hex: refused, not an error
    ]:
        args: dict[str, Any] = {
            "report_id": report,
            "user_id": user,
            "expires_at_s": 2_000,
            "signature": sig,
            "now_s": 0,
        }
        args.update(changed)
        with pytest.raises(ReportLinkInvalid):
            check_link(KEY, **args)
    with pytest.raises(ReportLinkExpired):
        check_link(KEY, report_id=report, user_id=user, expires_at_s=2_000, signature=sig,
                   now_s=2_000)  # fmt: skip


def test_sizes_read_like_the_seed() -> None:
    assert [human_size(n) for n in (None, 1, 1024, 46_000, 3 * 1024 * 1024)] == [
        None, "1 KB", "1 KB", "45 KB", "3.0 MB",
    ]  # fmt: skip


def test_production_refuses_the_development_link_key(make_settings: Any) -> None:
    with pytest.raises(ValidationError, match="WALLET_REPORT_LINK_KEY"):
        make_settings(Settings, environment="production")
    strong = make_settings(Settings, report_link_key="s" * 40)
    assert "WALLET_REPORT_LINK_KEY" not in strong.weak_secrets()
    assert (
        "WALLET_REPORT_LINK_KEY" in make_settings(Settings, report_link_key="short").weak_secrets()
    )


async def test_user_registered_keeps_the_holder_for_reports(wallet_db: WalletDb) -> None:
    user = uuid.uuid4()
    registered = UserRegistered(user_id=user, email="petr@example.com", name="Пётр Иванов")
    for _ in range(2):  # a redelivery changes nothing
        await handle(wallet_db, lambda p, ctx: saga.on_user_registered(p, ctx, currency="USD"),
                     registered)  # fmt: skip
    async with wallet_db.engine.connect() as conn:
        rows = list(
            await conn.execute(
                text("SELECT email, name FROM wallet.account_holder WHERE user_id = :u"),
                {"u": user},
            )
        )
    assert [(r.email, r.name) for r in rows] == [("petr@example.com", "Пётр Иванов")]
