"""A short shared cache of rendered event pages, in Redis, invalidated by every catalogue write.

The listing (50 events with all their odds: ~150 kB of JSON) cost ~10 ms of CPU to build and
render per request (py-spy: Pydantic views and their serialisation), while it changes only when
an administrator, the feed or a settlement writes. So a page is rendered once per *generation*:
a counter in Redis that every committed unit of work of events increments (``invalidate``,
after the commit, before the writer's HTTP answer), so the next request after a price change
already reads the new price — not after the TTL. Pages live in Redis under the generation
they were rendered at (shared by replicas, for ``ttl_s``) and in a small per-process copy, so a
request costs one ``GET`` of the generation and, when unchanged, no rendering at all.

A page is kept with its gzip encoding too (compressed once, when rendered): the first page a
phone loads carries ~55 kB of listing JSON, ~9 kB gzipped, and compressing per request would
spend the CPU the cache saves. Redis holds the compressed copy only.

Redis away: nothing is cached or read (every request renders, as before) — a public read, so
it fails open. A failed ``invalidate`` leaves a page stale for at most ``ttl_s``.
"""

from __future__ import annotations

import gzip
import hashlib
import time
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from common.logging import get_logger

log = get_logger(__name__)

# Pages kept per process (a page is ~150 kB at limit=50).
LOCAL_PAGES = 256


# Fast and within a few per cent of level 9 on JSON.
GZIP_LEVEL = 6


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    etag: str
    gzipped: bytes

    @classmethod
    def of(cls, body: bytes, etag: str) -> CachedPage:
        return cls(body, etag, gzip.compress(body, GZIP_LEVEL, mtime=0))


class ListingCache:
    def __init__(self, redis: Redis | None, *, prefix: str, ttl_s: float) -> None:
        self._redis = redis if ttl_s > 0 else None
        self._ttl_ms = max(1, int(ttl_s * 1000))
        self._ttl_s = ttl_s
        self._prefix = f"{prefix}events:listing:"
        self.generation_key = f"{self._prefix}generation"
        self._local: dict[tuple[int, str], tuple[CachedPage, float]] = {}

    @staticmethod
    def key_of(*query: object) -> str:
        """The normalised query (filter, page, limit) as a short key."""
        return hashlib.sha256(repr(query).encode()).hexdigest()[:32]

    async def generation(self) -> int | None:
        """The catalogue's current generation; ``None``: do not cache (disabled, Redis away)."""
        if self._redis is None:
            return None
        try:
            value = await self._redis.get(self.generation_key)
        except (RedisError, OSError) as exc:
            log.warning("listing_cache.unavailable", error=type(exc).__name__)
            return None
        return int(value or 0)

    async def get(self, generation: int, key: str) -> CachedPage | None:
        local = self._local.get((generation, key))
        if local is not None and time.monotonic() - local[1] < self._ttl_s:
            return local[0]
        assert self._redis is not None
        try:
            stored = await self._redis.get(self._key(generation, key))
        except (RedisError, OSError):
            return None
        if stored is None:
            return None
        raw = stored.encode() if isinstance(stored, str) else stored
        etag, _, gzipped = raw.partition(b"\n")
        page = CachedPage(gzip.decompress(gzipped), etag.decode(), gzipped)
        self._keep(generation, key, page)
        return page

    async def put(self, generation: int, key: str, page: CachedPage) -> None:
        self._keep(generation, key, page)
        assert self._redis is not None
        try:
            value = page.etag.encode() + b"\n" + page.gzipped
            await self._redis.set(self._key(generation, key), value, px=self._ttl_ms)
        except (RedisError, OSError) as exc:
            log.warning("listing_cache.unavailable", error=type(exc).__name__)

    async def invalidate(self) -> None:
        """A write committed: pages rendered before it are never served again."""
        if self._redis is not None:
            await self._redis.incr(self.generation_key)

    def _key(self, generation: int, key: str) -> str:
        return f"{self._prefix}{generation}:{key}"

    def _keep(self, generation: int, key: str, page: CachedPage) -> None:
        if len(self._local) >= LOCAL_PAGES:  # bounded: drop the oldest page
            self._local.pop(next(iter(self._local)))
        self._local[(generation, key)] = (page, time.monotonic())
