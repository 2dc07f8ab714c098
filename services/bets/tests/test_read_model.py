"""The read model follows events' messages idempotently and in any order."""

from __future__ import annotations

from decimal import Decimal

from services.bets.tests.builders import (
    BetsDb,
    handle,
    make_event_created,
    make_market_changed,
    make_odds_changed,
)

from bets.service_layer import read_model
from common.contracts.events import EventStatusChanged, EventUpdated
from common.messaging.envelope import wrap


async def test_snapshots_apply_by_revision_older_ones_ignored(bets_db: BetsDb) -> None:
    created = make_event_created()
    newer = EventUpdated(**{**created.model_dump(), "revision": 3, "event_name": "Renamed"})
    older = EventUpdated(**{**created.model_dump(), "revision": 2, "event_name": "Stale"})
    await handle(bets_db, read_model.on_event_snapshot, newer)
    await handle(bets_db, read_model.on_event_snapshot, created)  # late: ignored
    await handle(bets_db, read_model.on_event_snapshot, older)
    await handle(bets_db, read_model.on_event_snapshot, newer)  # duplicate: nothing changes
    row = await bets_db.one(
        "SELECT revision, event_name, status FROM bets.event WHERE id = :id", id=created.event_id
    )
    assert row == {"revision": 3, "event_name": "Renamed", "status": "scheduled"}


async def test_status_before_the_snapshot_creates_the_row(bets_db: BetsDb) -> None:
    created = make_event_created()
    await handle(
        bets_db,
        read_model.on_event_status_changed,
        EventStatusChanged(event_id=created.event_id, status="live"),
    )
    row = await bets_db.one(
        "SELECT revision, status FROM bets.event WHERE id = :id", id=created.event_id
    )
    assert row == {"revision": 0, "status": "live"}
    await handle(bets_db, read_model.on_event_snapshot, created)
    row = await bets_db.one("SELECT revision FROM bets.event WHERE id = :id", id=created.event_id)
    assert row == {"revision": 1}


async def test_odds_apply_by_version_and_a_redelivery_changes_nothing(bets_db: BetsDb) -> None:
    created = make_event_created()
    v1 = make_odds_changed(created.event_id, new_coefficient=Decimal("2.10"), odds_version=1)
    v2 = v1.model_copy(update={"new_coefficient": Decimal("2.25"), "odds_version": 2})
    envelope = wrap(v2)
    await handle(bets_db, read_model.on_odds_changed, v2, envelope)
    await handle(bets_db, read_model.on_odds_changed, v1)  # older: ignored
    await handle(bets_db, read_model.on_odds_changed, v2, envelope)
    row = await bets_db.one(
        "SELECT coefficient, odds_version FROM bets.selection WHERE odds_id = :id", id=v1.odds_id
    )
    assert row == {"coefficient": Decimal("2.250"), "odds_version": 2}
    market = await bets_db.one("SELECT status FROM bets.market WHERE id = :id", id=v1.market_id)
    assert market == {"status": "open"}


async def test_market_status_follows_market_changed_in_any_order(bets_db: BetsDb) -> None:
    created = make_event_created()
    odds = make_odds_changed(created.event_id)
    await handle(bets_db, read_model.on_market_changed, make_market_changed(odds, "suspended"))
    await handle(bets_db, read_model.on_odds_changed, odds)  # the market row stays suspended
    row = await bets_db.one("SELECT status FROM bets.market WHERE id = :id", id=odds.market_id)
    assert row == {"status": "suspended"}
    await handle(bets_db, read_model.on_market_changed, make_market_changed(odds, "open"))
    row = await bets_db.one("SELECT status FROM bets.market WHERE id = :id", id=odds.market_id)
    assert row == {"status": "open"}


async def test_the_live_betting_flag_follows_market_changed(bets_db: BetsDb) -> None:
    created = make_event_created()
    odds = make_odds_changed(created.event_id)
    await handle(bets_db, read_model.on_odds_changed, odds)  # no MarketChanged yet: not live
    query = "SELECT live_betting FROM bets.market WHERE id = :id"
    assert await bets_db.one(query, id=odds.market_id) == {"live_betting": False}
    live = make_market_changed(odds, "open", live_betting=True)
    await handle(bets_db, read_model.on_market_changed, live)
    assert await bets_db.one(query, id=odds.market_id) == {"live_betting": True}
    await handle(bets_db, read_model.on_market_changed, make_market_changed(odds, "open"))
    assert await bets_db.one(query, id=odds.market_id) == {"live_betting": False}
