"""The double-entry ledger's rules: accounts, transfers that always balance, holds.

Vocabulary (STYLE.md, after TigerBeetle): an **Account** has a balance in minor units; a
**Transfer** is an immutable set of legs (account, signed amount) that sums to zero; a **Hold**
reserves a bet's stake (``pending``) until it is ``posted`` (captured by the house) or
``voided`` (returned). A correction is a new transfer, never an edit.

Sign convention: a leg adds its amount to the account's balance. Money the user owns is a
positive balance on the user's ``available``/``held`` accounts; the system accounts carry the
opposite sign, so the sum over every account is always zero.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from wallet.domain.errors import HoldAlreadyFinished, UnbalancedTransfer

# System accounts are split into this many rows each, the row picked by the user id's hash,
# so concurrent transfers of different users rarely touch the same row (ARCHITECTURE.md §4).
# Changing it needs a migration that adds rows; existing entries stay on their shard.
SYSTEM_ACCOUNT_SHARDS: Final = 16


class AccountKind(StrEnum):
    available = "available"  # the user's money free to bet or withdraw (may be < 0: a debt)
    held = "held"  # the user's stakes in open bets (sum of pending holds), never < 0
    house = "house"  # the house's side of stakes and payouts
    clearing = "clearing"  # money between us and the payment provider/bank
    withdrawals_payable = "withdrawals_payable"  # requested withdrawals not yet paid out
    # Paid products (issue 22, ADR 0012): what users paid for subscriptions and packages, and
    # the house's promotions budget that free bets' winnings are paid from.
    subscription_revenue = "subscription_revenue"
    package_revenue = "package_revenue"
    promotions = "promotions"

    @property
    def is_user(self) -> bool:
        return self in USER_ACCOUNT_KINDS


USER_ACCOUNT_KINDS: Final = frozenset({AccountKind.available, AccountKind.held})
SYSTEM_ACCOUNT_KINDS: Final = (
    AccountKind.house,
    AccountKind.clearing,
    AccountKind.withdrawals_payable,
    AccountKind.subscription_revenue,
    AccountKind.package_revenue,
    AccountKind.promotions,
)
# Order in which a transfer touches a user's rows: every writer locks them the same way round.
USER_LOCK_ORDER: Final = (AccountKind.available, AccountKind.held)


def shard_for(user_id: uuid.UUID) -> int:
    """The system-account shard of a user: stable across processes and releases."""
    digest = hashlib.blake2b(user_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") % SYSTEM_ACCOUNT_SHARDS


@dataclass(frozen=True)
class AccountRef:
    """An account by its natural key: (kind, user) for user accounts, (kind, shard) for system."""

    kind: AccountKind
    user_id: uuid.UUID | None = None
    shard: int | None = None

    def __post_init__(self) -> None:
        if self.kind.is_user:
            if self.user_id is None or self.shard is not None:
                raise ValueError(f"{self.kind} account needs a user and no shard")
        elif self.shard is None or not 0 <= self.shard < SYSTEM_ACCOUNT_SHARDS or self.user_id:
            raise ValueError(f"{self.kind} account needs a shard in [0, {SYSTEM_ACCOUNT_SHARDS})")

    @classmethod
    def user(cls, kind: AccountKind, user_id: uuid.UUID) -> AccountRef:
        return cls(kind=kind, user_id=user_id)

    @classmethod
    def system(cls, kind: AccountKind, user_id: uuid.UUID) -> AccountRef:
        """The shard of a system account that serves this user."""
        return cls(kind=kind, shard=shard_for(user_id))


class TransferKind(StrEnum):
    deposit = "deposit"  # clearing → available
    stake_hold = "stake_hold"  # available → held (hold pending)
    stake_void = "stake_void"  # held → available (hold voided)
    stake_post = "stake_post"  # held → house (hold posted)
    payout = "payout"  # house → available
    resettlement = "resettlement"  # house ↔ available, the signed payout delta
    withdrawal_request = "withdrawal_request"  # available → withdrawals_payable
    withdrawal_payout = "withdrawal_payout"  # withdrawals_payable → clearing (approved)
    withdrawal_return = "withdrawal_return"  # withdrawals_payable → available (rejected/cancelled)
    # card payments (domain/card_payments.py): house corrections that may leave a debt
    card_refund = "card_refund"  # available → clearing (a deposit refunded to the card)
    chargeback = "chargeback"  # available → clearing (a card dispute opened)
    chargeback_reversal = "chargeback_reversal"  # clearing → available (a dispute won)
    # paid products (ADR 0012); references are unique per kind, so each happens once
    subscription_charge = "subscription_charge"  # available → subscription_revenue (conditional)
    subscription_refund = "subscription_refund"  # subscription_revenue → available (plan change)
    package_purchase = "package_purchase"  # available → package_revenue (conditional)
    free_bet_winnings = "free_bet_winnings"  # promotions → available (a free bet won)
    free_bet_resettlement = "free_bet_resettlement"  # promotions ↔ available, winnings' delta


@dataclass(frozen=True)
class Leg:
    account: AccountRef
    amount_minor: int
    # Only for a debit of a user's available balance: applied only if the balance stays ≥ 0
    # (a conditional UPDATE), else the whole transfer is refused: never on credit.
    require_funds: bool = False


@dataclass(frozen=True)
class Transfer:
    """A balanced, immutable movement. ``(kind, reference)`` is unique: each happens once."""

    kind: TransferKind
    reference: str
    user_id: uuid.UUID
    legs: tuple[Leg, ...]
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.check_balanced()

    def check_balanced(self) -> None:
        if len(self.legs) < 2:
            raise UnbalancedTransfer(f"transfer {self.kind} needs at least two legs")
        if any(not isinstance(leg.amount_minor, int) or leg.amount_minor == 0 for leg in self.legs):
            raise UnbalancedTransfer(f"transfer {self.kind} has a zero or non-integer leg")
        total = sum(leg.amount_minor for leg in self.legs)
        if total != 0:
            raise UnbalancedTransfer(f"transfer {self.kind} sums to {total}, not zero")
        for leg in self.legs:
            if leg.require_funds and not (
                leg.account.kind is AccountKind.available and leg.amount_minor < 0
            ):
                raise UnbalancedTransfer("only a debit of available can require funds")

    def delta(self, kind: AccountKind) -> int:
        """Net change of this user's account of ``kind`` (0 if untouched)."""
        return sum(leg.amount_minor for leg in self.legs if leg.account.kind is kind)

    @property
    def user_legs(self) -> list[Leg]:
        """The legs on the user's own rows, in lock order (available before held)."""
        legs = [leg for leg in self.legs if leg.account.kind.is_user]
        return sorted(legs, key=lambda leg: USER_LOCK_ORDER.index(leg.account.kind))

    @property
    def system_legs(self) -> list[Leg]:
        return [leg for leg in self.legs if not leg.account.kind.is_user]


def move(
    kind: TransferKind,
    reference: str,
    user_id: uuid.UUID,
    source: AccountRef,
    target: AccountRef,
    amount_minor: int,
    *,
    require_funds: bool = False,
) -> Transfer:
    """``amount_minor`` (> 0) from ``source`` to ``target``."""
    if amount_minor <= 0:
        raise UnbalancedTransfer(f"a {kind} moves a positive amount, not {amount_minor}")
    return Transfer(
        kind=kind,
        reference=reference,
        user_id=user_id,
        legs=(
            Leg(source, -amount_minor, require_funds=require_funds),
            Leg(target, amount_minor),
        ),
    )


def _available(user_id: uuid.UUID) -> AccountRef:
    return AccountRef.user(AccountKind.available, user_id)


def _held(user_id: uuid.UUID) -> AccountRef:
    return AccountRef.user(AccountKind.held, user_id)


def _system(kind: AccountKind, user_id: uuid.UUID) -> AccountRef:
    return AccountRef.system(kind, user_id)


# --- the operations of ARCHITECTURE.md §4, one function each --------------------------------


def deposit(user_id: uuid.UUID, operation_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.deposit,
        str(operation_id),
        user_id,
        _system(AccountKind.clearing, user_id),
        _available(user_id),
        amount_minor,
    )


def hold_stake(user_id: uuid.UUID, bet_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.stake_hold,
        str(bet_id),
        user_id,
        _available(user_id),
        _held(user_id),
        amount_minor,
        require_funds=True,
    )


def void_stake(user_id: uuid.UUID, bet_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.stake_void,
        str(bet_id),
        user_id,
        _held(user_id),
        _available(user_id),
        amount_minor,
    )


def post_stake(user_id: uuid.UUID, bet_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.stake_post,
        str(bet_id),
        user_id,
        _held(user_id),
        _system(AccountKind.house, user_id),
        amount_minor,
    )


def pay_out(user_id: uuid.UUID, bet_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.payout,
        str(bet_id),
        user_id,
        _system(AccountKind.house, user_id),
        _available(user_id),
        amount_minor,
    )


def resettle(
    user_id: uuid.UUID, bet_id: uuid.UUID, settlement_version: int, delta_minor: int
) -> Transfer:
    """The signed payout correction. A negative one may take available below zero (a debt):
    the only transfer allowed to (ARCHITECTURE.md §4, "never on credit" except house corrections).
    """
    house = _system(AccountKind.house, user_id)
    reference = f"{bet_id}:{settlement_version}"
    if delta_minor > 0:
        return move(
            TransferKind.resettlement, reference, user_id, house, _available(user_id), delta_minor
        )
    return move(
        TransferKind.resettlement, reference, user_id, _available(user_id), house, -delta_minor
    )


def request_withdrawal(user_id: uuid.UUID, operation_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.withdrawal_request,
        str(operation_id),
        user_id,
        _available(user_id),
        _system(AccountKind.withdrawals_payable, user_id),
        amount_minor,
        require_funds=True,
    )


def pay_withdrawal(user_id: uuid.UUID, operation_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.withdrawal_payout,
        str(operation_id),
        user_id,
        _system(AccountKind.withdrawals_payable, user_id),
        _system(AccountKind.clearing, user_id),
        amount_minor,
    )


def return_withdrawal(user_id: uuid.UUID, operation_id: uuid.UUID, amount_minor: int) -> Transfer:
    return move(
        TransferKind.withdrawal_return,
        str(operation_id),
        user_id,
        _system(AccountKind.withdrawals_payable, user_id),
        _available(user_id),
        amount_minor,
    )


def charge_subscription(user_id: uuid.UUID, reference: str, amount_minor: int) -> Transfer:
    """One period of a plan, never on credit. ``reference``: ``PeriodKey.reference``."""
    return move(
        TransferKind.subscription_charge,
        reference,
        user_id,
        _available(user_id),
        _system(AccountKind.subscription_revenue, user_id),
        amount_minor,
        require_funds=True,
    )


def refund_subscription(user_id: uuid.UUID, reference: str, amount_minor: int) -> Transfer:
    """The unused part of the periods a plan change cut short (``Refund``)."""
    return move(
        TransferKind.subscription_refund,
        reference,
        user_id,
        _system(AccountKind.subscription_revenue, user_id),
        _available(user_id),
        amount_minor,
    )


def buy_package(user_id: uuid.UUID, purchase_id: uuid.UUID, amount_minor: int) -> Transfer:
    """A package paid from the balance (a card purchase is a deposit, then this), never on
    credit."""
    return move(
        TransferKind.package_purchase,
        str(purchase_id),
        user_id,
        _available(user_id),
        _system(AccountKind.package_revenue, user_id),
        amount_minor,
        require_funds=True,
    )


def pay_free_bet_winnings(user_id: uuid.UUID, bet_id: uuid.UUID, amount_minor: int) -> Transfer:
    """A won free bet's winnings (``packages.free_bet_payout``): the stake was the house's."""
    return move(
        TransferKind.free_bet_winnings,
        str(bet_id),
        user_id,
        _system(AccountKind.promotions, user_id),
        _available(user_id),
        amount_minor,
    )


# --- holds ----------------------------------------------------------------------------------


class HoldStatus(StrEnum):
    pending = "pending"
    posted = "posted"
    voided = "voided"


def finish_hold(status: HoldStatus, target: HoldStatus) -> HoldStatus:
    """``pending → posted | voided``, once; anything else is refused."""
    if target is HoldStatus.pending:
        raise ValueError("a hold cannot go back to pending")
    if status is not HoldStatus.pending:
        raise HoldAlreadyFinished(f"hold is already {status}")
    return target
