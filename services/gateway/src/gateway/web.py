"""The web app's build, served at ``/`` on the API's origin (ARCHITECTURE.md §9, "One origin").

- ``/assets/…`` are Vite's content-hashed files: cached for a year as immutable; a name that
  is not there is a 404 (never ``index.html``: a stale page asking for an old bundle must fail
  loudly, not execute HTML as a script).
  The build also writes ``<file>.br`` and ``<file>.gz`` beside each (``web/scripts/
  precompress.mjs``): the best one the browser accepts is sent with ``Content-Encoding``, so
  nothing is compressed per request.
- Other files at the build's root (``favicon.svg``, ``robots.txt``) are served revalidated.
- Every other path (``/``, ``/bets``, ``/auth/callback/github``, ``/wallet/deposit/done``…) is
  an app route: ``index.html``, ``Cache-Control: no-cache`` so a deploy is seen at once.

Only ``GET``/``HEAD``; the API (``/api``), health and metrics paths are routed before this and
never fall back to the page. Starlette's ``StaticFiles`` resolves paths (no way out of the
directory) and answers conditional requests (ETag/Last-Modified → 304). The HTML gets the
gateway's strict CSP (``gateway.security``): the build loads nothing from another origin.
"""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_ASSETS = "assets/"
# Not app routes: an unknown path under these is the API's (or the service's) own 404.
_NOT_APP_ROUTES = ("api", "health", "metrics")


class WebApp(StaticFiles):
    """``StaticFiles`` with the single-page app's fallback and cache rules."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)

    async def get_response(self, path: str, scope: Scope) -> Response:
        # ``path`` is relative to the mount, normalised and OS-separated ("." for the root).
        route = "" if path == "." else path.replace(os.sep, "/")
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or not _is_app_route(route):
                raise
            response = await super().get_response("index.html", scope)
            response.headers["cache-control"] = REVALIDATE
            return response
        immutable = route.startswith(_ASSETS) and response.status_code in (200, 304)
        if immutable:
            response = await self._precompressed(path, scope) or response
            response.headers["vary"] = "Accept-Encoding"
        response.headers["cache-control"] = IMMUTABLE if immutable else REVALIDATE
        return response

    async def _precompressed(self, path: str, scope: Scope) -> Response | None:
        """The asset's ``.br``/``.gz`` sibling if the browser accepts that encoding."""
        accepted = _accepted_encodings(scope)
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            if encoding not in accepted:
                continue
            try:
                response = await super().get_response(path + suffix, scope)
            except HTTPException:
                continue
            media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            if media_type.startswith("text/") or media_type.endswith("javascript"):
                media_type += "; charset=utf-8"
            response.headers["content-type"] = media_type
            response.headers["content-encoding"] = encoding
            return response
        return None


def _accepted_encodings(scope: Scope) -> set[str]:
    """Encodings of ``Accept-Encoding`` not refused with ``q=0``."""
    header = dict(scope["headers"]).get(b"accept-encoding", b"").decode("latin-1")
    accepted = set()
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.strip().lower())
    return accepted


def _is_app_route(route: str) -> bool:
    first = route.split("/", 1)[0]
    if route.startswith(_ASSETS) or first in _NOT_APP_ROUTES:
        return False
    # A missing file with an extension (``/logo.png``) is a missing file, not a page.
    return "." not in route.rsplit("/", 1)[-1]


def web_app(directory: str) -> WebApp | None:
    """The build at ``directory`` (``GATEWAY_WEB_DIST_DIR``), or None when there is none: the
    gateway then serves the API alone, as before the app existed."""
    root = Path(directory)
    if not (root / "index.html").is_file():
        return None
    return WebApp(root)
