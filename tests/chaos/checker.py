"""The checker: after the load and the drain, the money proven from the databases and the journal.

Each check returns the violations it found (each a sentence naming the rows); the run fails on
any. ``converged`` says, for every operation whose outcome its client never learned, whether
the retries ended in one effect or none (anything else is a violation).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import asyncpg
import httpx
from tests.chaos.journal import OK, REFUSED, UNKNOWN, Journal, Op

from common.db import create_engine
from wallet.service_layer.deposits.start import operation_id_for
from wallet.service_layer.reconciliation import reconcile

SCHEMAS = ("auth", "events", "bets", "wallet")
SHOWN = 8  # rows named per violation; the count says how many there are


@dataclass
class Verdict:
    violations: list[str] = field(default_factory=list)
    explained: list[str] = field(default_factory=list)
    converged: dict[str, int] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)

    def fail(self, what: str, rows: Iterable[Any] = ()) -> None:
        listed = list(rows)
        shown = "; ".join(str(r) for r in listed[:SHOWN])
        more = f" (+{len(listed) - SHOWN} more)" if len(listed) > SHOWN else ""
        self.violations.append(f"{what}{': ' + shown if listed else ''}{more}")


# --- the drain ----------------------------------------------------------------------------------


async def backlog(conn: asyncpg.Connection) -> dict[str, int]:
    """What the platform still has to do: pending bets, unpublished outbox rows, unconsumed
    messages (inbox behind outbox)."""
    unpublished = 0
    for schema in SCHEMAS:
        unpublished += await conn.fetchval(
            f"SELECT count(*) FROM {schema}.outbox WHERE published_at IS NULL"
        )
    return {
        "pending_bets": await conn.fetchval("SELECT count(*) FROM bets.bet WHERE status='pending'"),
        "unpublished": unpublished,
        "unconsumed": sum(gap for _, gap in await consumption_gaps(conn)),
    }


async def wait_drained(conn: asyncpg.Connection, timeout_s: float) -> tuple[float, dict[str, int]]:
    """Poll until nothing is left to do, or ``timeout_s``; seconds waited and the last backlog."""
    started = time.monotonic()
    while True:
        left = await backlog(conn)
        if not any(left.values()) or time.monotonic() - started > timeout_s:
            return time.monotonic() - started, left
        await asyncio.sleep(0.5)


async def consumption_gaps(conn: asyncpg.Connection) -> list[tuple[str, int]]:
    """(consumer/type, published - consumed) for every pair where they differ (either way)."""
    published: Counter[str] = Counter()
    for schema in SCHEMAS:
        for row in await conn.fetch(
            f"SELECT body->>'type' AS type, count(*) AS n FROM {schema}.outbox GROUP BY 1"
        ):
            published[row["type"]] += row["n"]
    gaps: list[tuple[str, int]] = []
    for schema in SCHEMAS:
        for row in await conn.fetch(
            f"SELECT consumer, message_type, count(*) AS n FROM {schema}.inbox GROUP BY 1, 2"
        ):
            gap = published[row["message_type"]] - row["n"]
            if gap:
                gaps.append((f"{schema}/{row['consumer']}/{row['message_type']}", gap))
    return gaps


# --- the checks ---------------------------------------------------------------------------------


class Checker:
    def __init__(self, conn: asyncpg.Connection, journal: Journal, admin_user_id: str) -> None:
        self.conn = conn
        self.journal = journal
        self.admin_user_id = admin_user_id
        self.verdict = Verdict()

    async def run(
        self,
        *,
        stripe_succeeded: set[str],
        dead_letters: list[dict[str, Any]],
        reconciliation: dict[str, Any],
    ) -> Verdict:
        if not reconciliation["ok"]:
            self.verdict.fail("the wallet's own reconciliation reports drift", [reconciliation])
        await self.ledger()
        await self.no_negative_balance()
        await self.bets_and_holds()
        await self.each_users_money()
        await self.deposits(stripe_succeeded)
        await self.placements()
        await self.cancellations()
        await self.withdrawals()
        await self.messages()
        self.dead_letters(dead_letters)
        return self.verdict

    async def ledger(self) -> None:
        """Σ of every account = 0, Σ of every entry = 0, each balance = its entries, each
        transfer balanced."""
        v = self.verdict
        total = await self.conn.fetchval(
            "SELECT coalesce(sum(balance_minor), 0) FROM wallet.account"
        )
        entries = await self.conn.fetchval(
            "SELECT coalesce(sum(amount_minor), 0) FROM wallet.entry"
        )
        v.figures["ledger_total_minor"] = int(total)
        v.figures["ledger_entries"] = int(
            await self.conn.fetchval("SELECT count(*) FROM wallet.entry")
        )
        if total != 0:
            v.fail(f"Σ of every ledger account is {total}, not 0")
        if entries != 0:
            v.fail(f"Σ of every ledger entry is {entries}, not 0")
        drift = await self.conn.fetch(
            "SELECT a.id, a.kind, a.user_id, a.balance_minor, "
            "coalesce(sum(e.amount_minor), 0) AS entries FROM wallet.account a "
            "LEFT JOIN wallet.entry e ON e.account_id = a.id "
            "GROUP BY a.id HAVING a.balance_minor <> coalesce(sum(e.amount_minor), 0)"
        )
        if drift:
            v.fail("accounts whose balance is not the sum of their entries", map(dict, drift))
        unbalanced = await self.conn.fetch(
            "SELECT transfer_id, sum(amount_minor) AS s FROM wallet.entry "
            "GROUP BY 1 HAVING sum(amount_minor) <> 0"
        )
        if unbalanced:
            v.fail("transfers whose legs do not sum to 0", map(dict, unbalanced))

    async def no_negative_balance(self) -> None:
        """No held < 0; an available < 0 only as a debt a resettlement took back."""
        v = self.verdict
        rows = await self.conn.fetch(
            "SELECT a.user_id, a.kind, a.balance_minor, EXISTS (SELECT 1 FROM wallet.transfer t "
            " WHERE t.user_id = a.user_id AND t.kind = 'resettlement') AS resettled "
            "FROM wallet.account a WHERE a.user_id IS NOT NULL AND a.balance_minor < 0"
        )
        for row in rows:
            if row["kind"] == "available" and row["resettled"]:
                v.explained.append(
                    f"user {row['user_id']} owes {-row['balance_minor']} (a resettlement took a "
                    "payout back: a debt, as docs/wallet.md allows)"
                )
            else:
                v.fail("negative balance", [dict(row)])

    async def bets_and_holds(self) -> None:
        """No bet pending; each bet's hold in the state its status implies, for its stake."""
        v = self.verdict
        bets = {r["id"]: r for r in await self.conn.fetch("SELECT * FROM bets.bet")}
        holds = {r["bet_id"]: r for r in await self.conn.fetch("SELECT * FROM wallet.hold")}
        v.figures["bets"] = dict(Counter(r["status"] for r in bets.values()))
        pending = [str(b) for b, r in bets.items() if r["status"] == "pending"]
        if pending:
            v.fail(f"{len(pending)} bets still pending after the drain", pending)
        expected = {
            "open": "pending",
            "won": "posted",
            "lost": "posted",
            "void": "voided",
            "cancelled": "voided",
        }
        wrong = []
        for bet_id, bet in bets.items():
            hold = holds.get(bet_id)
            want = expected.get(bet["status"])
            if bet["status"] == "rejected":
                if hold is not None and hold["status"] != "voided":
                    wrong.append(f"{bet_id} rejected, hold {hold['status']}")
            elif want is not None and (hold is None or hold["status"] != want):
                wrong.append(f"{bet_id} {bet['status']}, hold {hold and hold['status']}")
            elif hold is not None and hold["amount_minor"] != bet["stake_minor"]:
                wrong.append(f"{bet_id} stake {bet['stake_minor']}, hold {hold['amount_minor']}")
        if wrong:
            v.fail(f"{len(wrong)} bets whose hold disagrees with the bet", wrong)
        orphans = [str(b) for b in holds if b not in bets]
        if orphans:
            v.fail(f"{len(orphans)} holds of no bet", orphans)

    async def each_users_money(self) -> None:
        """Each user's wallet = credited deposits - withdrawals + Σ (payout - stake) of settled
        bets, as bets' own database has them; held = Σ stakes of open bets."""
        v = self.verdict
        money = await self.conn.fetch(
            "SELECT user_id, sum(balance_minor) FILTER (WHERE kind = 'available') AS available, "
            "sum(balance_minor) FILTER (WHERE kind = 'held') AS held "
            "FROM wallet.account WHERE user_id IS NOT NULL GROUP BY 1"
        )
        deposits = dict(
            await self.conn.fetch(
                "SELECT user_id, sum(credited_minor) FROM wallet.card_deposit "
                "WHERE status = 'succeeded' GROUP BY 1"
            )
        )
        withdrawn = dict(
            await self.conn.fetch(
                "SELECT user_id, sum(amount_minor) FROM wallet.withdrawal "
                "WHERE status IN ('pending', 'completed') GROUP BY 1"
            )
        )
        bets = await self.conn.fetch(
            "SELECT user_id, "
            "coalesce(sum(coalesce(payout_minor, 0) - stake_minor) "
            "  FILTER (WHERE status IN ('won', 'lost')), 0) AS net, "
            "coalesce(sum(stake_minor) FILTER (WHERE status = 'open'), 0) AS open "
            "FROM bets.bet GROUP BY 1"
        )
        by_bets = {r["user_id"]: (r["net"], r["open"]) for r in bets}
        wrong = []
        for row in money:
            user = row["user_id"]
            net, open_stakes = by_bets.get(user, (0, 0))
            expected = (deposits.get(user) or 0) - (withdrawn.get(user) or 0) + net
            current = (row["available"] or 0) + (row["held"] or 0)
            if current != expected or (row["held"] or 0) != open_stakes:
                wrong.append(
                    f"{user}: wallet {current} (held {row['held']}), expected {expected} "
                    f"(held {open_stakes})"
                )
        v.figures["users_checked"] = len(money)
        if wrong:
            v.fail(f"{len(wrong)} users whose money is not what their operations imply", wrong)

    async def deposits(self, stripe_succeeded: set[str]) -> None:
        """Credited once per Stripe intent that succeeded, never for one that did not; every
        deposit the client was told succeeded is credited."""
        v = self.verdict
        rows = await self.conn.fetch(
            "SELECT d.operation_id, d.intent_id, d.status, d.credited_minor, "
            "(SELECT count(*) FROM wallet.transfer t WHERE t.kind = 'deposit' "
            " AND t.reference = d.operation_id::text) AS credits "
            "FROM wallet.card_deposit d"
        )
        by_operation = {str(r["operation_id"]): r for r in rows}
        twice = [dict(r) for r in rows if r["credits"] > 1]
        if twice:
            v.fail("deposits credited more than once", twice)
        credited = {r["intent_id"] for r in rows if r["credits"] == 1}
        v.figures["deposits_credited"] = len(credited)
        v.figures["stripe_intents_succeeded"] = len(stripe_succeeded)
        if credited - stripe_succeeded:
            v.fail("credited intents Stripe never took", sorted(credited - stripe_succeeded))
        if stripe_succeeded - credited:
            v.fail("intents Stripe took, never credited", sorted(stripe_succeeded - credited))
        for op in self.journal.of("deposit_card", "deposit_saved_card"):
            operation = str(operation_id_for(uuid.UUID(op.user_id), op.key))
            found = by_operation.get(operation)
            credits = found["credits"] if found is not None else 0
            told_credited = op.refs.get("stripe") == "succeeded" or (
                op.kind == "deposit_saved_card" and op.refs.get("success") == "True"
            )
            if told_credited and credits != 1:
                v.fail(f"{op.kind} {op.key}: told succeeded, credited {credits} times")
            if op.outcome == UNKNOWN:
                self._converged(op, "applied once" if credits else "no effect")

    async def placements(self) -> None:
        """One key, one bet; a bet told open never rejected, one told rejected rejected; a bet
        placed only through a key its client sent."""
        v = self.verdict
        status = dict(await self.conn.fetch("SELECT id::text, status FROM bets.bet"))
        keyed = await self.conn.fetch(
            "SELECT user_id, key, status, response_status, response_body->'bet'->>'bet_id' AS bet "
            "FROM bets.idempotency_key"
        )
        by_key = {(r["user_id"], r["key"]): r for r in keyed}
        named = Counter(r["bet"] for r in keyed if r["bet"])
        twice = [b for b, n in named.items() if n > 1]
        if twice:
            v.fail("bets named by more than one Idempotency-Key", twice)
        unkeyed = [b for b in status if b not in named]
        if unkeyed:
            v.fail(f"{len(unkeyed)} bets placed without a key of their own", unkeyed)
        for op in self.journal.of("place_single", "place_coupon"):
            if len(op.bet_ids) > 1:
                v.fail(f"{op.kind} {op.key}: one key answered with bets {sorted(op.bet_ids)}")
            bet_id = op.refs.get("bet_id")
            final = status.get(bet_id or "")
            if bet_id and final is None:
                v.fail(f"{op.kind} {op.key}: told bet {bet_id}, which does not exist")
            if op.status == 201 and final in ("rejected", "pending"):
                v.fail(f"{op.kind} {op.key}: told open, the bet is {final}")
            if (
                op.outcome == REFUSED
                and op.refs.get("told_status") == "rejected"
                and final != "rejected"
            ):
                v.fail(f"{op.kind} {op.key}: told rejected, the bet is {final}")
            if op.outcome == UNKNOWN:
                row = by_key.get((op.user_id, op.key))
                placed = row is not None and row["bet"] is not None and row["bet"] in status
                self._converged(op, "applied once" if placed else "no effect")

    async def cancellations(self) -> None:
        v = self.verdict
        status = dict(await self.conn.fetch("SELECT id::text, status FROM bets.bet"))
        for op in self.journal.of("cancel_bet"):
            final = status.get(op.refs["bet_id"])
            if op.outcome == OK and final != "cancelled":
                v.fail(f"cancel_bet {op.key}: told cancelled, the bet is {final}")
            if op.outcome == UNKNOWN:
                self._converged(op, "applied once" if final == "cancelled" else "no effect")

    async def withdrawals(self) -> None:
        """Each withdrawal requested once, then paid or returned once; none left pending; what
        the client and the admin were told is what happened."""
        v = self.verdict
        rows = await self.conn.fetch(
            "SELECT w.operation_id::text AS id, w.status, "
            "count(*) FILTER (WHERE t.kind = 'withdrawal_request') AS requested, "
            "count(*) FILTER (WHERE t.kind = 'withdrawal_payout') AS paid, "
            "count(*) FILTER (WHERE t.kind = 'withdrawal_return') AS returned "
            "FROM wallet.withdrawal w LEFT JOIN wallet.transfer t "
            "ON t.reference = w.operation_id::text GROUP BY 1, 2"
        )
        by_id = {r["id"]: r for r in rows}
        v.figures["withdrawals"] = dict(Counter(r["status"] for r in rows))
        moves = {
            "pending": (1, 0, 0),
            "completed": (1, 1, 0),
            "rejected": (1, 0, 1),
            "cancelled": (1, 0, 1),
        }
        wrong = [
            dict(r)
            for r in rows
            if (r["requested"], r["paid"], r["returned"]) != moves.get(r["status"])
        ]
        if wrong:
            v.fail("withdrawals whose transfers disagree with their status", wrong)
        stuck = [r["id"] for r in rows if r["status"] == "pending"]
        if stuck:
            v.fail(f"{len(stuck)} withdrawals still pending after the admin's last pass", stuck)
        told = {
            "withdraw": ("pending", "completed", "rejected", "cancelled"),
            "approve_withdrawal": ("completed",),
            "reject_withdrawal": ("rejected",),
            "cancel_withdrawal": ("cancelled",),
        }
        for op in self.journal.of(*told):
            found = by_id.get(op.refs.get("operation_id", ""))
            final = found["status"] if found is not None else None
            if op.outcome == OK and final not in told[op.kind]:
                v.fail(f"{op.kind} {op.key}: told done, the withdrawal is {final}")
        per_user = Counter(
            r["user_id"]
            for r in await self.conn.fetch("SELECT user_id::text FROM wallet.withdrawal")
        )
        asked = Counter(op.user_id for op in self.journal.of("withdraw") if op.outcome != REFUSED)
        told_ok = Counter(op.user_id for op in self.journal.of("withdraw") if op.outcome == OK)
        wrong_count = [
            f"{user}: {per_user[user]} withdrawals, {told_ok[user]} told ok, {asked[user]} asked"
            for user in set(per_user) | set(asked)
            if not told_ok[user] <= per_user[user] <= asked[user]
        ]
        if wrong_count:
            v.fail("users with withdrawals their clients did not ask for", wrong_count)
        for op in self.journal.of("withdraw"):
            if op.outcome == UNKNOWN:
                self._converged(op, "unknown: counted per user above")

    async def messages(self) -> None:
        """Every outbox row published; every message consumed once in effect."""
        v = self.verdict
        left = await backlog(self.conn)
        if left["unpublished"]:
            v.fail(f"{left['unpublished']} outbox rows never published")
        gaps = await consumption_gaps(self.conn)
        if gaps:
            v.fail("consumers whose inbox differs from what was published", gaps)
        for schema in SCHEMAS:
            duplicates = await self.conn.fetch(
                f"SELECT consumer, event_id, count(*) AS n FROM {schema}.inbox "
                "GROUP BY 1, 2 HAVING count(*) > 1"
            )
            if duplicates:
                v.fail(f"{schema}: messages in an inbox twice", map(dict, duplicates))
        v.figures["messages_published"] = sum(
            [await self.conn.fetchval(f"SELECT count(*) FROM {s}.outbox") for s in SCHEMAS]
        )

    def dead_letters(self, found: list[dict[str, Any]]) -> None:
        for letter in found:
            self.verdict.fail("dead letter", [letter])

    def _converged(self, op: Op, how: str) -> None:
        label = f"{op.kind}: {how}"
        self.verdict.converged[label] = self.verdict.converged.get(label, 0) + 1


async def wallet_reconciliation(admin_dsn: str) -> dict[str, Any]:
    """The wallet's own reconciliation (what ``wallet.entrypoints.cli reconcile`` prints):
    drift, unbalanced transfers, holds and history rows against the ledger."""
    engine = create_engine(admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        return (await reconcile(engine)).as_dict()
    finally:
        await engine.dispose()


# --- outside the databases -----------------------------------------------------------------------


async def stripe_succeeded(client: httpx.AsyncClient, simulator_url: str) -> set[str]:
    """Every PaymentIntent the simulator says succeeded (its events, the source of truth)."""
    answer = await client.get(
        f"{simulator_url}/_sim/events", params={"type": "payment_intent.succeeded"}
    )
    answer.raise_for_status()
    return {str(e["data"]["object"]["id"]) for e in answer.json()["data"]}


async def dead_letters(admin_url: str, vhost: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Messages in every DLQ of the run's virtual host (read, then put back), and every queue's
    depth."""
    parts = urlsplit(admin_url)
    base = f"{parts.scheme}://{parts.hostname}:{parts.port}"
    auth = (parts.username or "guest", parts.password or "guest")
    found: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=base, auth=auth, timeout=10) as api:
        queues = (await api.get(f"/api/queues/{quote(vhost, safe='')}")).json()
        depths = {q["name"]: int(q.get("messages", 0)) for q in queues}
        for name, depth in depths.items():
            if not name.endswith(".dlq") or not depth:
                continue
            got = await api.post(
                f"/api/queues/{quote(vhost, safe='')}/{quote(name, safe='')}/get",
                json={"count": 20, "ackmode": "ack_requeue_true", "encoding": "auto"},
            )
            for message in got.json():
                headers = message.get("properties", {}).get("headers", {})
                found.append(
                    {
                        "queue": name,
                        "routing_key": message.get("routing_key"),
                        "reason": headers.get("x-looseline-dead-reason"),
                        "error": str(headers.get("x-looseline-error", ""))[:300],
                    }
                )
    return found, depths


def summary_of(ops: Iterable[Op]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for op in ops:
        counts[op.outcome] += 1
    return dict(counts)
