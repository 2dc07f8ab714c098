"""The load: simulated bettors and one bookmaker (the admin), all through the gateways.

Bettors deposit by a new card (the browser confirms at the Stripe simulator, whose webhook
credits the wallet; the simulator sends some webhooks twice and late) and by their saved card,
place singles and coupons, cancel open bets, withdraw to their verified bank account and cancel
withdrawals. The bookmaker keeps a pool of open events, starts and settles (or cancels) the
oldest, now and then resettles a finished one with a corrected score, and approves or rejects
pending withdrawals. Each bettor has its own seeded ``Random``; what happens when depends on
the platform, so a seed replays the choices and the fault schedule, not the interleaving.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.chaos.client import RetryingClient
from tests.chaos.journal import OK, Journal, Op
from tests.e2e.client import Bettor, Platform
from tests.e2e.processes import ADMIN_EMAIL, ADMIN_PASSWORD, STRIPE_PUBLISHABLE_KEY

PASSWORD = "Chaos-Passw0rd-9-Battery"
IBAN = "DE89370400440532013000"
PRICES = (("1", 2.10), ("X", 3.40), ("2", 3.25))
# A bettor's next move, by weight.
BETTOR_MOVES = (
    ("deposit_card", 8),
    ("deposit_saved_card", 8),
    ("place_single", 40),
    ("place_coupon", 16),
    ("cancel_bet", 8),
    ("withdraw", 6),
    ("cancel_withdrawal", 2),
)


def money(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def key() -> str:
    return uuid.uuid4().hex


@dataclass
class Catalogue:
    """The events bettors may bet on now (scheduled, in the future), shared by everyone."""

    open: list[dict[str, Any]] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)

    def pick(self, rng: random.Random, count: int) -> list[dict[str, Any]]:
        return rng.sample(self.open, min(count, len(self.open)))


@dataclass
class Punter:
    """One simulated bettor and what it learned from its answers."""

    who: Bettor
    rng: random.Random
    card: str = ""  # our saved card's method_id
    payout_method: str = ""
    open_bets: list[str] = field(default_factory=list)
    pending_withdrawals: list[str] = field(default_factory=list)


class Workload:
    def __init__(
        self, platform: Platform, journal: Journal, seed: int, *, give_up_s: float = 90.0
    ) -> None:
        self.platform = platform
        self.journal = journal
        self.seed = seed
        self.rng = random.Random(seed)
        self.client = RetryingClient(platform, random.Random(seed + 1), give_up_s)
        self.catalogue = Catalogue()
        self.admin = Bettor(ADMIN_EMAIL, ADMIN_PASSWORD, "Admin")
        self.punters: list[Punter] = []
        self.sport = ""
        self.league = ""
        self.stop = asyncio.Event()

    # --- setup (before any fault) --------------------------------------------------------------

    async def setup(self, bettors: int, events: int) -> None:
        await self.platform.sign_in(self.admin)
        token = uuid.uuid4().hex[:6]
        sport = await self.platform.ok(
            "POST", "/api/events/sports", self.admin, 201, json={"name": f"Chaos Ball {token}"}
        )
        self.sport = str(sport["sport"]["slug"])
        league = await self.platform.ok(
            "POST",
            "/api/events/leagues",
            self.admin,
            201,
            json={"sport": self.sport, "name": f"Chaos League {token}"},
        )
        self.league = str(league["league"]["name"])
        for _ in range(events):
            self.catalogue.open.append(await self._new_event())
        gate = asyncio.Semaphore(8)

        async def one(number: int) -> Punter:
            async with gate:
                return await self._new_punter(number, token)

        self.punters = list(await asyncio.gather(*(one(n) for n in range(bettors))))

    async def _new_event(self) -> dict[str, Any]:
        starts = datetime.now(UTC) + timedelta(days=2, minutes=self.rng.randrange(10_000))
        number = self.rng.randrange(1_000_000)
        body = {
            "sport": self.sport,
            "league": self.league,
            "home_team": f"Home {number}",
            "away_team": f"Away {number}",
            "event_datetime": starts.isoformat(),
            "odds": [{"bet_type": t, "coefficient": c} for t, c in PRICES],
        }
        created = await self.platform.ok("POST", "/api/events/", self.admin, 201, json=body)
        return dict(created["event"])

    async def _new_punter(self, number: int, token: str) -> Punter:
        who = Bettor(f"punter{number}.{token}@chaos.looseline.dev", PASSWORD, f"Punter {number}")
        await self.platform.sign_up_verified(who)
        punter = Punter(who, random.Random(f"{self.seed}:{number}"))
        added = await self.platform.ok(
            "POST",
            "/api/wallet/withdrawal-methods",
            who,
            201,
            json={
                "withdrawal_type": "bank_transfer",
                "iban": IBAN,
                "account_holder_name": who.name,
                "bank_name": "Chaos Bank",
            },
        )
        punter.payout_method = str(added["method"]["method_id"])
        await self.platform.ok(
            "POST",
            f"/api/wallet/admin/withdrawal-methods/{punter.payout_method}/verify",
            self.admin,
        )
        return punter

    # --- the load --------------------------------------------------------------------------

    async def run(self, money_ops: int, faults_done: asyncio.Event) -> None:
        """Every bettor and the bookmaker at work until ``money_ops`` operations were made and
        every planned fault has happened (each fault must meet a platform under load)."""

        async def bettor(punter: Punter) -> None:
            while self.journal.money_ops < money_ops or not faults_done.is_set():
                await self.move(punter)
                await asyncio.sleep(punter.rng.uniform(0, 0.05))

        bookmaker = asyncio.create_task(self.bookmaker())
        try:
            await asyncio.gather(*(bettor(p) for p in self.punters))
        finally:
            self.stop.set()
            await bookmaker

    async def move(self, punter: Punter) -> None:
        kinds, weights = zip(*BETTOR_MOVES, strict=True)
        kind = punter.rng.choices(kinds, weights)[0]
        moves: dict[str, Callable[[Punter], Awaitable[None]]] = {
            "deposit_card": self.deposit_card,
            "deposit_saved_card": self.deposit_saved_card,
            "place_single": self.place_single,
            "place_coupon": self.place_coupon,
            "cancel_bet": self.cancel_bet,
            "withdraw": self.withdraw,
            "cancel_withdrawal": self.cancel_withdrawal,
        }
        await moves[kind](punter)

    def begin(self, kind: str, punter: Punter | None) -> Op:
        who = punter.who if punter is not None else self.admin
        return self.journal.begin(kind, who.user_id, key())

    # --- deposits --------------------------------------------------------------------------

    async def deposit_card(self, punter: Punter) -> None:
        """A new card: the deposit form, then the browser confirms at Stripe (the simulator)."""
        op = self.begin("deposit_card", punter)
        amount = punter.rng.randrange(5_000, 30_000)
        body = {"amount": money(amount), "save_method": not punter.card}
        answer = await self.client.send(op, "POST", "/api/wallet/deposit", punter.who, json=body)
        if answer is None or not answer.is_success:
            return
        form = answer.json()
        op.refs.update(intent_id=str(form["intent_id"]), operation_id=str(form["operation_id"]))
        op.refs["stripe"] = await self._confirm(form)

    async def _confirm(self, form: dict[str, Any]) -> str:
        """Stripe.js's confirm call; the intent's status Stripe answered ("" if none)."""
        url = f"{self.platform.layout.simulator_url}/v1/payment_intents/{form['intent_id']}/confirm"
        for _ in range(5):
            with contextlib.suppress(Exception):
                confirmed = await self.platform.outside.post(
                    url,
                    headers={"Authorization": f"Bearer {STRIPE_PUBLISHABLE_KEY}"},
                    data={"client_secret": form["client_secret"], "payment_method": "pm_card_visa"},
                )
                if confirmed.status_code == 200:
                    return str(confirmed.json()["status"])
            await asyncio.sleep(0.5)
        return ""

    async def deposit_saved_card(self, punter: Punter) -> None:
        if not punter.card and not await self._learn_card(punter):
            return await self.deposit_card(punter)
        op = self.begin("deposit_saved_card", punter)
        body = {
            "amount": money(punter.rng.randrange(2_000, 20_000)),
            "payment_method_id": punter.card,
        }
        answer = await self.client.send(op, "POST", "/api/wallet/deposit", punter.who, json=body)
        if answer is not None and answer.is_success:
            told = answer.json()
            op.refs.update(
                {k: str(told[k]) for k in ("intent_id", "operation_id") if told.get(k)},
                success=str(told.get("success")),
            )

    async def _learn_card(self, punter: Punter) -> bool:
        listed = await self.client.read("/api/wallet/payment-methods", punter.who)
        methods = (listed or {}).get("methods", [])
        if methods:
            punter.card = str(methods[0]["method_id"])
        return bool(punter.card)

    # --- bets ------------------------------------------------------------------------------

    async def place_single(self, punter: Punter) -> None:
        picked = self.catalogue.pick(punter.rng, 1)
        if not picked:
            return
        event = picked[0]
        odds = punter.rng.choice(event["odds"])
        body = {
            "event_id": event["event_id"],
            "odds_id": odds["odds_id"],
            "bet_amount": money(punter.rng.randrange(100, 2_000)),
        }
        await self._place(punter, "place_single", "/api/bets/place", body)

    async def place_coupon(self, punter: Punter) -> None:
        picked = self.catalogue.pick(punter.rng, punter.rng.choice((2, 2, 3)))
        if len(picked) < 2:
            return
        legs = [
            {"event_id": e["event_id"], "odds_id": punter.rng.choice(e["odds"])["odds_id"]}
            for e in picked
        ]
        body = {"bets": legs, "bet_amount": money(punter.rng.randrange(100, 1_000))}
        await self._place(punter, "place_coupon", "/api/bets/place-coupon", body)

    async def _place(self, punter: Punter, kind: str, path: str, body: dict[str, Any]) -> None:
        op = self.begin(kind, punter)
        answer = await self.client.send(op, "POST", path, punter.who, json=body)
        if answer is None:
            return
        told = answer.json()
        bet = told.get("bet") or (told.get("error", {}).get("details") or {}).get("bet")
        if isinstance(bet, dict) and bet.get("bet_id"):
            op.refs["bet_id"] = str(bet["bet_id"])
            op.refs["told_status"] = str(bet.get("status"))
            op.bet_ids.add(str(bet["bet_id"]))
            if answer.status_code == 201:
                punter.open_bets.append(str(bet["bet_id"]))

    async def cancel_bet(self, punter: Punter) -> None:
        if not punter.open_bets:
            return await self.place_single(punter)
        bet_id = punter.open_bets.pop(punter.rng.randrange(len(punter.open_bets)))
        op = self.begin("cancel_bet", punter)
        op.refs["bet_id"] = bet_id
        await self.client.send(op, "POST", f"/api/bets/{bet_id}/cancel", punter.who)

    # --- withdrawals -----------------------------------------------------------------------

    async def withdraw(self, punter: Punter) -> None:
        op = self.begin("withdraw", punter)
        body = {
            "amount": money(punter.rng.randrange(1_000, 5_000)),
            "withdrawal_method_id": punter.payout_method,
        }
        answer = await self.client.send(op, "POST", "/api/wallet/withdraw", punter.who, json=body)
        if answer is not None and answer.is_success:
            operation_id = str(answer.json()["withdrawal"]["operation_id"])
            op.refs["operation_id"] = operation_id
            punter.pending_withdrawals.append(operation_id)

    async def cancel_withdrawal(self, punter: Punter) -> None:
        if not punter.pending_withdrawals:
            return await self.withdraw(punter)
        operation_id = punter.pending_withdrawals.pop()
        op = self.begin("cancel_withdrawal", punter)
        op.refs["operation_id"] = operation_id
        path = f"/api/wallet/withdrawals/{operation_id}/cancel"
        await self.client.send(op, "POST", path, punter.who)

    # --- the bookmaker ---------------------------------------------------------------------

    async def bookmaker(self) -> None:
        """Closes an event, resettles one, decides withdrawals, at a steady pace."""
        while not self.stop.is_set():
            await self.close_an_event()
            if self.catalogue.finished and self.rng.random() < 0.15:
                await self.resettle_an_event()
            await self.decide_withdrawals(limit=10)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.rng.uniform(0.5, 2.0))

    async def close_an_event(self) -> None:
        """The oldest open event starts and is settled (or cancelled); a new one opens."""
        if not self.catalogue.open:
            return
        event = self.catalogue.open.pop(0)
        event_id = str(event["event_id"])
        with contextlib.suppress(Exception):
            self.catalogue.open.append(await self._new_event())
        started = self.begin("start_event", None)
        started.refs["event_id"] = event_id
        await self.client.send(started, "POST", f"/api/events/{event_id}/start", self.admin)
        if self.rng.random() < 0.12:
            op = self.begin("cancel_event", None)
            body: dict[str, Any] = {"reason": "chaos"}
            path = f"/api/events/{event_id}/cancel"
        else:
            op = self.begin("settle_event", None)
            body = {"home_score": self.rng.randrange(4), "away_score": self.rng.randrange(4)}
            path = f"/api/events/{event_id}/settle"
        op.refs["event_id"] = event_id
        await self.client.send(op, "POST", path, self.admin, json=body)
        if op.kind == "settle_event" and op.outcome == OK:
            self.catalogue.finished.append(event_id)

    async def resettle_an_event(self) -> None:
        event_id = self.rng.choice(self.catalogue.finished)
        op = self.begin("resettle_event", None)
        op.refs["event_id"] = event_id
        body = {
            "home_score": self.rng.randrange(4),
            "away_score": self.rng.randrange(4),
            "force": True,
            "reason": "chaos: corrected score",
        }
        await self.client.send(op, "POST", f"/api/events/{event_id}/settle", self.admin, json=body)

    async def decide_withdrawals(self, limit: int) -> int:
        """Approve (most) or reject pending withdrawals, oldest first; how many were pending."""
        listed = await self.client.read(
            "/api/wallet/admin/withdrawals",
            self.admin,
            params={"status": "pending", "limit": limit},
        )
        pending = (listed or {}).get("withdrawals", [])
        for withdrawal in pending:
            operation_id = str(withdrawal["operation_id"])
            if self.rng.random() < 0.8:
                op = self.begin("approve_withdrawal", None)
                path, body = f"/api/wallet/admin/withdrawals/{operation_id}/approve", None
            else:
                op = self.begin("reject_withdrawal", None)
                path = f"/api/wallet/admin/withdrawals/{operation_id}/reject"
                body = {"reason": "chaos: rejected"}
            op.refs["operation_id"] = operation_id
            await self.client.send(op, "POST", path, self.admin, json=body)
        return len(pending)

    async def settle_the_books(self, timeout_s: float) -> None:
        """After the load: every withdrawal still pending is decided (none may stay stuck)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while await self.decide_withdrawals(limit=100):
            if asyncio.get_running_loop().time() > deadline:
                return

    async def poll_deposits(self, intent_ids: set[str]) -> None:
        """As the app does on its next visit: ask about each card deposit Stripe took but the
        wallet has not credited yet (a webhook lost to a fault); the wallet asks Stripe."""
        by_user = {p.who.user_id: p for p in self.punters}
        for op in self.journal.of("deposit_card"):
            intent = op.refs.get("intent_id", "")
            if op.refs.get("stripe") == "succeeded" and intent in intent_ids:
                path = f"/api/wallet/deposits/{intent}"
                await self.client.read(path, by_user[op.user_id].who)
