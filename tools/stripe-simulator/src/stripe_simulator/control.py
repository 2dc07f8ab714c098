"""`/_sim/…`: the control API a test uses to play the customer, the bank and the network."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from stripe_simulator.errors import StripeError
from stripe_simulator.store import Account
from stripe_simulator.webhooks import WebhookDispatcher, signature_header

JsonObject = dict[str, Any]


class ControlError(Exception):
    def __init__(self, status: int, code: str, message: str, details: JsonObject | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def _error(status: int, code: str, message: str, details: JsonObject | None = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return JSONResponse(body, status)


async def _body(request: Request) -> JsonObject:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ControlError(422, "sim.invalid_json", f"Body is not JSON: {exc}") from None
    if not isinstance(parsed, dict):
        raise ControlError(422, "sim.invalid_json", "Body must be a JSON object.")
    return parsed


def build_control_router(
    account: Account, dispatcher: WebhookDispatcher, forget_idempotency: Callable[[], None]
) -> APIRouter:
    router = APIRouter(prefix="/_sim")

    async def run(action: Callable[[], Any]) -> JSONResponse:
        """Run a state change under the account lock; Stripe errors keep the control error shape."""
        try:
            with account.lock:
                return JSONResponse(action())
        except StripeError as error:
            code = f"sim.{error.code or error.type}"
            return _error(error.status, code, error.message, {"param": error.param})
        except ControlError as error:
            return _error(error.status, error.code, error.message, error.details)

    async def body_of(request: Request) -> JsonObject | JSONResponse:
        try:
            return await _body(request)
        except ControlError as error:
            return _error(error.status, error.code, error.message)

    @router.get("/config")
    async def get_config() -> JSONResponse:
        return JSONResponse({"webhook_url": account.webhook_url, "paused": dispatcher.paused})

    @router.post("/config")
    async def set_config(request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        url = body.get("webhook_url")
        if url is not None and not (
            isinstance(url, str) and url.startswith(("http://", "https://"))
        ):
            return _error(
                422, "sim.invalid_webhook_url", "webhook_url must be an http(s) URL or null."
            )
        account.webhook_url = url
        return JSONResponse({"webhook_url": url, "paused": dispatcher.paused})

    @router.post("/reset")
    async def reset() -> JSONResponse:
        """Forget every object, event, delivery and idempotency key (the config stays)."""
        with account.lock:
            account.reset()
            dispatcher.reset()
            forget_idempotency()
        return JSONResponse({"reset": True})

    @router.get("/events")
    async def list_events(type: str | None = None) -> JSONResponse:
        return JSONResponse({"object": "list", "data": account.list_events(type)})

    @router.get("/events/{event_id}/delivery")
    async def delivery(event_id: str) -> JSONResponse:
        def sign() -> JsonObject:
            stored = account.get_event(event_id)
            header = signature_header(stored.payload, dispatcher.config.webhook_secret)
            return {"payload": stored.payload, "signature_header": header}

        return await run(sign)

    @router.post("/events/{event_id}/deliver")
    async def deliver(event_id: str, request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body

        def send() -> JsonObject:
            account.get_event(event_id)
            try:
                url = dispatcher.redeliver(event_id, body.get("url"))
            except ValueError as exc:
                raise ControlError(409, "sim.no_webhook_url", str(exc)) from None
            return {"event_id": event_id, "url": url, "queued": True}

        return await run(send)

    @router.get("/webhooks/attempts")
    async def attempts(event_id: str | None = None) -> JSONResponse:
        found = [
            attempt.as_json()
            for attempt in dispatcher.attempts
            if event_id is None or attempt.event_id == event_id
        ]
        return JSONResponse({"data": found})

    @router.post("/webhooks/pause")
    async def pause() -> JSONResponse:
        dispatcher.pause()
        return JSONResponse({"paused": True})

    @router.post("/webhooks/resume")
    async def resume(order: str = "forward") -> JSONResponse:
        if order not in ("forward", "reverse"):
            return _error(422, "sim.invalid_order", "order must be forward or reverse.")
        released = dispatcher.resume(reverse=order == "reverse")
        return JSONResponse({"paused": False, "released": released, "order": order})

    @router.post("/objects/{object_id}/forget")
    async def forget(object_id: str) -> JSONResponse:
        """Stripe no longer knows this object (any kind): its API answers 404 resource_missing."""
        return await run(lambda: account.forget(object_id))

    @router.post("/payment_intents/{intent_id}/3ds")
    async def three_d_secure(intent_id: str, request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        outcome = body.get("outcome", "succeed")
        if outcome not in ("succeed", "fail"):
            return _error(422, "sim.invalid_outcome", "outcome must be succeed or fail.")
        return await run(lambda: account.complete_3ds(intent_id, succeed=outcome == "succeed"))

    @router.post("/payment_intents/{intent_id}/processing")
    async def processing(intent_id: str) -> JSONResponse:
        return await run(lambda: account.mark_processing(intent_id))

    @router.post("/payment_intents/{intent_id}/settle")
    async def settle(intent_id: str, request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        outcome = body.get("outcome", "succeed")
        if outcome not in ("succeed", "fail"):
            return _error(422, "sim.invalid_outcome", "outcome must be succeed or fail.")
        return await run(lambda: account.settle_processing(intent_id, succeed=outcome == "succeed"))

    @router.post("/charges/{charge_id}/dispute")
    async def dispute(charge_id: str, request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        amount = body.get("amount")
        if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
            return _error(422, "sim.invalid_amount", "amount must be an integer (minor units).")
        reason = str(body.get("reason") or "fraudulent")
        return await run(lambda: account.create_dispute(charge_id, amount=amount, reason=reason))

    @router.post("/disputes/{dispute_id}/close")
    async def close_dispute(dispute_id: str, request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        return await run(lambda: account.close_dispute(dispute_id, str(body.get("status"))))

    @router.post("/checkout/{session_id}/complete")
    async def complete_checkout(session_id: str, request: Request) -> JSONResponse:
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        card = str(body.get("card") or "4242424242424242")
        return await run(lambda: account.complete_checkout(session_id, card))

    return router
