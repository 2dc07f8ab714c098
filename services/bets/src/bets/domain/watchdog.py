"""How long a bet may stay ``pending`` before the watchdog re-sends or gives up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class WatchdogPolicy:
    timeout: timedelta  # since the last ReserveStake went out
    max_resends: int  # then the bet is rejected and its stake released
    batch_size: int = 500
