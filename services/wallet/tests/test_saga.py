"""The saga handlers on real PostgreSQL, called as the consumer calls them: money to the cent,
every effect once per bet, early messages raise (the bus retries them)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from services.wallet.tests.support.ledger import (
    WalletDb,
    deposit,
    handle,
    make_cancelled,
    make_leg,
    make_placed,
    make_release,
    make_reserve,
    make_resettled,
    make_settled,
    make_wallet,
    reserve_on_new_wallet,
)
from sqlalchemy import select

from common.contracts.auth import UserBlocked, UserRegistered
from common.errors import EarlierMessagePending
from wallet.adapters.tables import bet, wallet
from wallet.domain.errors import HoldMismatch, HoldNotFound
from wallet.service_layer import saga


def registered(user_id: uuid.UUID) -> UserRegistered:
    return UserRegistered(user_id=user_id, email="ivan@mail.com", name="Ivan")


async def on_registered(db: WalletDb, user_id: uuid.UUID) -> None:
    async def handler(payload: UserRegistered, ctx: object) -> None:
        await saga.on_user_registered(payload, ctx, currency="USD")  # type: ignore[arg-type]

    await handle(db, handler, registered(user_id))


async def read_bet(db: WalletDb, bet_id: uuid.UUID) -> dict[str, object]:
    async with db.engine.connect() as conn:
        return dict((await conn.execute(select(bet).where(bet.c.bet_id == bet_id))).one()._mapping)


async def test_user_registered_opens_an_empty_wallet_once(wallet_db: WalletDb) -> None:
    user = uuid.uuid4()
    await on_registered(wallet_db, user)
    await on_registered(wallet_db, user)  # a new event_id, same user: nothing new
    assert await wallet_db.balances(user) == (0, 0)
    assert (
        await wallet_db.count("SELECT count(*) FROM wallet.account WHERE user_id = :u", u=user) == 2
    )


async def test_reserve_holds_the_stake_and_answers_stake_reserved(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=500_000)  # 5000.00
    reserve = make_reserve(user, 10_000)  # 100.00
    await handle(wallet_db, saga.on_reserve_stake, reserve)
    assert await wallet_db.balances(user) == (490_000, 10_000)
    [reply] = await wallet_db.emitted("StakeReserved", bet_id=reserve.bet_id)
    assert reply["amount_minor"] == 10_000
    assert reply["currency"] == "USD"
    assert await wallet_db.hold_status(reserve.bet_id) == "pending"
    placed = (await wallet_db.history(user))[-1]
    assert (placed["type"], placed["amount_minor"], placed["status"]) == (
        "bet_placed",
        -10_000,
        "completed",
    )
    # the seed's 5 000 → 4 900 for a bet placed
    assert (placed["balance_before_minor"], placed["balance_after_minor"]) == (500_000, 490_000)
    assert placed["description"] == "Real Madrid \u2013 Barcelona: 1 @ 2.10"
    assert placed["metadata"]["legs"][0]["event_name"] == "Real Madrid \u2013 Barcelona"


async def test_the_same_bet_under_a_new_event_id_is_held_once_and_answered_alike(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    reserve = make_reserve(user, 600)
    for _ in range(3):
        await handle(wallet_db, saga.on_reserve_stake, reserve)
    assert await wallet_db.balances(user) == (400, 600)
    replies = await wallet_db.emitted("StakeReserved", bet_id=reserve.bet_id)
    assert len(replies) == 3
    assert len({r["hold_id"] for r in replies}) == 1


async def test_rejections_carry_their_reason_and_repeat_identically(wallet_db: WalletDb) -> None:
    poor, too_much = await reserve_on_new_wallet(wallet_db, balance_minor=999, stake_minor=1_000)
    await deposit(wallet_db, poor, 10_000)  # money arrives later…
    await handle(wallet_db, saga.on_reserve_stake, too_much)  # …the same bet is still refused
    replies = await wallet_db.emitted("StakeReservationRejected", bet_id=too_much.bet_id)
    assert [r["reason"] for r in replies] == ["wallet.insufficient_funds"] * 2
    assert await wallet_db.balances(poor) == (10_999, 0)
    assert await wallet_db.hold_status(too_much.bet_id) is None

    nobody = make_reserve(uuid.uuid4(), 100)
    await handle(wallet_db, saga.on_reserve_stake, nobody)
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=nobody.bet_id)
    assert reply["reason"] == "wallet.no_wallet"
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.wallet WHERE user_id = :u", u=nobody.user_id
        )
        == 0
    )

    blocked = await make_wallet(wallet_db, balance_minor=5_000)

    async def block(payload: UserBlocked, ctx: object) -> None:
        await saga.on_user_blocked(payload, ctx, currency="USD")  # type: ignore[arg-type]

    await handle(wallet_db, block, UserBlocked(user_id=blocked, reason="fraud"))
    await handle(wallet_db, block, UserBlocked(user_id=blocked, reason="again"))
    refused = make_reserve(blocked, 100)
    await handle(wallet_db, saga.on_reserve_stake, refused)
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=refused.bet_id)
    assert reply["reason"] == "wallet.user_blocked"
    async with wallet_db.engine.connect() as conn:
        row = (await conn.execute(select(wallet).where(wallet.c.user_id == blocked))).one()
    assert (row.status, row.blocked_reason) == ("blocked", "fraud")

    euros = make_reserve(await make_wallet(wallet_db, balance_minor=5_000), 100, currency="EUR")
    await handle(wallet_db, saga.on_reserve_stake, euros)
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=euros.bet_id)
    assert reply["reason"] == "wallet.currency_mismatch"


async def test_user_blocked_before_registered_keeps_the_wallet_blocked(wallet_db: WalletDb) -> None:
    user = uuid.uuid4()

    async def block(payload: UserBlocked, ctx: object) -> None:
        await saga.on_user_blocked(payload, ctx, currency="USD")  # type: ignore[arg-type]

    await handle(wallet_db, block, UserBlocked(user_id=user, reason="fraud"))
    await on_registered(wallet_db, user)
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.wallet WHERE user_id = :u AND status = 'blocked'", u=user
        )
        == 1
    )


async def test_release_voids_the_hold_once(wallet_db: WalletDb) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=10_000, stake_minor=2_550)
    for _ in range(3):
        await handle(wallet_db, saga.on_release_stake, make_release(reserve))
    assert await wallet_db.balances(user) == (10_000, 0)
    assert await wallet_db.hold_status(reserve.bet_id) == "voided"
    types = [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user)]
    assert types == [("deposit", 10_000), ("bet_placed", -2_550), ("refund", 2_550)]
    # a void settlement after the release moves nothing; a win after it is refused (visible)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "void"))
    with pytest.raises(HoldMismatch):
        await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won"))
    assert await wallet_db.balances(user) == (10_000, 0)


async def test_release_of_a_rejected_bet_is_a_no_op_and_of_an_unknown_bet_leaves_a_tombstone(
    wallet_db: WalletDb,
) -> None:
    user, rejected = await reserve_on_new_wallet(wallet_db, balance_minor=100, stake_minor=200)
    await handle(wallet_db, saga.on_release_stake, make_release(rejected))
    unknown = make_reserve(user, 50)
    await handle(wallet_db, saga.on_release_stake, make_release(unknown))  # acknowledged
    tombstones = "SELECT count(*) FROM wallet.release_tombstone WHERE bet_id = :b"
    assert await wallet_db.count(tombstones, b=rejected.bet_id) == 0
    assert await wallet_db.count(tombstones, b=unknown.bet_id) == 1
    assert await wallet_db.balances(user) == (100, 0)


async def test_won_bet_posts_the_hold_and_pays_out_to_the_cent(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=500_000)
    reserve = make_reserve(user, 10_000)  # 100.00 @ 1.85
    reserve = make_reserve(user, 10_000, legs=[make_leg(coefficient=Decimal("1.85"))])
    await handle(wallet_db, saga.on_reserve_stake, reserve)
    await handle(wallet_db, saga.on_bet_placed, make_placed(reserve))
    won = make_settled(reserve, "won", payout_minor=18_500)
    await handle(wallet_db, saga.on_bet_settled, won)
    await handle(wallet_db, saga.on_bet_settled, won)  # the same settlement again: nothing
    assert await wallet_db.balances(user) == (508_500, 0)
    assert await wallet_db.hold_status(reserve.bet_id) == "posted"
    last = (await wallet_db.history(user))[-1]
    assert (last["type"], last["amount_minor"]) == ("bet_won", 18_500)
    # the seed's 4 900 → 5 085
    assert (last["balance_before_minor"], last["balance_after_minor"]) == (490_000, 508_500)
    row = await read_bet(wallet_db, reserve.bet_id)
    assert (row["status"], row["result"], row["payout_minor"]) == ("won", "win", 18_500)
    assert row["coefficient"] == Decimal("1.850")
    assert row["bet_type"] == "single"


async def test_lost_bet_and_lost_coupon_show_zero_and_keep_the_stake(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    single = make_reserve(user, 300)
    coupon = make_reserve(
        user, 200, legs=[make_leg(), make_leg(event_name="Chelsea \u2013 Arsenal")]
    )
    for r in (single, coupon):
        await handle(wallet_db, saga.on_reserve_stake, r)
        await handle(wallet_db, saga.on_bet_settled, make_settled(r, "lost"))
    assert await wallet_db.balances(user) == (500, 0)
    rows = [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user)]
    assert rows[-3:] == [("bet_lost", 0), ("bet_placed", -200), ("coupon_lost", 0)]
    assert (await wallet_db.history(user))[-1]["metadata"]["stake"] == "2.00"


async def test_won_coupon_and_void_single(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=10_000)
    coupon = make_reserve(
        user, 1_000, legs=[make_leg(), make_leg(event_name="Chelsea \u2013 Arsenal")]
    )
    single = make_reserve(user, 2_000)
    await handle(wallet_db, saga.on_reserve_stake, coupon)
    await handle(wallet_db, saga.on_reserve_stake, single)
    await handle(wallet_db, saga.on_bet_settled, make_settled(coupon, "won", payout_minor=5_830))
    await handle(wallet_db, saga.on_bet_settled, make_settled(single, "void"))
    assert await wallet_db.balances(user) == (10_000 - 1_000 + 5_830, 0)
    rows = [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user)]
    assert rows[-2:] == [("coupon_won", 5_830), ("refund", 2_000)]
    assert (await read_bet(wallet_db, single.bet_id))["result"] == "void"


async def test_settle_before_reserve_raises_then_applies_once(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    reserve = make_reserve(user, 400)
    settled = make_settled(reserve, "won", payout_minor=840)
    with pytest.raises(HoldNotFound):
        await handle(wallet_db, saga.on_bet_settled, settled)
    assert await wallet_db.balances(user) == (1_000, 0)
    await handle(wallet_db, saga.on_reserve_stake, reserve)
    await handle(wallet_db, saga.on_bet_settled, settled)  # the retry
    await handle(wallet_db, saga.on_bet_settled, settled)
    assert await wallet_db.balances(user) == (1_440, 0)


async def test_a_settlement_that_disagrees_with_the_hold_is_refused(wallet_db: WalletDb) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=1_000, stake_minor=400)
    with pytest.raises(HoldMismatch):
        await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "lost", stake_minor=401))
    with pytest.raises(HoldMismatch):
        await handle(
            wallet_db, saga.on_reserve_stake, make_reserve(user, 401, bet_id=reserve.bet_id)
        )
    await handle(wallet_db, saga.on_release_stake, make_release(reserve))


async def test_read_model_copes_with_any_order(wallet_db: WalletDb) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=1_000, stake_minor=400)
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "lost"))
    await handle(wallet_db, saga.on_bet_placed, make_placed(reserve))  # late: keeps "lost"
    row = await read_bet(wallet_db, reserve.bet_id)
    assert (row["status"], row["potential_win_minor"]) == ("lost", 840)

    cancelled = make_reserve(user, 100)
    await handle(wallet_db, saga.on_reserve_stake, cancelled)
    await handle(wallet_db, saga.on_bet_cancelled, make_cancelled(cancelled))
    await handle(wallet_db, saga.on_bet_placed, make_placed(cancelled))
    row = await read_bet(wallet_db, cancelled.bet_id)
    assert (row["status"], row["stake_minor"]) == ("cancelled", 100)
    await handle(wallet_db, saga.on_release_stake, make_release(cancelled))
    assert await wallet_db.balances(user) == (600, 0)


async def test_resettlement_moves_the_delta_once_per_version_and_may_leave_a_debt(
    wallet_db: WalletDb,
) -> None:
    user, reserve = await reserve_on_new_wallet(wallet_db, balance_minor=1_000, stake_minor=1_000)
    with pytest.raises(HoldNotFound):  # not settled yet: retried later
        await handle(
            wallet_db, saga.on_bet_resettled, make_resettled(reserve, "won", "lost", -2_100)
        )
    await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "won", payout_minor=2_100))
    assert await wallet_db.balances(user) == (2_100, 0)
    # the user spends most of it…
    spent = make_reserve(user, 2_000)
    await handle(wallet_db, saga.on_reserve_stake, spent)
    # …then the result is corrected won → lost: the payout is taken back, a debt remains
    v2 = make_resettled(reserve, "won", "lost", -2_100, version=2)
    await handle(wallet_db, saga.on_bet_resettled, v2)
    await handle(wallet_db, saga.on_bet_resettled, v2)
    assert await wallet_db.balances(user) == (-2_000, 2_000)
    # in debt: no new bet
    refused = make_reserve(user, 1)
    await handle(wallet_db, saga.on_reserve_stake, refused)
    [reply] = await wallet_db.emitted("StakeReservationRejected", bet_id=refused.bet_id)
    assert reply["reason"] == "wallet.insufficient_funds"
    # corrected back lost → won (version 3)
    await handle(
        wallet_db, saga.on_bet_resettled, make_resettled(reserve, "lost", "won", 2_100, version=3)
    )
    assert await wallet_db.balances(user) == (100, 2_000)
    row = await read_bet(wallet_db, reserve.bet_id)
    assert (row["status"], row["payout_minor"], row["settlement_version"]) == ("won", 2_100, 3)
    rows = [(r["type"], r["amount_minor"]) for r in await wallet_db.history(user)]
    assert rows[-2:] == [("bet_resettled", -2_100), ("bet_resettled", 2_100)]
    await handle(wallet_db, saga.on_release_stake, make_release(spent))


async def test_a_message_before_the_one_it_builds_on_is_one_the_bus_waits_for(
    wallet_db: WalletDb,
) -> None:
    """A settlement before its reserve and a correction before its settlement are early, not
    wrong: the consumer retries them past max_attempts (``EarlierMessagePending``) instead of
    dead-lettering a payout the platform owes (the chaos run, issue 21)."""
    user = await make_wallet(wallet_db, balance_minor=1_000)
    reserve = make_reserve(user, 400)
    with pytest.raises(EarlierMessagePending):
        await handle(wallet_db, saga.on_bet_settled, make_settled(reserve, "lost"))
    await handle(wallet_db, saga.on_reserve_stake, reserve)
    with pytest.raises(EarlierMessagePending):
        await handle(wallet_db, saga.on_bet_resettled, make_resettled(reserve, "won", "lost", -800))
    assert await wallet_db.balances(user) == (600, 400)  # nothing moved but the hold
