"""The web app's build served at ``/`` (ARCHITECTURE.md §9): app routes fall back to
``index.html`` (no-cache), hashed assets are immutable, the API never falls back to the page."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest

from gateway.security import HTML_CSP

INDEX = "<!doctype html><html><body><div id=root></div><script type=module src=/assets/app-3f2a1b.js></script></body></html>"  # noqa: E501
BUNDLE = "console.log('looseline')"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "app-3f2a1b.js").write_text(BUNDLE)
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return root


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/bets/history",
        "/auth/callback/github?code=abc&state=xyz",
        "/wallet/deposit/done?operation_id=1",
        "/wallet/deposit/cancelled",
    ],
)
async def test_app_routes_answer_the_page_revalidated_with_a_strict_csp(
    gateway_factory: Any, dist: Path, path: str
) -> None:
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        answer = await gateway.get(path)
    assert answer.status_code == 200
    assert answer.text == INDEX
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["cache-control"] == "no-cache"
    assert answer.headers["content-security-policy"] == HTML_CSP
    assert answer.headers["x-frame-options"] == "DENY"


async def test_hashed_assets_are_immutable_and_revalidate_to_304(
    gateway_factory: Any, dist: Path
) -> None:
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        bundle = await gateway.get("/assets/app-3f2a1b.js")
        again = await gateway.get(
            "/assets/app-3f2a1b.js", headers={"if-none-match": bundle.headers["etag"]}
        )
        icon = await gateway.get("/favicon.svg")
    assert bundle.status_code == 200
    assert bundle.text == BUNDLE
    assert "javascript" in bundle.headers["content-type"]
    assert bundle.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert again.status_code == 304
    assert icon.status_code == 200
    assert icon.headers["cache-control"] == "no-cache"  # not hashed: revalidated


async def test_a_revalidated_page_keeps_the_pages_csp(gateway_factory: Any, dist: Path) -> None:
    """A browser merges a 304's headers into its cached page: a 304 for index.html must not
    carry the API's ``default-src 'none'`` CSP (the reloaded app would load no script, a blank
    page — found by the browser suite's second reload)."""
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        page = await gateway.get("/wallet")
        again = await gateway.get("/wallet", headers={"if-none-match": page.headers["etag"]})
    assert again.status_code == 304
    assert again.headers.get("content-security-policy") in (None, HTML_CSP)
    assert page.headers["content-security-policy"] == HTML_CSP


@pytest.mark.parametrize("path", ["/assets/app-0ld0ld.js", "/logo.png", "/api", "/api/nope/x"])
async def test_missing_files_and_api_paths_never_fall_back_to_the_page(
    gateway_factory: Any, dist: Path, path: str
) -> None:
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        answer = await gateway.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"]["code"] == "not_found"


async def test_health_is_still_the_gateways_own(gateway_factory: Any, dist: Path) -> None:
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        answer = await gateway.get("/health")
    assert answer.headers["content-type"].startswith("application/json")
    assert "upstreams" in answer.json()


@pytest.mark.parametrize(
    "path", ["/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt"]
)
async def test_nothing_outside_the_build_is_served(
    gateway_factory: Any, dist: Path, path: str
) -> None:
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        answer = await gateway.get(path)
    assert "not for the web" not in answer.text
    assert answer.status_code in (200, 404)  # the page itself at most


async def test_only_reads_the_page(gateway_factory: Any, dist: Path) -> None:
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        answer = await gateway.post("/bets/history", json={})
    assert answer.status_code == 405
    assert answer.json()["error"]["code"] == "method_not_allowed"


async def test_without_a_build_the_gateway_serves_the_api_alone(
    gateway_factory: Any, tmp_path: Path
) -> None:
    async with gateway_factory(web_dist_dir=str(tmp_path / "no-build")) as gateway:
        answer = await gateway.get("/")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("accept", "encoding"),
    [("gzip, deflate, br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip"), ("identity", None)],
)
async def test_hashed_assets_are_sent_precompressed_when_the_browser_accepts_it(
    gateway_factory: Any, dist: Path, accept: str, encoding: str | None
) -> None:
    """The build writes ``.br`` and ``.gz`` beside each asset; the gateway sends the best one the
    browser accepts (no compression per request), the original type, ``Vary: Accept-Encoding``."""
    asset = dist / "assets" / "app-3f2a1b.js"
    (dist / "assets" / "app-3f2a1b.js.br").write_bytes(b"brotli bytes")
    gzipped = gzip.compress(asset.read_bytes())
    (dist / "assets" / "app-3f2a1b.js.gz").write_bytes(gzipped)
    headers = {"accept-encoding": accept}
    async with gateway_factory(web_dist_dir=str(dist)) as gateway:
        # httpx would decode gzip itself: read the raw bytes as the browser receives them.
        async with gateway.stream("GET", "/assets/app-3f2a1b.js", headers=headers) as answer:
            raw = b"".join([chunk async for chunk in answer.aiter_raw()])
        again = await gateway.get(
            "/assets/app-3f2a1b.js", headers={**headers, "if-none-match": answer.headers["etag"]}
        )
    assert answer.status_code == 200
    assert "javascript" in answer.headers["content-type"]
    assert answer.headers["vary"] == "Accept-Encoding"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers.get("content-encoding") == encoding
    expected = {"br": b"brotli bytes", "gzip": gzipped}
    assert raw == expected.get(encoding or "", asset.read_bytes())
    assert int(answer.headers["content-length"]) == len(raw)
    assert again.status_code == 304
