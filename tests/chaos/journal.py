"""What every client was told: one ``Op`` per operation, whatever its retries.

An operation's ``outcome`` is what its client finally knows:

- ``ok``: a 2xx answer (for a placement: 201 open or 202 still pending);
- ``refused``: a 4xx answer, the platform's decision (e.g. insufficient funds, a rejected bet);
- ``unknown``: no answer the client could trust before it gave up (connection errors, timeouts,
  5xx to the end). The checker then says whether it converged to one effect or none.

Every retry reuses the operation's ``Idempotency-Key``, so a retry is the same operation.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

OK, REFUSED, UNKNOWN = "ok", "refused", "unknown"
# Operations that move money (or decide where it goes): what ``--ops`` counts.
MONEY_KINDS = frozenset(
    {
        "deposit_card",
        "deposit_saved_card",
        "place_single",
        "place_coupon",
        "cancel_bet",
        "withdraw",
        "cancel_withdrawal",
        "approve_withdrawal",
        "reject_withdrawal",
        "settle_event",
        "cancel_event",
        "resettle_event",
    }
)


@dataclass
class Op:
    kind: str
    user_id: str
    key: str
    at_s: float
    attempts: int = 0
    status: int | None = None
    outcome: str = UNKNOWN
    code: str = ""
    # What the answers named: bet_id, intent_id, operation_id, event_id, stripe (confirm's status).
    refs: dict[str, str] = field(default_factory=dict)
    # Every bet id any answer to this key named: one key must mean one bet.
    bet_ids: set[str] = field(default_factory=set)

    @property
    def retried(self) -> bool:
        return self.attempts > 1

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "user_id": self.user_id,
            "key": self.key,
            "at_s": round(self.at_s, 3),
            "attempts": self.attempts,
            "status": self.status,
            "outcome": self.outcome,
            "code": self.code,
            "refs": self.refs,
            "bet_ids": sorted(self.bet_ids),
        }


class Journal:
    """Every operation of the run, in the order they started."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.ops: list[Op] = []

    def now(self) -> float:
        return time.monotonic() - self.started

    def begin(self, kind: str, user_id: str, key: str) -> Op:
        op = Op(kind, user_id, key, self.now())
        self.ops.append(op)
        return op

    @property
    def money_ops(self) -> int:
        return sum(1 for op in self.ops if op.kind in MONEY_KINDS)

    def by_kind(self) -> dict[str, dict[str, int]]:
        """kind → {ok, refused, unknown, retried, total}."""
        table: dict[str, Counter[str]] = {}
        for op in self.ops:
            row = table.setdefault(op.kind, Counter())
            row[op.outcome] += 1
            row["retried"] += op.retried
            row["total"] += 1
        return {
            kind: {k: row[k] for k in (OK, REFUSED, UNKNOWN, "retried", "total")}
            for kind, row in sorted(table.items())
        }

    def refusals(self) -> dict[str, int]:
        """``kind code`` → how many operations were refused with it (the platform's reasons)."""
        found = Counter(
            f"{op.kind} {op.code or op.status}" for op in self.ops if op.outcome == REFUSED
        )
        return dict(sorted(found.items()))

    def of(self, *kinds: str) -> list[Op]:
        return [op for op in self.ops if op.kind in kinds]
