"""Public reads under /api/events: the listing and its shortcuts, one event, odds history,
sports and leagues. Anonymous answers are cacheable (ETag, ``Cache-Control: public``)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, get_args

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from events.adapters.listing_cache import CachedPage
from events.domain.lifecycle import EventStatus
from events.entrypoints.api import schemas
from events.entrypoints.api.caching import cached_body, cached_json, etag_of
from events.entrypoints.api.deps import EventsSettings, MaybePrincipal, ReadUow, wiring
from events.service_layer import views
from events.service_layer.views import EventFilter

router = APIRouter(prefix="/api/events", tags=["events"])

STATUSES: tuple[EventStatus, ...] = get_args(EventStatus)
Page = Annotated[int, Query(ge=1, le=100_000, description="1-based page number")]
Limit = Annotated[int, Query(ge=1, le=100, description="events per page")]
Text = Annotated[str | None, Query(max_length=100)]


def _invalid(name: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", name), "msg": message, "type": "value_error"}])


def _statuses(raw: str | None) -> tuple[EventStatus, ...]:
    if not raw:
        return ()
    wanted = [s.strip().lower() for s in raw.split(",") if s.strip()]
    chosen = tuple(s for s in STATUSES if s in wanted)
    if len(set(wanted)) != len(chosen):
        raise _invalid("status", f"status is one or more of {', '.join(STATUSES)}")
    return chosen


def _bound(name: str, raw: str | None, *, end: bool) -> datetime | None:
    """``2025-12-15`` is the whole day (date_to includes it); a datetime is exact (UTC if naive)."""
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day + timedelta(days=1 if end else 0), time(), UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, "a date (YYYY-MM-DD) or an ISO 8601 datetime") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment + timedelta(microseconds=1) if end else moment


async def _page(
    request: Request, uow: ReadUow, settings: EventsSettings, f: EventFilter, page: int, limit: int
) -> Response:
    """A page of events, rendered once per catalogue generation (``ListingCache``)."""
    cache = (await wiring(request)).listing
    key = cache.key_of(f, page, limit)
    generation = await cache.generation()
    found = await cache.get(generation, key) if generation is not None else None
    if found is None:
        answer = await views.list_events(uow, f, page=page, limit=limit)
        body = answer.model_dump_json().encode()
        found = CachedPage.of(body, etag_of(body))
        if generation is not None:
            await cache.put(generation, key, found)
    return cached_body(
        request, found.body, found.etag, max_age_s=settings.cache_max_age_s, gzipped=found.gzipped
    )


# Without the slash too: a redirect would point past the gateway at this process.
@router.get("", response_model=views.EventPage, include_in_schema=False)
@router.get("/", response_model=views.EventPage, summary="Events with their odds, filtered")
async def list_events(
    request: Request,
    uow: ReadUow,
    settings: EventsSettings,
    sport: Text = None,
    league: Text = None,
    status: Text = None,
    date_from: Text = None,
    date_to: Text = None,
    search: Text = None,
    page: Page = 1,
    limit: Limit = 20,
) -> Response:
    """``sport`` and ``league`` by id, slug or name; ``status`` one or several (comma-separated);
    ``date_from``/``date_to`` dates (whole days) or datetimes; ``search`` team-name words
    (prefixes). Ordered by start time."""
    f = EventFilter(
        sport=sport,
        league=league,
        statuses=_statuses(status),
        starts_from=_bound("date_from", date_from, end=False),
        starts_before=_bound("date_to", date_to, end=True),
        search=search,
    )
    return await _page(request, uow, settings, f, page, limit)


@router.get("/live", response_model=views.EventPage, summary="Events in play")
async def live_events(
    request: Request,
    uow: ReadUow,
    settings: EventsSettings,
    sport: Text = None,
    page: Page = 1,
    limit: Limit = 20,
) -> Response:
    f = EventFilter(sport=sport, statuses=("live",))
    return await _page(request, uow, settings, f, page, limit)


@router.get("/sports", response_model=schemas.SportsOut, summary="Sports with event counts")
async def sports(request: Request, uow: ReadUow, settings: EventsSettings) -> Response:
    answer = schemas.SportsOut(sports=await views.sports(uow))
    return cached_json(request, answer, max_age_s=settings.cache_max_age_s)


@router.get("/leagues", response_model=schemas.LeaguesOut, summary="Leagues with event counts")
async def leagues(
    request: Request, uow: ReadUow, settings: EventsSettings, sport: Text = None
) -> Response:
    answer = schemas.LeaguesOut(leagues=await views.leagues(uow, sport=sport))
    return cached_json(request, answer, max_age_s=settings.cache_max_age_s)


@router.get("/by-sport/{sport}", response_model=views.EventPage, summary="Events of one sport")
async def by_sport(
    request: Request,
    uow: ReadUow,
    settings: EventsSettings,
    sport: str,
    status: Text = None,
    page: Page = 1,
    limit: Limit = 20,
) -> Response:
    """``sport`` by id, slug or name; 404 ``events.sport_not_found`` if there is none."""
    f = EventFilter(sport_id=await views.sport_id(uow, sport[:100]), statuses=_statuses(status))
    return await _page(request, uow, settings, f, page, limit)


@router.get(
    "/by-league/{league_id}", response_model=views.EventPage, summary="Events of one league"
)
async def by_league(
    request: Request,
    uow: ReadUow,
    settings: EventsSettings,
    league_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    status: Text = None,
    page: Page = 1,
    limit: Limit = 20,
) -> Response:
    await views.check_league(uow, league_id)
    f = EventFilter(league_id=league_id, statuses=_statuses(status))
    return await _page(request, uow, settings, f, page, limit)


@router.get(
    "/{event_id}", response_model=schemas.EventOut, summary="One event: markets, odds, score"
)
async def event_detail(
    request: Request, uow: ReadUow, settings: EventsSettings, event_id: uuid.UUID
) -> Response:
    answer = schemas.EventOut(event=await views.event_detail(uow, event_id))
    return cached_json(request, answer, max_age_s=settings.cache_max_age_s)


@router.get(
    "/{event_id}/odds-history",
    response_model=schemas.OddsHistoryOut,
    summary="Every price change of the event's selections, newest first",
)
async def odds_history(
    request: Request,
    uow: ReadUow,
    settings: EventsSettings,
    principal: MaybePrincipal,
    event_id: uuid.UUID,
    odds_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """``changed_by`` (an administrator's id or ``feed:<message id>``) is shown to admins only."""
    history = await views.odds_history(
        uow,
        event_id,
        odds_id=odds_id,
        limit=limit,
        show_who=principal is not None and principal.is_admin,
    )
    answer = schemas.OddsHistoryOut(event_id=event_id, history=history)
    return cached_json(request, answer, max_age_s=settings.cache_max_age_s)
