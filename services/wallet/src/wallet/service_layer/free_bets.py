"""Free bets (issue 22, ADR 0012): a bet staked with one unit of a free-bet package.

The stake is the house's, not the user's: a free bet's reservation takes a unit (earliest expiry
first, of a package whose stake is the bet's) and holds no money; a loss costs the user nothing;
a win pays only the winnings (``packages.free_bet_payout``: payout minus stake) from the
``promotions`` account; a void or a cancellation gives the unit back (unless its purchase has
expired meanwhile: it lapses, as it would have unused). A correction of a free bet's result moves
the difference of its winnings, once per settlement version.

The saga's batch handler decides every message of a free bet on its own (a list of one): these
functions run in that message's unit of work, after ``saga_batch`` locked the bet's hold and the
user's accounts.
"""

from __future__ import annotations

import uuid
from typing import Final

from wallet.domain import ledger as rules
from wallet.domain.history import HistoryLine, HistoryType
from wallet.domain.ledger import Transfer, TransferKind
from wallet.domain.packages import PackageKind, free_bet_payout, use_units
from wallet.service_layer.unit_of_work import WalletUnitOfWork

FREE_BET_UNAVAILABLE: Final = "wallet.free_bet_unavailable"


def usage_id(bet_id: uuid.UUID) -> str:
    """The unit a bet takes is recorded under the bet: taken once, given back once."""
    return f"bet:{bet_id}"


async def take_free_bet(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, bet_id: uuid.UUID, stake_minor: int
) -> bool:
    """One unit of the user's free-bet packages staking ``stake_minor``, earliest expiry first;
    False (nothing taken) if they have none."""
    now = await uow.packages.now()
    usable = [
        p
        for p in await uow.packages.lock_usable(user_id, PackageKind.free_bet, now)
        if p.stake_minor == stake_minor
    ]
    if not usable:
        return False
    usage = use_units([p.rules() for p in usable], 1, now, usage_id(bet_id), {})
    if not await uow.packages.add_usage(user_id, PackageKind.free_bet, usage):
        # The bet's hold is its lock and did not exist: no earlier reservation took a unit.
        raise RuntimeError(f"bet {bet_id}: a free-bet unit was taken without its hold")
    for deduction in usage.deductions:
        await uow.packages.deduct(deduction.purchase_id, deduction.units)
    return True


async def give_back_free_bet(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, bet_id: uuid.UUID
) -> int:
    """The unit a voided or cancelled free bet took, back on its purchase (once)."""
    return await uow.packages.give_back(user_id, usage_id(bet_id), await uow.packages.now())


def winnings_minor(gross_payout_minor: int, stake_minor: int) -> int:
    """What a free bet settled with ``gross_payout_minor`` pays the user (0 when lost or void)."""
    return free_bet_payout(gross_payout_minor, stake_minor)


def winnings_posting(
    user_id: uuid.UUID, bet_id: uuid.UUID, amount_minor: int, description: str
) -> tuple[Transfer, HistoryLine]:
    """promotions → available, history ``free_bet_won +W``."""
    return rules.pay_free_bet_winnings(user_id, bet_id, amount_minor), HistoryLine(
        type=HistoryType.free_bet_won,
        amount_minor=amount_minor,
        description=f"Free bet won: {description}",
        reference=str(bet_id),
        metadata={"bet_id": str(bet_id), "free_bet": True},
    )


def winnings_correction(
    user_id: uuid.UUID, bet_id: uuid.UUID, version: int, delta_minor: int
) -> tuple[Transfer, HistoryLine]:
    """A corrected result's change of winnings (signed; a negative one may leave a debt, as a
    resettlement may), history ``bet_resettled ±D``."""
    reference = f"{bet_id}:{version}"
    promotions = rules.AccountRef.system(rules.AccountKind.promotions, user_id)
    available = rules.AccountRef.user(rules.AccountKind.available, user_id)
    source, target = (promotions, available) if delta_minor > 0 else (available, promotions)
    spec = rules.move(
        TransferKind.free_bet_resettlement, reference, user_id, source, target, abs(delta_minor)
    )
    return spec, HistoryLine(
        type=HistoryType.bet_resettled,
        amount_minor=delta_minor,
        description="Free bet result corrected",
        reference=reference,
        metadata={"bet_id": str(bet_id), "settlement_version": version, "free_bet": True},
    )
