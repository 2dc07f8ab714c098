"""Operator commands: ``python -m events.entrypoints.cli load-demo [--events N]``.

``load-demo`` fills the catalogue with a living sportsbook (``make run`` calls it): four sports,
their leagues, ~200 events across scheduled, live and finished, with markets and odds. It goes
through the same handlers as the API, so every event, price and result is emitted on the bus
(bets and the gateway learn of them like any other). Idempotent: demo events carry
``external_event_id`` ``demo-0001``…, and one already there is left as it is.
"""

from __future__ import annotations

import argparse
import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from common.db import create_engine, create_sessionmaker
from events.bootstrap import utc_now
from events.service_layer import handlers
from events.service_layer.handlers import NewMarket, Price
from events.service_layer.unit_of_work import UnitOfWork, UnitOfWorkFactory
from events.settings import Settings

DEMO_ACTOR = "system:demo"
DEMO_PREFIX = "demo-"
DEFAULT_EVENTS = 200


@dataclass(frozen=True)
class DemoLeague:
    sport: str
    name: str
    country: str
    teams: tuple[str, ...]
    weight: int  # share of the demo events


SPORTS = (
    ("football", "Football", "⚽"),
    ("basketball", "Basketball", "🏀"),
    ("tennis", "Tennis", "🎾"),
    ("hockey", "Hockey", "🏒"),
)

LEAGUES = (
    DemoLeague(
        "football",
        "Premier League",
        "England",
        (
            "Manchester United",
            "Liverpool",
            "Arsenal",
            "Chelsea",
            "Manchester City",
            "Tottenham Hotspur",
            "Newcastle United",
            "Aston Villa",
            "Brighton",
            "West Ham United",
        ),
        28,
    ),
    DemoLeague(
        "football",
        "La Liga",
        "Spain",
        (
            "Real Madrid",
            "Barcelona",
            "Atlético Madrid",
            "Sevilla",
            "Real Sociedad",
            "Villarreal",
            "Real Betis",
            "Athletic Club",
            "Valencia",
            "Girona",
        ),
        22,
    ),
    DemoLeague(
        "football",
        "Serie A",
        "Italy",
        (
            "Juventus",
            "Inter",
            "AC Milan",
            "Napoli",
            "Roma",
            "Lazio",
            "Atalanta",
            "Fiorentina",
        ),
        16,
    ),
    DemoLeague(
        "football",
        "Bundesliga",
        "Germany",
        (
            "Bayern Munich",
            "Borussia Dortmund",
            "RB Leipzig",
            "Bayer Leverkusen",
            "Eintracht Frankfurt",
            "VfB Stuttgart",
            "Wolfsburg",
            "Freiburg",
        ),
        14,
    ),
    DemoLeague(
        "basketball",
        "NBA",
        "USA",
        (
            "Los Angeles Lakers",
            "Boston Celtics",
            "Golden State Warriors",
            "Miami Heat",
            "Chicago Bulls",
            "Denver Nuggets",
            "Milwaukee Bucks",
            "Phoenix Suns",
            "Dallas Mavericks",
            "New York Knicks",
        ),
        34,
    ),
    DemoLeague(
        "basketball",
        "EuroLeague",
        "Europe",
        (
            "Real Madrid Baloncesto",
            "FC Barcelona Basket",
            "Olympiacos",
            "Panathinaikos",
            "Fenerbahçe",
            "Anadolu Efes",
            "Maccabi Tel Aviv",
            "Žalgiris",
        ),
        14,
    ),
    DemoLeague(
        "tennis",
        "ATP",
        "World",
        (
            "Novak Djokovic",
            "Carlos Alcaraz",
            "Jannik Sinner",
            "Daniil Medvedev",
            "Alexander Zverev",
            "Andrey Rublev",
            "Holger Rune",
            "Casper Ruud",
            "Taylor Fritz",
            "Stefanos Tsitsipas",
        ),
        22,
    ),
    DemoLeague(
        "tennis",
        "WTA",
        "World",
        (
            "Iga Świątek",
            "Aryna Sabalenka",
            "Coco Gauff",
            "Elena Rybakina",
            "Jessica Pegula",
            "Ons Jabeur",
            "Maria Sakkari",
            "Qinwen Zheng",
        ),
        14,
    ),
    DemoLeague(
        "hockey",
        "NHL",
        "USA",
        (
            "Toronto Maple Leafs",
            "Montreal Canadiens",
            "Boston Bruins",
            "New York Rangers",
            "Edmonton Oilers",
            "Colorado Avalanche",
            "Tampa Bay Lightning",
            "Vegas Golden Knights",
        ),
        22,
    ),
    DemoLeague(
        "hockey",
        "KHL",
        "Russia",
        (
            "CSKA Moscow",
            "SKA Saint Petersburg",
            "Ak Bars Kazan",
            "Metallurg Magnitogorsk",
            "Dynamo Moscow",
            "Avangard Omsk",
        ),
        14,
    ),
)


@dataclass
class DemoReport:
    created: int = 0
    existing: int = 0


def _price(probability: float, margin: float = 1.06) -> Decimal:
    fair = 1 / max(probability * margin, 1e-6)
    return max(Decimal("1.01"), Decimal(str(fair)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _markets(sport: str, rng: random.Random) -> tuple[list[Price], list[NewMarket]]:
    """Main odds and extra markets priced from a random home strength, with a bookmaker margin."""
    home = rng.uniform(0.25, 0.7)
    if sport in {"football", "hockey"}:
        draw = rng.uniform(0.2, 0.3) if sport == "football" else rng.uniform(0.15, 0.22)
        away = max(0.08, 1 - home - draw)
        scale = home + draw + away
        p1, px, p2 = home / scale, draw / scale, away / scale
        main = [Price("1", _price(p1)), Price("X", _price(px)), Price("2", _price(p2))]
        line = Decimal("2.5") if sport == "football" else Decimal("5.5")
        over = rng.uniform(0.4, 0.6)
        btts = rng.uniform(0.4, 0.65)
        extra = [
            NewMarket(
                "double_chance",
                None,
                [
                    Price("1X", _price(p1 + px)),
                    Price("12", _price(p1 + p2)),
                    Price("X2", _price(px + p2)),
                ],
            ),
            NewMarket(
                "total", line, [Price("over", _price(over)), Price("under", _price(1 - over))]
            ),
            NewMarket("btts", None, [Price("yes", _price(btts)), Price("no", _price(1 - btts))]),
        ]
        if sport == "football":
            # An integer line: an exact 3 is a push, so prices are conditional on no push.
            push = 0.18
            over3 = over * 0.6
            extra.append(
                NewMarket(
                    "total",
                    Decimal("3"),
                    [
                        Price("over", _price(over3 / (1 - push))),
                        Price("under", _price((1 - push - over3) / (1 - push))),
                    ],
                )
            )
        return main, extra
    main = [Price("1", _price(home)), Price("2", _price(1 - home))]
    if sport == "basketball":
        line = Decimal(rng.randrange(430, 470)) / 2  # 215.0 … 234.5
        over = rng.uniform(0.45, 0.55)
        return main, [
            NewMarket(
                "total", line, [Price("over", _price(over)), Price("under", _price(1 - over))]
            )
        ]
    return main, []


def _score(sport: str, rng: random.Random, *, final: bool) -> tuple[int, int]:
    if sport == "football":
        return rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4)), rng.choice((0, 0, 1, 1, 1, 2, 2, 3))
    if sport == "hockey":
        return rng.randint(0, 6), rng.randint(0, 5)
    if sport == "basketball":
        home = rng.randint(95, 128) if final else rng.randint(30, 90)
        away = rng.randint(95, 126) if final else rng.randint(30, 90)
        return home, away + (1 if final and home == away else 0)
    sets = rng.choice(((2, 0), (2, 1), (1, 2), (0, 2))) if final else rng.choice(((1, 0), (0, 1)))
    return sets


# Kick-off times (UTC) the way fixtures are published: afternoons and evenings, on the hour
# or half past.
KICK_OFF_HOURS = (12, 13, 14, 15, 16, 17, 18, 19, 20)


def _kick_off(now: datetime, rng: random.Random, *, days: int) -> datetime:
    day = (now + timedelta(days=days)).replace(second=0, microsecond=0)
    return day.replace(hour=rng.choice(KICK_OFF_HOURS), minute=rng.choice((0, 30)))


def _plan(now: datetime, rng: random.Random) -> tuple[DemoLeague, str, datetime]:
    """Which league, which fate (scheduled/live/finished/postponed/cancelled) and when."""
    league = rng.choices(LEAGUES, weights=[lg.weight for lg in LEAGUES])[0]
    roll = rng.random()
    if roll < 0.10:
        minutes = rng.randint(5, 100)
        return league, "live", (now - timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    if roll < 0.30:
        return league, "finished", _kick_off(now, rng, days=-rng.randint(1, 7))
    fate = "postponed" if roll < 0.32 else "cancelled" if roll < 0.33 else "scheduled"
    starts_at = _kick_off(now, rng, days=rng.randint(0, 13))
    while starts_at <= now + timedelta(minutes=30):
        starts_at += timedelta(days=1)
    return league, fate, starts_at


async def load_demo(
    uow: UnitOfWorkFactory, *, now: datetime, events: int = DEFAULT_EVENTS, seed: int = 2026
) -> DemoReport:
    report = DemoReport()
    async with uow() as work:
        for order, (slug, name, icon) in enumerate(SPORTS):
            await handlers.add_sport(work, name=name, slug=slug, icon=icon, sort_order=order)
        for league in LEAGUES:
            await handlers.add_league(
                work, sport=league.sport, name=league.name, country=league.country
            )
        existing = await work.events.external_ids(DEMO_PREFIX)
        await work.commit()
    for index in range(1, events + 1):
        rng = random.Random(f"{seed}:{index}")
        external = f"{DEMO_PREFIX}{index:04d}"
        league, fate, starts_at = _plan(now, rng)
        home, away = rng.sample(league.teams, 2)
        main, extra = _markets(league.sport, rng)
        if external in existing:
            report.existing += 1
            continue
        async with uow() as work:
            event_id = await handlers.create_event(
                work,
                sport=league.sport,
                league=league.name,
                home_team=home,
                away_team=away,
                starts_at=starts_at,
                main_odds=main,
                extra_markets=extra,
                external_event_id=external,
                by=DEMO_ACTOR,
                now=now,
                allow_past_start=True,
                # Live demo events take live bets on their main market.
                main_live_betting=fate == "live",
            )
            if fate in {"live", "finished"}:
                await handlers.start_event(work, event_id)
            if fate == "live":
                home_score, away_score = _score(league.sport, rng, final=False)
                await handlers.update_score(
                    work,
                    event_id,
                    home_score=home_score,
                    away_score=away_score,
                    minute=int((now - starts_at).total_seconds() // 60),
                )
            elif fate == "finished":
                home_score, away_score = _score(league.sport, rng, final=True)
                await handlers.settle_event(
                    work,
                    event_id,
                    home_score=home_score,
                    away_score=away_score,
                    by=DEMO_ACTOR,
                    now=now,
                )
            elif fate == "postponed":
                await handlers.postpone_event(work, event_id, reason="Weather")
            elif fate == "cancelled":
                await handlers.cancel_event(work, event_id, reason="Venue unavailable")
            await work.commit()
            report.created += 1
    return report


async def _load_demo(events: int) -> DemoReport:
    settings = Settings()
    engine = create_engine(settings.database_url, pool_size=2, application_name="events-cli")
    sessionmaker = create_sessionmaker(engine)
    try:
        return await load_demo(lambda: UnitOfWork(sessionmaker), now=utc_now(), events=events)
    finally:
        await engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m events.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("load-demo", help="load the demo catalogue (idempotent)")
    demo.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="how many events")
    args = parser.parse_args(argv)
    if args.command == "load-demo":
        report = asyncio.run(_load_demo(args.events))
        print(f"events demo data: {report.created} events created, {report.existing} already there")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
