"""Admin read side: volume, payout rate and the house's open liabilities (set-based SQL).

- Volume: bets accepted (every status but ``pending``/``rejected``), their count and stakes,
  also by status and by type.
- Payout rate: gross payouts / stakes over bets settled ``won``/``lost`` (void bets only hand
  the stake back and are left out, as in the user statistics).
- Open liabilities: the worst-case payout the house faces on open bets. A bet still able to win
  (no lost leg) pays at most its potential win; a coupon with void legs at the combined odds of
  its other legs (void at 1.00, the coupon rounding), computed in SQL with an exact ``NUMERIC``
  product. Per selection: every open bet with an unresolved leg on it, at its full payout (if
  its other legs win, that selection decides the whole coupon). Per event: those bets once each
  (a coupon has one leg per event), assuming every open selection of the event wins — an upper
  bound whatever the markets. The total counts each bet once, so a coupon's liability shows on
  each of its open legs but is not added up twice.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import TextClause, text

from bets.domain.bet import ACCEPTED, WON_OR_LOST, BetStatus
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.money import format_minor

_VOLUME = """
    SELECT status, bet_type, count(*) AS bets,
           coalesce(sum(stake_minor), 0) AS stakes,
           coalesce(sum(payout_minor), 0) AS payouts
      FROM bets.bet
     WHERE (CAST(:date_from AS timestamptz) IS NULL OR created_at >= :date_from)
       AND (CAST(:date_to AS timestamptz) IS NULL OR created_at < :date_to)
     GROUP BY status, bet_type
"""

# Open bets that can still pay, with the most each can pay. The status is written into the SQL,
# not bound, so every plan may use the partial index of open bets (a leg's outcome is spelled as
# the settled statuses).
_LIVE = f"""
    WITH live AS (
        SELECT b.id, b.stake_minor,
               CASE WHEN b.bet_type = 'single' THEN b.potential_win_minor
                    ELSE floor(b.stake_minor * round(
                             bets.numeric_product(l.coefficient)
                                 FILTER (WHERE l.outcome IS DISTINCT FROM '{BetStatus.VOID}'),
                             2))::bigint
               END AS payout
          FROM bets.bet AS b JOIN bets.bet_leg AS l ON l.bet_id = b.id
         WHERE b.status = '{BetStatus.OPEN}'
         GROUP BY b.id
        HAVING bool_and(l.outcome IS DISTINCT FROM '{BetStatus.LOST}')
    )
"""  # noqa: S608 - built from this module's constants, no input

_TOTAL = """
    SELECT count(*) AS bets, coalesce(sum(stake_minor), 0) AS stakes,
           coalesce(sum(payout), 0) AS payout
      FROM live
"""

_BY_SELECTION = """
    SELECT l.event_id, l.odds_id, min(l.event_name) AS event_name, min(l.market) AS market,
           min(l.selection) AS selection, count(*) AS bets,
           sum(live.stake_minor) AS stakes, sum(live.payout) AS payout
      FROM live JOIN bets.bet_leg AS l ON l.bet_id = live.id AND l.outcome IS NULL
     GROUP BY l.event_id, l.odds_id
     ORDER BY payout DESC, l.odds_id
     LIMIT :limit
"""

_BY_EVENT = """
    SELECT l.event_id, min(l.event_name) AS event_name, count(*) AS bets,
           sum(live.stake_minor) AS stakes, sum(live.payout) AS payout
      FROM live JOIN bets.bet_leg AS l ON l.bet_id = live.id AND l.outcome IS NULL
     GROUP BY l.event_id
     ORDER BY payout DESC, l.event_id
     LIMIT :limit
"""


def _over_live(select_sql: str) -> TextClause:
    """A query over the ``live`` bets (both parts fixed SQL, bound parameters only for input)."""
    return text(_LIVE + select_sql)


def _rate(payouts: int, stakes: int) -> str:
    if stakes == 0:
        return "0.00"
    return str((Decimal(payouts) * 100 / Decimal(stakes)).quantize(Decimal("0.01"), ROUND_HALF_UP))


async def _volume(
    uow: BetsUnitOfWork, date_from: datetime | None, date_to: datetime | None
) -> dict[str, Any]:
    rows = (await uow.db.execute(text(_VOLUME), {"date_from": date_from, "date_to": date_to})).all()
    accepted = [r for r in rows if r.status in ACCEPTED]
    settled = [r for r in rows if r.status in WON_OR_LOST]
    settled_stakes = sum(int(r.stakes) for r in settled)
    settled_payouts = sum(int(r.payouts) for r in settled)
    by_status: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = by_status.setdefault(r.status, {"bets": 0, "stakes_minor": 0})
        entry["bets"] += int(r.bets)
        entry["stakes_minor"] += int(r.stakes)
    return {
        "volume": {
            "bets": sum(int(r.bets) for r in accepted),
            "stakes": format_minor(sum(int(r.stakes) for r in accepted)),
            "singles": sum(int(r.bets) for r in accepted if r.bet_type == "single"),
            "coupons": sum(int(r.bets) for r in accepted if r.bet_type == "coupon"),
            "by_status": {
                status: {"bets": e["bets"], "stakes": format_minor(e["stakes_minor"])}
                for status, e in sorted(by_status.items())
            },
        },
        "settled": {
            "bets": sum(int(r.bets) for r in settled),
            "stakes": format_minor(settled_stakes),
            "payouts": format_minor(settled_payouts),
            "payout_rate_percent": _rate(settled_payouts, settled_stakes),
            "house_margin": format_minor(settled_stakes - settled_payouts),
        },
    }


async def admin_stats(
    uow: BetsUnitOfWork,
    *,
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Volume and payout rate (over the date range, by placement time) and the open
    liabilities now (the ``limit`` largest events and selections)."""
    total = (await uow.db.execute(_over_live(_TOTAL))).one()
    events = (await uow.db.execute(_over_live(_BY_EVENT), {"limit": limit})).all()
    selections = (await uow.db.execute(_over_live(_BY_SELECTION), {"limit": limit})).all()
    return {
        **await _volume(uow, date_from, date_to),
        "open_liabilities": {
            "bets": int(total.bets),
            "stakes": format_minor(int(total.stakes)),
            "worst_case_payout": format_minor(int(total.payout)),
            "by_event": [
                {
                    "event_id": str(r.event_id),
                    "event_name": r.event_name,
                    "open_bets": int(r.bets),
                    "stakes": format_minor(int(r.stakes)),
                    "worst_case_payout": format_minor(int(r.payout)),
                }
                for r in events
            ],
            "by_selection": [
                {
                    "event_id": str(r.event_id),
                    "odds_id": str(r.odds_id),
                    "event_name": r.event_name,
                    "market": r.market,
                    "selection": r.selection,
                    "open_bets": int(r.bets),
                    "stakes": format_minor(int(r.stakes)),
                    "worst_case_payout": format_minor(int(r.payout)),
                }
                for r in selections
            ],
        },
    }
