"""A new bettor's whole journey through the gateway's public API, as the SPA drives it.

Runs twice (see conftest): one process of everything, then two replicas of every service
behind two gateways with requests alternating between them. The steps share one story and run
in order; every figure is computed by hand here:

- deposits 500.00 (new card, Stripe simulator + webhook) + 100.00 (saved card) = 600.00;
- three bets: single 100.00 on E1 home @ 1.85, coupon 50.00 on E1 home 1.85 x E2 home 2.10 x
  E3 away 1.50, single 20.00 on E3 home @ 4.00 → locked 170.00, available 430.00;
- E1 2:1, E2 cancelled, E3 0:1 → single won 185.00; coupon won at 1.85 x 1.50 = 2.775 → 2.78
  (E2's leg void at 1.00) = 139.00; the 20.00 single lost → 600.00 - 170.00 + 324.00 = 754.00;
- withdraw 150.00 → 604.00; a further 100.00 exceeds the daily limit of 200.00.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest
from pypdf import PdfReader
from tests.e2e.client import Bettor, Platform, StreamReader, eventually, open_private_stream
from tests.e2e.processes import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    DAILY_WITHDRAWAL_LIMIT_MINOR,
    STRIPE_PUBLISHABLE_KEY,
)

from common.db import libpq_url

pytestmark = pytest.mark.e2e

PASSWORD = "Correct-Horse-9-Battery"
# A request line in a service's log (its own request log; uvicorn's access log is off).
API_REQUEST = re.compile(r"(GET|POST|PUT|DELETE) /api/\S* HTTP/1\.1")


@dataclass
class Story:
    """What the steps learn and hand on to the next ones."""

    bettor: Bettor
    rival: Bettor
    admin: Bettor
    sport: str = ""
    league: str = ""
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    bets: dict[str, str] = field(default_factory=dict)  # name → bet_id
    streams: dict[str, StreamReader] = field(default_factory=dict)
    withdrawal_id: str = ""
    intent_id: str = ""  # her card deposit at Stripe
    reports: dict[str, str] = field(default_factory=dict)  # format → report_id
    links: dict[str, str] = field(default_factory=dict)  # format → signed download URL


@pytest.fixture(scope="module")
async def story(platform: Platform) -> Any:
    token = uuid.uuid4().hex[:8]
    told = Story(
        bettor=Bettor(f"ann-{token}@e2e.looseline.dev", PASSWORD, "Ann Bettor"),
        rival=Bettor(f"bob-{token}@e2e.looseline.dev", PASSWORD, "Bob Rival"),
        admin=Bettor(ADMIN_EMAIL, ADMIN_PASSWORD, "Admin"),
    )
    yield told
    for stream in told.streams.values():
        await stream.close()


def odds_of(event: dict[str, Any], bet_type: str) -> str:
    return next(str(o["odds_id"]) for o in event["odds"] if o["bet_type"] == bet_type)


async def place(platform: Platform, who: Bettor, path: str, body: dict[str, Any]) -> str:
    """Place a bet and wait until the wallet's answer made it open; its id."""
    answer = await platform.call("POST", path, who, json=body)
    assert answer.status_code in (201, 202), answer.text
    bet_id = str(answer.json()["bet"]["bet_id"])

    async def is_open() -> dict[str, Any] | None:
        bet = (await platform.ok("GET", f"/api/bets/{bet_id}", who))["bet"]
        assert bet["status"] in ("pending", "open"), bet
        return bet if bet["status"] == "open" else None

    await eventually(is_open, f"bet {bet_id} open")
    return bet_id


async def test_1_a_new_user_signs_up_verifies_by_emailed_code_and_signs_in(
    platform: Platform, story: Story
) -> None:
    for who in (story.bettor, story.rival):
        await platform.sign_up_verified(who)
        session = await platform.ok("GET", "/api/auth/session", who)
        assert session["user"]["email"] == who.email
        assert session["user"]["is_verified"] is True
    admin = await platform.sign_in(story.admin)
    assert (await platform.ok("GET", "/api/auth/session", admin))["user"]["role"] == "admin"
    # auth's UserRegistered opened an empty wallet for each.
    for who in (story.bettor, story.rival):
        await platform.balance_becomes(who, current_balance="0.00", available_balance="0.00")


async def test_2_deposits_by_new_card_through_the_simulator_then_by_the_saved_card(
    platform: Platform, story: Story
) -> None:
    ann = story.bettor
    simulator = next(p for p in platform.processes if p.name == "stripe-simulator")
    assert simulator.ready, f"the Stripe simulator did not start:\n{simulator.log_tail()}"
    body = {"amount": "500.00", "save_method": True}
    form = await platform.ok("POST", "/api/wallet/deposit", ann, json=body)
    assert form["action"] == "requires_payment_form", form
    story.intent_id = str(form["intent_id"])
    # The browser confirms the intent with Stripe.js: the publishable key, never ours.
    confirmed = await platform.outside.post(
        f"{platform.layout.simulator_url}/v1/payment_intents/{form['intent_id']}/confirm",
        headers={"Authorization": f"Bearer {STRIPE_PUBLISHABLE_KEY}"},
        data={"client_secret": form["client_secret"], "payment_method": "pm_card_visa"},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "succeeded"
    # The simulator's webhook, through the gateway, credits the wallet.
    await platform.balance_becomes(ann, current_balance="500.00", available_balance="500.00")

    methods = await platform.ok("GET", "/api/wallet/payment-methods", ann)
    listed = methods.get("payment_methods", methods.get("methods", []))
    assert len(listed) == 1, methods
    saved = await platform.ok(
        "POST",
        "/api/wallet/deposit",
        ann,
        json={"amount": "100.00", "payment_method_id": listed[0]["method_id"]},
    )
    assert saved["success"] is True, saved
    assert saved["new_balance"] == "600.00", saved
    await platform.balance_becomes(ann, current_balance="600.00", available_balance="600.00")

    # Stripe retries webhooks: every event the simulator sent, delivered once more, moves nothing.
    redelivered = await _redeliver_every_webhook(platform)
    assert redelivered >= 2, "the simulator sent no webhook for the two payments"
    balance = await platform.balance(ann)
    assert (balance["current_balance"], balance["total_deposited"]) == ("600.00", "600.00")
    history = await platform.ok("GET", "/api/wallet/history", ann, params={"type": "deposit"})
    deposits = [t for t in _transactions(history) if t["type"] == "deposit"]
    assert sorted(t["amount"] for t in deposits) == ["100.00", "500.00"], history


async def _redeliver_every_webhook(platform: Platform) -> int:
    """Ask the simulator to send each of its events again; wait until the wallet took each."""
    sim = f"{platform.layout.simulator_url}/_sim"
    events = (await platform.outside.get(f"{sim}/events")).json()["data"]
    for event in events:
        sent = await platform.outside.post(f"{sim}/events/{event['id']}/deliver", json={})
        assert sent.status_code == 200, sent.text

    async def all_taken_twice() -> bool | None:
        attempts = (await platform.outside.get(f"{sim}/webhooks/attempts")).json()["data"]
        taken = [a["event_id"] for a in attempts if a["delivered"]]
        return True if all(taken.count(e["id"]) >= 2 for e in events) else None

    await eventually(all_taken_twice, "every webhook delivered twice")
    return len(events)


def _transactions(history: dict[str, Any]) -> list[dict[str, Any]]:
    found = history.get("transactions", history.get("history", []))
    assert isinstance(found, list), history
    return found


async def test_3_browses_with_filters_places_a_single_and_a_coupon_the_stream_tells_only_her(
    platform: Platform, story: Story
) -> None:
    admin, ann, bob = story.admin, story.bettor, story.rival
    token = uuid.uuid4().hex[:6]
    sport = await platform.ok(
        "POST", "/api/events/sports", admin, status=201, json={"name": f"E2E Ball {token}"}
    )
    story.sport = str(sport["sport"]["slug"])
    league = await platform.ok(
        "POST",
        "/api/events/leagues",
        admin,
        status=201,
        json={"sport": story.sport, "name": f"E2E League {token}"},
    )
    story.league = str(league["league"]["name"])
    starts = datetime.now(UTC) + timedelta(days=2)
    prices = {
        "E1": ("Arsenal", "Chelsea", [("1", 1.85), ("X", 3.40), ("2", 4.20)]),
        "E2": ("Porto", "Benfica", [("1", 2.10), ("X", 3.20), ("2", 3.30)]),
        "E3": ("Ajax", "Feyenoord", [("1", 4.00), ("X", 3.60), ("2", 1.50)]),
    }
    for offset, (name, (home, away, odds)) in enumerate(prices.items()):
        created = await platform.ok(
            "POST",
            "/api/events/",
            admin,
            status=201,
            json={
                "sport": story.sport,
                "league": story.league,
                "home_team": f"{home} {token}",
                "away_team": f"{away} {token}",
                "event_datetime": (starts + timedelta(hours=offset)).isoformat(),
                "odds": [{"bet_type": t, "coefficient": c} for t, c in odds],
            },
        )
        story.events[name] = created["event"]

    # Browse as the SPA: sport + league + status + a date range, then a team search.
    day = starts.date().isoformat()
    listing = await platform.ok(
        "GET",
        "/api/events/",
        params={
            "sport": story.sport,
            "league": story.league,
            "status": "scheduled",
            "date_from": day,
            "date_to": (starts + timedelta(days=1)).date().isoformat(),
        },
    )
    ids = [str(e["event_id"]) for e in listing["events"]]
    assert ids == [str(story.events[n]["event_id"]) for n in ("E1", "E2", "E3")], listing
    found = await platform.ok("GET", "/api/events/", params={"search": f"Arsenal {token}"})
    assert [str(e["event_id"]) for e in found["events"]] == [str(story.events["E1"]["event_id"])]
    past = await platform.ok(
        "GET", "/api/events/", params={"sport": story.sport, "date_to": "2020-01-01"}
    )
    assert past["events"] == []

    story.streams["ann"] = await open_private_stream(platform, ann)
    story.streams["bob"] = await open_private_stream(platform, bob)

    e1, e2, e3 = (story.events[n] for n in ("E1", "E2", "E3"))
    story.bets["single"] = await place(
        platform,
        ann,
        "/api/bets/place",
        {
            "event_id": e1["event_id"],
            "odds_id": odds_of(e1, "1"),
            "bet_amount": "100.00",
            "expected_coefficient": "1.85",
        },
    )
    story.bets["coupon"] = await place(
        platform,
        ann,
        "/api/bets/place-coupon",
        {
            "bets": [
                {"event_id": e1["event_id"], "odds_id": odds_of(e1, "1")},
                {"event_id": e2["event_id"], "odds_id": odds_of(e2, "1")},
                {"event_id": e3["event_id"], "odds_id": odds_of(e3, "2")},
            ],
            "bet_amount": "50.00",
        },
    )
    story.bets["loser"] = await place(
        platform,
        ann,
        "/api/bets/place",
        {"event_id": e3["event_id"], "odds_id": odds_of(e3, "1"), "bet_amount": "20.00"},
    )
    single = (await platform.ok("GET", f"/api/bets/{story.bets['single']}", ann))["bet"]
    assert (single["coefficient"], single["potential_win"]) == ("1.85", "185.00"), single
    coupon = (await platform.ok("GET", f"/api/bets/{story.bets['coupon']}", ann))["bet"]
    assert len(coupon["legs"]) == 3, coupon

    await platform.balance_becomes(
        ann, current_balance="600.00", available_balance="430.00", locked_in_bets="170.00"
    )
    for bet_id in story.bets.values():
        frame = await story.streams["ann"].wait_for("BetPlaced", bet_id=bet_id)
        assert frame["data"]["user_id"] == ann.user_id
    # Bob's stream is fed by the same bus (every gateway gets every message): none of hers.
    assert story.streams["bob"].of("BetPlaced") == []


async def test_4_admin_settles_the_bets_pay_by_hand_computed_figures(
    platform: Platform, story: Story
) -> None:
    admin, ann = story.admin, story.bettor
    e1, e2, e3 = (str(story.events[n]["event_id"]) for n in ("E1", "E2", "E3"))
    for event_id in (e1, e3):
        await platform.ok("POST", f"/api/events/{event_id}/start", admin)
    settled = await platform.ok(
        "POST", f"/api/events/{e1}/settle", admin, json={"home_score": 2, "away_score": 1}
    )
    assert settled["settlement"]["settlement_version"] == 1
    await platform.ok("POST", f"/api/events/{e2}/cancel", admin, json={"reason": "floodlights"})
    await platform.ok(
        "POST", f"/api/events/{e3}/settle", admin, json={"home_score": 0, "away_score": 1}
    )

    expected = {"single": ("won", "185.00"), "coupon": ("won", "139.00"), "loser": ("lost", "0.00")}
    for name, (status, payout) in expected.items():
        bet_id = story.bets[name]

        async def settled_bet(bet_id: str = bet_id) -> dict[str, Any] | None:
            bet = (await platform.ok("GET", f"/api/bets/{bet_id}", ann))["bet"]
            return bet if bet["status"] not in ("open", "pending") else None

        bet = await eventually(settled_bet, f"{name} settled")
        assert bet["status"] == status, bet
        won = bet.get("actual_win", bet.get("payout"))
        assert won in (payout, None if status == "lost" else payout), bet
        frame = await story.streams["ann"].wait_for("BetSettled", bet_id=bet_id)
        assert frame["data"]["payout_minor"] == int(payout.replace(".", "")), frame
    coupon = (await platform.ok("GET", f"/api/bets/{story.bets['coupon']}", ann))["bet"]
    voided = [leg for leg in coupon["legs"] if str(leg["event_id"]) == e2]
    assert len(voided) == 1, coupon
    # Bob's stream is alive and fed (the public result of E1 reached him), yet carries none
    # of Ann's bets.
    await story.streams["bob"].wait_for("EventStatusChanged", event_id=e1, status="finished")
    assert story.streams["bob"].of("BetSettled") == []
    assert story.streams["bob"].of("BetPlaced") == []

    await platform.balance_becomes(
        ann, current_balance="754.00", available_balance="754.00", locked_in_bets="0.00"
    )
    won = await platform.ok("GET", "/api/bets/history", ann, params={"result": "win"})
    assert sorted(str(b["bet_id"]) for b in won["bets"]) == sorted(
        [story.bets["single"], story.bets["coupon"]]
    )
    lost = await platform.ok("GET", "/api/bets/history", ann, params={"result": "loss"})
    assert [str(b["bet_id"]) for b in lost["bets"]] == [story.bets["loser"]]
    stats = (await platform.ok("GET", "/api/bets/stats", ann))["stats"]
    # 3 settled (2 won, 1 lost): staked 170.00, paid 185.00 + 139.00 = 324.00.
    assert stats["total_bets"] == 3, stats
    assert (stats["wins"], stats["losses"]) == (2, 1), stats
    assert stats["total_bet"] == "170.00", stats
    assert stats["total_won"] == "324.00", stats
    assert stats["net_profit"] == "154.00", stats
    assert str(stats["win_rate"]) in ("66.67", "66.67%"), stats
    assert str(stats["roi_percent"]) in ("90.59", "90.59%"), stats  # 154 / 170 x 100
    # The wallet's own totals come from the same messages and must agree with bets'.
    totals = await platform.balance(ann)
    assert (totals["total_bet"], totals["total_won"], totals["net_profit"]) == (
        "170.00",
        "324.00",
        "154.00",
    ), totals
    assert (totals["win_count"], totals["lose_count"]) == (2, 1), totals


async def test_5_withdraws_to_a_verified_bank_account_within_the_daily_limit(
    platform: Platform, story: Story
) -> None:
    admin, ann = story.admin, story.bettor
    added = await platform.ok(
        "POST",
        "/api/wallet/withdrawal-methods",
        ann,
        status=201,
        json={
            "withdrawal_type": "bank_transfer",
            "iban": "DE89370400440532013000",
            "account_holder_name": "Ann Bettor",
            "bank_name": "E2E Bank",
        },
    )
    method = added["method"]
    assert method["is_verified"] is False
    unverified = await platform.call(
        "POST",
        "/api/wallet/withdraw",
        ann,
        json={"amount": "150.00", "withdrawal_method_id": method["method_id"]},
    )
    assert unverified.status_code == 422, unverified.text
    assert unverified.json()["error"]["code"] == "wallet.withdrawal_method_unverified"

    await platform.ok(
        "POST", f"/api/wallet/admin/withdrawal-methods/{method['method_id']}/verify", admin
    )
    asked = await platform.ok(
        "POST",
        "/api/wallet/withdraw",
        ann,
        status=201,
        json={"amount": "150.00", "withdrawal_method_id": method["method_id"]},
    )
    assert asked["withdrawal"]["status"] == "pending"
    assert asked["new_balance"] == "604.00", asked
    story.withdrawal_id = str(asked["withdrawal"]["operation_id"])
    await platform.balance_becomes(ann, current_balance="604.00", available_balance="604.00")

    await platform.ok("POST", f"/api/wallet/admin/withdrawals/{story.withdrawal_id}/approve", admin)
    mine = await platform.ok("GET", "/api/wallet/withdrawals", ann)
    listed = mine.get("withdrawals", [])
    assert [(str(w["operation_id"]), w["status"]) for w in listed] == [
        (story.withdrawal_id, "completed")
    ], mine

    over = await platform.call(
        "POST",
        "/api/wallet/withdraw",
        ann,
        json={"amount": "100.00", "withdrawal_method_id": method["method_id"]},
    )
    assert over.status_code == 422, over.text
    error = over.json()["error"]
    assert error["code"] == "wallet.daily_limit_exceeded", error
    assert DAILY_WITHDRAWAL_LIMIT_MINOR == 20_000  # 150.00 used + 100.00 > 200.00
    await platform.balance_becomes(ann, current_balance="604.00", available_balance="604.00")


async def _download(platform: Platform, url: str) -> bytes:
    """Follow a signed link without a bearer token, through the gateway, until it is ready."""
    parts = urlsplit(url)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path

    async def ready() -> bytes | None:
        answer = await platform.gateway().get(path)
        assert answer.status_code in (200, 202), answer.text
        return answer.content if answer.status_code == 200 else None

    return await eventually(ready, f"report {path} ready")


async def test_6_exports_csv_and_pdf_for_the_period_and_downloads_both_by_signed_links(
    platform: Platform, story: Story
) -> None:
    ann = story.bettor
    today = datetime.now(UTC).date()
    period = {"date_from": (today - timedelta(days=1)).isoformat(), "date_to": today.isoformat()}
    for format_ in ("csv", "pdf"):
        made = await platform.ok(
            "POST", "/api/wallet/export", ann, status=201, json={"format": format_, **period}
        )
        report = made["report"]
        story.reports[format_] = str(report["report_id"])
        story.links[format_] = str(report["download_url"])
        content = await _download(platform, str(report["download_url"]))
        if format_ == "pdf":
            assert content.startswith(b"%PDF"), content[:40]
            pages = PdfReader(io.BytesIO(content)).pages
            text = "\n".join(page.extract_text() for page in pages)
            # Her statement: the period's deposits and her balance at its end.
            assert "500.00" in text, text[:2000]
            assert "604.00" in text, text[:2000]
            continue
        text = content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        cells = {cell for row in rows for cell in row}
        # The two deposits and the withdrawal of this period, as plain decimals.
        for amount in ("500.00", "100.00", "150.00"):
            assert amount in cells or f"-{amount}" in cells, text[:2000]
    # A tampered signature is refused (the link is the credential, so it must be exact).
    parts = urlsplit(story.links["csv"])
    query = "&".join(
        f"sig={'0' * 64}" if pair.startswith("sig=") else pair for pair in parts.query.split("&")
    )
    tampered = await platform.gateway().get(f"{parts.path}?{query}")
    assert tampered.status_code in (403, 404), tampered.text
    assert tampered.json()["error"]["code"]


async def test_7_another_user_cannot_see_or_touch_her_bets_operations_reports(
    platform: Platform, story: Story
) -> None:
    ann, bob = story.bettor, story.rival
    for bet_id in story.bets.values():
        seen = await platform.call("GET", f"/api/bets/{bet_id}", bob)
        assert seen.status_code == 404, seen.text
        assert seen.json()["error"]["code"]
        touched = await platform.call("POST", f"/api/bets/{bet_id}/cancel", bob)
        assert touched.status_code == 404, touched.text
    history = await platform.ok("GET", "/api/bets/history", bob)
    assert history["bets"] == []
    deposit = await platform.call("GET", f"/api/wallet/deposits/{story.intent_id}", bob)
    assert deposit.status_code == 404, deposit.text
    assert (await platform.call("GET", f"/api/wallet/deposits/{story.intent_id}", ann)).is_success
    cancel = await platform.call(
        "POST", f"/api/wallet/withdrawals/{story.withdrawal_id}/cancel", bob
    )
    assert cancel.status_code == 404, cancel.text
    assert (await platform.ok("GET", "/api/wallet/withdrawals", bob)).get("withdrawals") == []
    wallet = await platform.ok("GET", "/api/wallet/history", bob)
    assert _transactions(wallet) == []
    for report_id in story.reports.values():
        report = await platform.call("GET", f"/api/wallet/reports/{report_id}", bob)
        assert report.status_code == 404, report.text
    await platform.balance_becomes(bob, current_balance="0.00")

    # A second session of hers, signed out: its token is refused at once, everywhere.
    other = await platform.sign_in(Bettor(ann.email, ann.password, ann.name))
    await platform.ok("POST", "/api/auth/sign-out", other)
    for _ in range(platform.replicas):  # each gateway in turn
        refused = await platform.call("GET", "/api/wallet/balance", other)
        assert refused.status_code == 401, refused.text
    assert (await platform.call("GET", "/api/wallet/balance", ann)).status_code == 200


def _reconcile(platform: Platform) -> dict[str, Any]:
    env = {**os.environ, "WALLET_DATABASE_URL": platform.layout.database_urls["wallet"]}
    ran = subprocess.run(
        [sys.executable, "-m", "wallet.entrypoints.cli", "reconcile"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    report: dict[str, Any] = json.loads(ran.stdout)
    return report


async def test_7b_subscribes_to_pro_and_a_won_free_bet_pays_only_its_winnings(
    platform: Platform, story: Story
) -> None:
    """The paid products (issue 22): Pro charged from the balance; a free-bet package bought
    from it; a free bet holds no money and, won at 2.50, pays 12.50 - 5.00 = 7.50 from the
    house's promotions: 604.00 - 4.99 - 3.00 + 7.50 = 603.51."""
    admin, ann = story.admin, story.bettor
    token = uuid.uuid4().hex[:6]
    plan = await platform.ok(
        "POST",
        "/api/wallet/admin/plans",
        admin,
        status=201,
        json={"name": f"Pro {token}", "price": "4.99", "features": ["exports_plus"]},
    )
    pack = await platform.ok(
        "POST",
        "/api/wallet/admin/packages",
        admin,
        status=201,
        json={
            "name": f"Two free bets {token}",
            "kind": "free_bet",
            "units": 2,
            "price": "3.00",
            "validity_days": 30,
            "stake": "5.00",
        },
    )
    await platform.ok(
        "POST", "/api/wallet/subscription", ann, status=201, json={"plan_id": plan["plan"]["id"]}
    )
    pro = (await platform.ok("GET", "/api/wallet/subscription", ann))["subscription"]
    assert (pro["status"], pro["has_access"], pro["features"]) == (
        "active",
        True,
        ["exports_plus"],
    ), pro
    await platform.ok(
        "POST",
        f"/api/wallet/packages/{pack['package']['id']}/buy",
        ann,
        status=201,
        json={"method": "balance"},
    )
    await platform.balance_becomes(ann, available_balance="596.01", locked_in_bets="0.00")

    created = await platform.ok(
        "POST",
        "/api/events/",
        admin,
        status=201,
        json={
            "sport": story.sport,
            "league": story.league,
            "home_team": f"Lazio {token}",
            "away_team": f"Roma {token}",
            "event_datetime": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
            "odds": [{"bet_type": "1", "coefficient": 2.5}, {"bet_type": "2", "coefficient": 2.6}],
        },
    )
    event = created["event"]
    body = {
        "event_id": event["event_id"],
        "odds_id": odds_of(event, "1"),
        "bet_amount": "5.00",
        "use_free_bet": True,
    }

    async def placed() -> str | None:
        """bets hears of a new event from the bus: until then its selections are unknown and
        the bet is refused, writing nothing; once it knows, the bet is placed (once)."""
        answer = await platform.call("POST", "/api/bets/place", ann, json=body)
        unknown = answer.status_code == 422 and "bet.selection_not_found" in answer.text
        if unknown:
            return None
        assert answer.status_code in (201, 202), answer.text
        return str(answer.json()["bet"]["bet_id"])

    bet_id = await eventually(placed, "the free bet placed on the new event")

    async def is_open() -> bool | None:
        bet = (await platform.ok("GET", f"/api/bets/{bet_id}", ann))["bet"]
        assert bet["status"] in ("pending", "open"), bet
        return True if bet["status"] == "open" else None

    await eventually(is_open, f"free bet {bet_id} open")
    # Nothing of hers is held for it: the stake is the package's unit.
    await platform.balance_becomes(ann, available_balance="596.01", locked_in_bets="0.00")
    mine = await platform.ok("GET", "/api/wallet/packages/mine", ann)
    assert mine["totals"]["free_bet"] == 1, mine

    await platform.ok("POST", f"/api/events/{event['event_id']}/start", admin)
    await platform.ok(
        "POST",
        f"/api/events/{event['event_id']}/settle",
        admin,
        json={"home_score": 1, "away_score": 0},
    )

    async def won() -> dict[str, Any] | None:
        bet = (await platform.ok("GET", f"/api/bets/{bet_id}", ann))["bet"]
        return bet if bet["status"] == "won" else None

    bet = await eventually(won, "the free bet won")
    assert (bet["free_bet"], bet["payout"]) == (True, "12.50"), bet
    await platform.balance_becomes(ann, available_balance="603.51", locked_in_bets="0.00")
    history = await platform.ok("GET", "/api/wallet/history", ann)
    by_type = {t["type"]: t["amount"] for t in _transactions(history)}
    assert by_type["subscription"] == "-4.99", history
    assert by_type["package_purchase"] == "-3.00", history
    assert by_type["free_bet_won"] == "7.50", history
    stats = (await platform.ok("GET", "/api/bets/stats", ann))["stats"]
    assert (stats["free_bets"], stats["free_bet_winnings"]) == (1, "7.50"), stats


async def test_8_the_ledger_reconciles_and_every_message_was_consumed_once(
    platform: Platform, story: Story
) -> None:
    report = _reconcile(platform)
    assert report["ok"] is True, report
    assert report["drift"] == [], report
    assert report["total_balance_minor"] == 0, report
    assert report["total_entries_minor"] == 0, report
    assert report["accounts_checked"] > 0

    conn = await asyncpg.connect(libpq_url(platform.database.admin_dsn))
    try:
        await _outboxes_drain(conn)
        await _each_message_consumed_once(conn)
    finally:
        await conn.close()


SCHEMAS = ("auth", "events", "bets", "wallet")


async def _outboxes_drain(conn: asyncpg.Connection) -> None:
    async def drained() -> bool | None:
        waiting = 0
        for schema in SCHEMAS:
            waiting += await conn.fetchval(
                f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL"
            )
        return True if waiting == 0 else None

    await eventually(drained, "every outbox published")


async def _each_message_consumed_once(conn: asyncpg.Connection) -> None:
    """Per consumer and message type: inbox rows == outbox rows of that type, no more, no less.

    Two replicas of a service share one queue and one inbox: a message handled by both would
    show as a count above the published one (or a duplicate event id)."""
    gaps: list[str] = []
    consumed: set[str] = set()

    async def consumed_all() -> bool | None:
        gaps.clear()
        published: dict[str, int] = {}
        for schema in SCHEMAS:
            for row in await conn.fetch(
                f"SELECT body->>'type' AS type, count(*) AS n FROM {schema}.outbox GROUP BY 1"
            ):
                published[row["type"]] = published.get(row["type"], 0) + row["n"]
        for schema in SCHEMAS:
            rows = await conn.fetch(
                "SELECT consumer, message_type, count(*) AS n, count(DISTINCT event_id) AS d "
                f"FROM {schema}.inbox GROUP BY 1, 2"
            )
            for row in rows:
                assert row["n"] == row["d"], f"{schema}: duplicate inbox rows {dict(row)}"
                consumed.add(row["message_type"])
                if row["n"] != published.get(row["message_type"], 0):
                    gaps.append(
                        f"{schema}/{row['consumer']}/{row['message_type']}: "
                        f"{row['n']} of {published.get(row['message_type'], 0)}"
                    )
        return None if gaps else True

    try:
        await eventually(consumed_all, "every published message consumed once")
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {gaps}") from None
    # The journey's whole saga went over the bus (not, say, skipped by a shortcut).
    saga = {"UserRegistered", "ReserveStake", "StakeReserved", "EventSettled", "BetSettled"}
    assert saga <= consumed, sorted(consumed)


async def test_9_every_replica_served_part_of_the_journey(platform: Platform, story: Story) -> None:
    """With two of everything, the figures above held while both replicas did the work."""
    for process in platform.processes:
        if process.name.split("-")[0] not in (*SCHEMAS, "gateway"):
            continue
        log = process.log_path.read_text(errors="replace")
        assert "/api/" in log, f"{process.name} served no API request"
