"""The simulator's HTTP face: Stripe's `/v1` subset, hosted pages, and the `/_sim` control API."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.base import RequestResponseEndpoint

from stripe_simulator import pages, shapes
from stripe_simulator.config import SimulatorConfig
from stripe_simulator.control import build_control_router
from stripe_simulator.errors import StripeError
from stripe_simulator.forms import decode_form
from stripe_simulator.store import Account, RequestContext
from stripe_simulator.webhooks import WebhookDispatcher

JsonObject = dict[str, Any]
Handler = Callable[[Account, tuple[str, ...], JsonObject, RequestContext], JsonObject]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    # Endpoints Stripe.js calls with the publishable key (and a client_secret where needed).
    publishable: bool = False


def _route(method: str, path: str, handler: Handler, *, publishable: bool = False) -> Route:
    pattern = re.compile("^" + re.sub(r"\{\w+\}", r"([^/]+)", path) + "$")
    return Route(method, pattern, handler, publishable)


ROUTES: list[Route] = [
    _route("POST", "/v1/customers", lambda a, i, p, c: a.create_customer(p, c)),
    _route("GET", "/v1/customers/{id}", lambda a, i, p, c: a.get("customer", i[0])),
    _route("POST", "/v1/customers/{id}", lambda a, i, p, c: a.update_customer(i[0], p)),
    _route(
        "GET",
        "/v1/customers/{id}/payment_methods",
        lambda a, i, p, c: a.customer_payment_methods(i[0], p),
    ),
    _route(
        "POST",
        "/v1/payment_methods",
        lambda a, i, p, c: a.create_payment_method(p),
        publishable=True,
    ),
    _route("GET", "/v1/payment_methods", lambda a, i, p, c: a.list_payment_methods(p)),
    _route("GET", "/v1/payment_methods/{id}", lambda a, i, p, c: a.get("payment_method", i[0])),
    _route("POST", "/v1/payment_methods/{id}", lambda a, i, p, c: a.update_payment_method(i[0], p)),
    _route(
        "POST",
        "/v1/payment_methods/{id}/attach",
        lambda a, i, p, c: a.attach_payment_method(i[0], p, c),
    ),
    _route(
        "POST", "/v1/payment_methods/{id}/detach", lambda a, i, p, c: a.detach_payment_method(i[0])
    ),
    _route("POST", "/v1/payment_intents", lambda a, i, p, c: a.create_payment_intent(p, c)),
    _route("GET", "/v1/payment_intents", lambda a, i, p, c: a.list_payment_intents(p)),
    _route(
        "GET",
        "/v1/payment_intents/{id}",
        lambda a, i, p, c: a.get_payment_intent(i[0], p, c),
        publishable=True,
    ),
    _route("POST", "/v1/payment_intents/{id}", lambda a, i, p, c: a.update_payment_intent(i[0], p)),
    _route(
        "POST",
        "/v1/payment_intents/{id}/confirm",
        lambda a, i, p, c: a.confirm_payment_intent(i[0], p, c),
        publishable=True,
    ),
    _route(
        "POST",
        "/v1/payment_intents/{id}/cancel",
        lambda a, i, p, c: a.cancel_payment_intent(i[0], p, c),
    ),
    _route("POST", "/v1/setup_intents", lambda a, i, p, c: a.create_setup_intent(p, c)),
    _route(
        "GET",
        "/v1/setup_intents/{id}",
        lambda a, i, p, c: a.get_setup_intent(i[0], p, c),
        publishable=True,
    ),
    _route(
        "POST",
        "/v1/setup_intents/{id}/confirm",
        lambda a, i, p, c: a.confirm_setup_intent(i[0], p, c),
        publishable=True,
    ),
    _route(
        "POST",
        "/v1/setup_intents/{id}/cancel",
        lambda a, i, p, c: a.cancel_setup_intent(i[0], p, c),
    ),
    _route("POST", "/v1/checkout/sessions", lambda a, i, p, c: a.create_checkout_session(p, c)),
    _route("GET", "/v1/checkout/sessions/{id}", lambda a, i, p, c: a.get("checkout.session", i[0])),
    _route(
        "POST", "/v1/checkout/sessions/{id}/expire", lambda a, i, p, c: a.expire_checkout(i[0], c)
    ),
    _route("GET", "/v1/charges/{id}", lambda a, i, p, c: a.get("charge", i[0])),
    _route("POST", "/v1/refunds", lambda a, i, p, c: a.create_refund(p, c)),
    _route("GET", "/v1/refunds/{id}", lambda a, i, p, c: a.get("refund", i[0])),
    _route("GET", "/v1/disputes/{id}", lambda a, i, p, c: a.get("dispute", i[0])),
    _route(
        "GET",
        "/v1/balance_transactions/{id}",
        lambda a, i, p, c: a.get("balance_transaction", i[0]),
    ),
    _route("GET", "/v1/events/{id}", lambda a, i, p, c: a.get_event(i[0]).event),
    _route(
        "GET",
        "/v1/events",
        lambda a, i, p, c: a.list_of("/v1/events", a.list_events(p.get("type")), p),
    ),
]


@dataclass
class StoredAnswer:
    fingerprint: str
    status: int
    body: bytes
    request_id: str


def create_app(config: SimulatorConfig | None = None) -> FastAPI:
    """The simulator as an ASGI app; run it under uvicorn (`python -m stripe_simulator`)."""
    config = config or SimulatorConfig()
    account = Account(config)
    dispatcher = WebhookDispatcher(account, config)
    account.on_event = dispatcher.submit
    answers: dict[tuple[str, str], StoredAnswer] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await dispatcher.start()
        try:
            yield
        finally:
            await dispatcher.stop()

    app = FastAPI(title="LOOSELINE Stripe simulator", lifespan=lifespan, docs_url=None)
    app.state.account = account
    app.state.dispatcher = dispatcher

    @app.get("/health")
    async def health() -> JsonObject:
        return {"status": "ok"}

    @app.middleware("http")
    async def cors(request: Request, call_next: RequestResponseEndpoint) -> Response:
        return await _cors(request, call_next, config)

    @app.api_route("/v1/{path:path}", methods=["GET", "POST", "DELETE"])
    async def stripe_api(request: Request, path: str) -> Response:
        request_id = shapes.new_id("req", 14)
        body = await request.body()
        raw = body.decode() if request.method == "POST" else request.url.query
        try:
            params = decode_form(raw)
            key = _api_key(request, params)
            publishable = _authenticate(key, config)
            route, ids = _match(request.method, f"/v1/{path}")
            if publishable and not route.publishable:
                raise StripeError(
                    401,
                    "This API call cannot be made with a publishable API key. Please use a "
                    "secret API key.",
                )
        except StripeError as error:
            return _json(error.status, error.body(), request_id)
        idempotency_key = (
            request.headers.get("Idempotency-Key") if request.method == "POST" else None
        )
        ctx = RequestContext(
            request_id=request_id,
            idempotency_key=idempotency_key,
            publishable=publishable,
            api_version=request.headers.get("Stripe-Version"),
        )
        # Same parameters in any order are the same request (Stripe compares them, not bytes).
        canonical = json.dumps([request.method, path, params], sort_keys=True)
        fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
        with account.lock:
            if idempotency_key:
                stored = answers.get((key, idempotency_key))
                if stored is not None:
                    return _replay(stored, idempotency_key, fingerprint)
            status, answer = _call(account, route, ids, params, ctx)
            payload = json.dumps(answer, indent=2).encode()
            # Like Stripe, a request that failed validation before running is not remembered.
            if idempotency_key and status in (200, 402):
                answers[(key, idempotency_key)] = StoredAnswer(
                    fingerprint, status, payload, request_id
                )
        headers = {"Request-Id": request_id}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return Response(payload, status, headers=headers, media_type="application/json")

    _add_pages(app, account)
    _add_control(app, account, dispatcher, answers)
    return app


def _call(
    account: Account, route: Route, ids: tuple[str, ...], params: JsonObject, ctx: RequestContext
) -> tuple[int, JsonObject]:
    expand = params.pop("expand", None)
    try:
        answer = route.handler(account, ids, params, ctx)
    except StripeError as error:
        return error.status, error.body()
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        # A parameter of the wrong shape (`metadata=x` for a hash, …): Stripe answers 400.
        malformed = StripeError(
            400, f"Invalid request parameters: {exc!r}", code="parameter_invalid"
        )
        return malformed.status, malformed.body()
    if isinstance(expand, list) and expand:
        answer = account.expand(answer, [str(path) for path in expand])
    return 200, answer


def _replay(stored: StoredAnswer, idempotency_key: str, fingerprint: str) -> Response:
    if stored.fingerprint != fingerprint:
        error = StripeError(
            400,
            "Keys for idempotent requests can only be used with the same parameters they were "
            f"first used with. Try using a key other than '{idempotency_key}' if you meant to "
            "execute a different request.",
            type_="idempotency_error",
        )
        return _json(400, error.body(), shapes.new_id("req", 14))
    return Response(
        stored.body,
        stored.status,
        headers={
            "Request-Id": stored.request_id,
            "Idempotency-Key": idempotency_key,
            "Idempotent-Replayed": "true",
        },
        media_type="application/json",
    )


def _json(status: int, body: JsonObject, request_id: str) -> JSONResponse:
    return JSONResponse(body, status, headers={"Request-Id": request_id})


def _api_key(request: Request, params: JsonObject) -> str:
    """`Authorization: Bearer <key>`, HTTP Basic with the key as user name (as Stripe allows),
    or Stripe.js's way: the publishable key as a `key` parameter."""
    form_key = params.pop("key", None)
    if isinstance(form_key, str) and form_key.startswith("pk_"):
        return form_key
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    if scheme.lower() == "basic" and value:
        try:
            return base64.b64decode(value).decode().split(":", 1)[0]
        except (ValueError, UnicodeDecodeError):
            pass
    raise StripeError(
        401,
        "You did not provide an API key. You need to provide your API key in the Authorization "
        "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    )


def _authenticate(key: str, config: SimulatorConfig) -> bool:
    """True when the publishable key was used; the secret key gives full access."""
    if key == config.secret_key:
        return False
    if key == config.publishable_key:
        return True
    masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]
    raise StripeError(401, f"Invalid API Key provided: {masked}")


def _match(method: str, path: str) -> tuple[Route, tuple[str, ...]]:
    for route in ROUTES:
        found = route.pattern.match(path)
        if found and route.method == method:
            return route, found.groups()
    raise StripeError(404, f"Unrecognized request URL ({method}: {path}).", code="resource_missing")


_CORS_ALLOW_HEADERS = "authorization, content-type, idempotency-key, stripe-version"


def _publishable_path(method: str, path: str) -> bool:
    return any(r.publishable and r.method == method and r.pattern.match(path) for r in ROUTES)


def _allowed_origin(origin: str | None, config: SimulatorConfig) -> str | None:
    if not origin:
        return None
    if "*" in config.cors_origins:
        return "*"
    return origin if origin.rstrip("/") in config.cors_origins else None


async def _cors(
    request: Request, call_next: RequestResponseEndpoint, config: SimulatorConfig
) -> Response:
    """CORS like api.stripe.com's, but only for what Stripe.js calls with the publishable key
    (a card form in the app's pages confirms intents here) and only for the configured origins.
    Secret-key endpoints and the control API answer no browser of another origin."""
    path = request.url.path
    origin = _allowed_origin(request.headers.get("origin"), config)
    if request.method == "OPTIONS":
        wanted = request.headers.get("access-control-request-method", "").upper()
        if origin is None or not _publishable_path(wanted, path):
            return Response(status_code=403)
        return Response(
            status_code=204,
            headers={
                "Access-Control-Allow-Origin": origin,
                "Access-Control-Allow-Methods": "GET, POST",
                "Access-Control-Allow-Headers": _CORS_ALLOW_HEADERS,
                "Access-Control-Max-Age": "600",
                "Vary": "Origin",
            },
        )
    response = await call_next(request)
    if origin is not None and _publishable_path(request.method, path):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = "Request-Id"
        response.headers["Vary"] = "Origin"
    return response


def _with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to its query (how Stripe extends a ``return_url``)."""
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _add_pages(app: FastAPI, account: Account) -> None:
    """The hosted Checkout page and the 3-D Secure challenge page (a browser can click through)."""

    @app.get("/checkout/{session_id}", response_class=HTMLResponse)
    async def checkout_page(session_id: str) -> HTMLResponse:
        with account.lock:
            session = account.objects.get(session_id)
        if session is None or session["object"] != "checkout.session":
            return HTMLResponse(pages.not_found(), 404)
        return HTMLResponse(pages.checkout(session))

    @app.post("/checkout/{session_id}/pay", response_model=None)
    async def checkout_pay(session_id: str, request: Request) -> Response:
        form = decode_form((await request.body()).decode())
        try:
            with account.lock:
                session = account.complete_checkout(session_id, str(form.get("card", "")))
        except StripeError as error:
            return HTMLResponse(pages.failed(error.message), error.status)
        # Stripe fills in the session's id where the success URL asks for it.
        success_url = str(session.get("success_url") or "")
        return _redirect_or_page(
            success_url.replace("{CHECKOUT_SESSION_ID}", session_id), pages.paid()
        )

    @app.get("/3ds/{intent_id}", response_class=HTMLResponse)
    async def challenge_page(intent_id: str) -> HTMLResponse:
        return HTMLResponse(pages.challenge(intent_id))

    @app.post("/3ds/{intent_id}", response_model=None)
    async def challenge_answer(intent_id: str, request: Request) -> Response:
        form = decode_form((await request.body()).decode())
        try:
            with account.lock:
                intent = account.complete_3ds(intent_id, succeed=form.get("outcome") == "succeed")
        except StripeError as error:
            return HTMLResponse(pages.failed(error.message), error.status)
        return_url = account.return_urls.get(intent_id)
        if not return_url:
            return HTMLResponse(pages.paid())
        # As Stripe does: the site learns which intent came back, and how it went.
        back = _with_query(
            return_url,
            {
                "payment_intent": intent_id,
                "payment_intent_client_secret": str(intent["client_secret"]),
                "redirect_status": "succeeded" if intent["status"] == "succeeded" else "failed",
            },
        )
        return RedirectResponse(back, 303)


def _redirect_or_page(url: Any, page: str) -> Response:
    if isinstance(url, str) and url:
        return RedirectResponse(url, 303)
    return HTMLResponse(page)


def _add_control(
    app: FastAPI,
    account: Account,
    dispatcher: WebhookDispatcher,
    answers: dict[tuple[str, str], StoredAnswer],
) -> None:
    """`/_sim/…`: no auth; what a test (or a person at `make run`) uses to play the customer."""
    app.include_router(build_control_router(account, dispatcher, answers.clear))
