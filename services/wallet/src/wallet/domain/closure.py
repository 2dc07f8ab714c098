"""When a wallet being closed is settled: nothing of the user's money is left in it.

Available (0: no balance and no debt), held (0: no open bet — the holds cover every open bet)
and pending withdrawals (none: the money is on its way out) must all be zero.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClosureCheck:
    available_minor: int
    held_minor: int
    pending_withdrawals: int

    @property
    def settled(self) -> bool:
        return self.available_minor == 0 and self.held_minor == 0 and self.pending_withdrawals == 0

    @property
    def waiting_for(self) -> list[str]:
        """What still holds the closure back, for logs and support."""
        reasons = []
        if self.available_minor > 0:
            reasons.append("balance")
        if self.available_minor < 0:
            reasons.append("debt")
        if self.held_minor != 0:
            reasons.append("open_bets")
        if self.pending_withdrawals:
            reasons.append("pending_withdrawals")
        return reasons
