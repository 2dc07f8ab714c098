"""The ledger on real PostgreSQL: balances move with entries, the DB refuses bad writes,
system accounts are sharded and applied at commit, reconciliation sees drift."""

from __future__ import annotations

import uuid

import pytest
from services.wallet.tests.support.ledger import WalletDb, make_wallet
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from wallet.adapters.ledger import Ledger
from wallet.domain import ledger as rules
from wallet.domain.errors import InsufficientFunds, TransferAlreadyPosted, WalletNotFound
from wallet.domain.history import HistoryLine, HistoryType
from wallet.service_layer.deposits.settle import credit
from wallet.service_layer.reconciliation import reconcile
from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def shard_balance(db: WalletDb, kind: str, user_id: uuid.UUID) -> int:
    return await db.count(
        "SELECT balance_minor FROM wallet.account WHERE kind = :k AND shard = :s",
        k=kind,
        s=rules.shard_for(user_id),
    )


async def test_deposit_moves_clearing_to_available_once_with_its_history_row(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db)
    clearing_before = await shard_balance(wallet_db, "clearing", user)
    operation = uuid.uuid4()
    for _ in range(2):  # the second call credits nothing
        async with wallet_db.sessionmaker.begin() as session:
            result = await credit(
                WalletUnitOfWork.joining(session),
                user_id=user,
                operation_id=operation,
                amount_minor=500_000,
            )
    assert result.credited_now is False
    assert await wallet_db.balances(user) == (500_000, 0)
    assert await shard_balance(wallet_db, "clearing", user) == clearing_before - 500_000
    [row] = await wallet_db.history(user)
    assert (row["type"], row["amount_minor"], row["status"]) == ("deposit", 500_000, "completed")
    assert (row["balance_before_minor"], row["balance_after_minor"]) == (0, 500_000)
    assert len(await wallet_db.emitted("DepositCompleted", operation_id=operation)) == 1


async def test_deposit_to_a_missing_wallet_is_refused(wallet_db: WalletDb) -> None:
    with pytest.raises(WalletNotFound):
        async with wallet_db.sessionmaker.begin() as session:
            await credit(
                WalletUnitOfWork.joining(session),
                user_id=uuid.uuid4(),
                operation_id=uuid.uuid4(),
                amount_minor=100,
            )


async def test_conditional_debit_never_goes_below_zero_and_writes_nothing(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=1_000)
    bet = uuid.uuid4()
    with pytest.raises(InsufficientFunds):
        async with wallet_db.sessionmaker.begin() as session:
            await Ledger(session).post(rules.hold_stake(user, bet, 1_001))
    assert await wallet_db.balances(user) == (1_000, 0)
    assert (
        await wallet_db.count(
            "SELECT count(*) FROM wallet.transfer WHERE reference = :r", r=str(bet)
        )
        == 0
    )
    line = HistoryLine(HistoryType.bet_placed, -1_000, "test", str(bet))
    async with wallet_db.sessionmaker.begin() as session:
        posted = await Ledger(session).post(rules.hold_stake(user, bet, 1_000), line)
    assert posted.available_after_minor == 0
    assert await wallet_db.balances(user) == (0, 1_000)
    # …and the same movement cannot be posted twice
    refund = HistoryLine(HistoryType.refund, 1_000, "test", str(bet))

    async def twice() -> None:
        async with wallet_db.sessionmaker.begin() as session:
            await Ledger(session).post(rules.void_stake(user, bet, 1_000), refund)
            await Ledger(session).post(rules.void_stake(user, bet, 1_000), refund)

    with pytest.raises(TransferAlreadyPosted):
        await twice()
    assert await wallet_db.balances(user) == (0, 1_000)  # rolled back whole
    async with wallet_db.sessionmaker.begin() as session:
        await Ledger(session).post(rules.void_stake(user, bet, 1_000), refund)


async def test_a_rolled_back_transaction_leaves_no_deferred_system_delta_behind(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db)
    house = await shard_balance(wallet_db, "clearing", user)
    session = wallet_db.sessionmaker()
    async with session:
        async with session.begin():
            await Ledger(session).post(rules.deposit(user, uuid.uuid4(), 700))
            await session.rollback()
        async with session.begin():  # same session, next transaction: nothing carried over
            await Ledger(session).post(rules.deposit(user, uuid.uuid4(), 300))
    assert await shard_balance(wallet_db, "clearing", user) == house - 300
    assert await wallet_db.balances(user) == (300, 0)
    # no history line was given: the history check would report it, so add the line now
    async with wallet_db.sessionmaker.begin() as s:
        await Ledger(s).write_history(
            user, HistoryLine(HistoryType.deposit, 300, "test", "t"), 0, transfer_id=None
        )


async def test_the_database_refuses_unbalanced_entries_and_edits(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=100)
    async with wallet_db.engine.connect() as conn:
        transfer_id = await conn.scalar(
            text(
                "SELECT transfer_id FROM wallet.entry e JOIN wallet.account a"
                " ON a.id = e.account_id WHERE a.user_id = :u LIMIT 1"
            ),
            {"u": user},
        )
        account_id = await conn.scalar(
            text("SELECT id FROM wallet.account WHERE user_id = :u AND kind = 'available'"),
            {"u": user},
        )
    statements = [
        (
            "INSERT INTO wallet.entry (transfer_id, account_id, amount_minor) VALUES (:t, :a, 5)",
            "does not balance",
        ),
        (
            "UPDATE wallet.entry SET amount_minor = amount_minor WHERE transfer_id = :t",
            "append-only",
        ),
        ("DELETE FROM wallet.entry WHERE transfer_id = :t", "append-only"),
        ("UPDATE wallet.transfer SET kind = kind WHERE id = :t", "append-only"),
        ("DELETE FROM wallet.transfer WHERE id = :t", "append-only"),
        (
            "UPDATE wallet.account SET balance_minor = -1 WHERE user_id = :u AND kind = 'held'",
            "held_not_negative",
        ),
    ]
    for sql, message in statements:
        with pytest.raises(DBAPIError, match=message):
            async with wallet_db.engine.begin() as conn:
                await conn.execute(text(sql), {"t": transfer_id, "a": account_id, "u": user})


async def test_reconciliation_reports_drift_and_a_nonzero_sum(wallet_db: WalletDb) -> None:
    user = await make_wallet(wallet_db, balance_minor=2_500)
    async with wallet_db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE wallet.account SET balance_minor = balance_minor + 1"
                " WHERE user_id = :u AND kind = 'available'"
            ),
            {"u": user},
        )
    report = await reconcile(wallet_db.engine)
    assert not report.ok
    assert report.total_balance_minor == 1
    [drift] = report.drift
    assert (drift.user_id, drift.balance_minor, drift.entries_minor) == (user, 2_501, 2_500)
    assert report.history_mismatches[0]["user_id"] == str(user)
    async with wallet_db.engine.begin() as conn:  # put it right for the after-test check
        await conn.execute(
            text(
                "UPDATE wallet.account SET balance_minor = balance_minor - 1"
                " WHERE user_id = :u AND kind = 'available'"
            ),
            {"u": user},
        )
    assert (await reconcile(wallet_db.engine)).ok


async def test_system_accounts_are_sixteen_shards_each(wallet_db: WalletDb) -> None:
    for kind in ("house", "clearing", "withdrawals_payable"):
        assert (
            await wallet_db.count("SELECT count(*) FROM wallet.account WHERE kind = :k", k=kind)
            == 16
        )
