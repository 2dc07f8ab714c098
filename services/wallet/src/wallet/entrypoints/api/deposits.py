"""Card deposits through Stripe, saved cards, and the Stripe webhook (issue 8).

Every user call is scoped to the token's ``sub``: another user's deposit or card is a 404.
Mutating calls accept ``Idempotency-Key``; the deposit's operation id (and so the Stripe
idempotency key) is derived from it, so a retry never charges twice.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict

from common.api import RequestModel
from common.auth.deps import CurrentUser, VerifiedUser
from common.errors import error_body
from common.idempotency import HEADER
from common.logging import get_logger
from common.money import AmountMinor, format_minor
from wallet.adapters.deposits import DepositView
from wallet.adapters.stripe_payments import PaymentProvider, ProviderUnreachable, StripePayments
from wallet.domain.audit import ClientInfo
from wallet.domain.errors import PaymentProviderUnavailable
from wallet.entrypoints.api.deps import Client, Services, run_idempotent
from wallet.service_layer import payment_methods, stripe_metrics, stripe_webhooks
from wallet.service_layer.deposits import recheck, start
from wallet.service_layer.deposits.start import (
    ActionRequired,
    Credited,
    Declined,
    DepositLimits,
    PaymentForm,
)
from wallet.service_layer.payment_methods import MethodView
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

log = get_logger(__name__)
router = APIRouter(tags=["deposits"])


async def payment_provider(request: Request, services: Services) -> PaymentProvider:
    """One Stripe client per app, closed with the runtime."""
    provider: PaymentProvider | None = getattr(request.app.state, "payment_provider", None)
    if provider is None:
        provider = StripePayments(services.settings)
        request.app.state.payment_provider = provider
        runtime = getattr(request.app.state, "runtime", None)
        if runtime is not None:
            runtime.closers.append(provider.close)
    return provider


Provider = Annotated[PaymentProvider, Depends(payment_provider)]


@asynccontextmanager
async def provider_errors() -> AsyncIterator[None]:
    """Stripe unreachable → 503 (raised outside ``run_idempotent``, so the key stays free)."""
    try:
        yield
    except ProviderUnreachable as exc:
        log.warning("stripe unreachable", error=str(exc))
        raise PaymentProviderUnavailable() from exc


def deposit_limits(settings: Settings) -> DepositLimits:
    return DepositLimits(
        min_minor=settings.deposit_min_minor,
        max_minor=settings.deposit_max_minor,
        expiry=timedelta(hours=settings.deposit_expiry_h),
        pending_max=settings.card_deposits_pending_max,
    )


def _deposit_start(
    request: Request, user_id: uuid.UUID, amount_minor: int, settings: Settings, client: ClientInfo
) -> start.DepositStart:
    """The deposit this request starts; its operation id comes from the Idempotency-Key, so a
    retry asks Stripe under the same key."""
    operation_id = start.operation_id_for(user_id, request.headers.get(HEADER))
    return start.DepositStart(user_id, operation_id, amount_minor, deposit_limits(settings), client)


class _Body(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DepositRequest(_Body):
    amount: AmountMinor
    save_method: bool = False
    # Our saved card's method_id (never a raw Stripe pm_…).
    payment_method_id: uuid.UUID | None = None


class CheckoutRequest(_Body):
    amount: AmountMinor


def deposit_json(deposit: DepositView) -> dict[str, Any]:
    return {
        "operation_id": str(deposit.operation_id),
        "intent_id": deposit.intent_id,
        "checkout_session_id": deposit.checkout_session_id,
        "kind": deposit.kind,
        "amount": format_minor(deposit.amount_minor),
        "credited_amount": (
            None if deposit.credited_minor is None else format_minor(deposit.credited_minor)
        ),
        "refunded_amount": format_minor(deposit.refunded_minor),
        "currency": deposit.currency,
        "status": deposit.status.value,
        "stripe_status": deposit.stripe_status,
        "decline_code": deposit.decline_code,
        "transaction_id": deposit.charge_id,
        "payment_method_id": None if deposit.method_id is None else str(deposit.method_id),
        "expires_at": deposit.expires_at.isoformat(),
        "created_at": deposit.created_at.isoformat(),
        "completed_at": None if deposit.completed_at is None else deposit.completed_at.isoformat(),
    }


def method_json(method: MethodView) -> dict[str, Any]:
    return {
        "method_id": str(method.method_id),
        "payment_type": method.payment_type,
        "card_brand": method.card_brand,
        "card_last4": method.card_last4,
        "card_exp_month": method.card_exp_month,
        "card_exp_year": method.card_exp_year,
        "is_default": method.is_default,
        "created_at": method.created_at.isoformat(),
        "last_used_at": None if method.last_used_at is None else method.last_used_at.isoformat(),
    }


def browser_confirms(settings: Settings) -> dict[str, Any]:
    """What the browser confirms an intent with: Stripe.js's key and, for the simulator, where
    its card form calls (None: Stripe itself)."""
    return {
        "publishable_key": settings.stripe_publishable_key,
        "stripe_api_base": settings.stripe_browser_api_base,
    }


def _saved_card_answer(outcome: start.SavedCardOutcome, settings: Settings) -> tuple[int, Any]:
    deposit = outcome.deposit
    if isinstance(outcome, Credited):
        return 200, {
            "success": True,
            "new_balance": format_minor(outcome.available_after_minor),
            "transaction_id": deposit.charge_id or deposit.intent_id,
            "amount": format_minor(deposit.credited_minor or deposit.amount_minor),
            "currency": deposit.currency,
            "intent_id": deposit.intent_id,
            "operation_id": str(deposit.operation_id),
        }
    if isinstance(outcome, ActionRequired):
        return 200, {
            "success": False,
            "action": "requires_action",
            "client_secret": outcome.client_secret,
            "intent_id": deposit.intent_id,
            "operation_id": str(deposit.operation_id),
            "next_action": outcome.next_action,
            "payment_method": outcome.payment_method,
            **browser_confirms(settings),
        }
    if isinstance(outcome, Declined):
        details = {
            "decline_code": deposit.decline_code,
            "intent_id": deposit.intent_id,
            "operation_id": str(deposit.operation_id),
        }
        return 402, error_body(outcome.error.code, outcome.error.message, details)
    return 202, {"success": True, "action": "processing", "deposit": deposit_json(deposit)}


@router.post("/api/wallet/deposit")
async def deposit(
    body: DepositRequest,
    request: Request,
    principal: VerifiedUser,
    services: Services,
    provider: Provider,
    client: Client,
) -> JSONResponse:
    settings = services.settings
    req = _deposit_start(request, principal.user_id, body.amount, settings, client)

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        if body.payment_method_id is not None:
            outcome = await start.charge_saved_card(
                uow, provider, req, method_id=body.payment_method_id
            )
            return _saved_card_answer(outcome, settings)
        form: PaymentForm = await start.start_card_deposit(
            uow, provider, req, save_method=body.save_method
        )
        return 200, {
            "success": True,
            "action": "requires_payment_form",
            "client_secret": form.client_secret,
            "intent_id": form.deposit.intent_id,
            "operation_id": str(form.deposit.operation_id),
            "amount": format_minor(form.deposit.amount_minor),
            "currency": form.deposit.currency,
            **browser_confirms(settings),
        }

    async with provider_errors():
        return await run_idempotent(
            request, services, user_id=principal.user_id, body=body, operation=operation
        )


@router.post("/api/wallet/deposit/checkout")
async def deposit_checkout(
    body: CheckoutRequest,
    request: Request,
    principal: VerifiedUser,
    services: Services,
    provider: Provider,
    client: Client,
) -> JSONResponse:
    settings = services.settings
    req = _deposit_start(request, principal.user_id, body.amount, settings, client)

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        found, url = await start.start_checkout(
            uow,
            provider,
            req,
            success_url=settings.checkout_success_url,
            cancel_url=settings.checkout_cancel_url,
        )
        return 200, {
            "success": True,
            "confirmation_url": url,
            "session_id": found.checkout_session_id,
            "operation_id": str(found.operation_id),
        }

    async with provider_errors():
        return await run_idempotent(
            request, services, user_id=principal.user_id, body=body, operation=operation
        )


@router.get("/api/wallet/deposits/{intent_id}")
async def get_deposit(
    intent_id: str, principal: CurrentUser, services: Services, provider: Provider
) -> dict[str, Any]:
    """The deposit's status; a pending one is re-checked with Stripe (and credited, once) —
    at most once per ``WALLET_DEPOSIT_STATUS_RECHECK_S``, however often it is polled."""
    async with provider_errors(), WalletUnitOfWork(services.db) as uow:
        found = await recheck.find_deposit(uow, user_id=principal.user_id, intent_id=intent_id)
        found = await recheck.recheck(
            uow,
            provider,
            found,
            at_most_every=timedelta(seconds=services.settings.deposit_status_recheck_s),
        )
        available = await recheck.available_minor(uow, principal.user_id)
        await uow.commit()
    return {
        "success": True,
        "deposit": deposit_json(found),
        "available_balance": format_minor(available),
    }


# --- saved cards -------------------------------------------------------------------------------


@router.get("/api/wallet/payment-methods")
async def list_payment_methods(principal: CurrentUser, services: Services) -> dict[str, Any]:
    """The saved cards as stored: no Stripe call (a new card arrives by webhook or the job)."""
    async with WalletUnitOfWork(services.db) as uow:
        found = await payment_methods.list_methods(uow, principal.user_id)
    return {"success": True, "methods": [method_json(m) for m in found]}


@router.post("/api/wallet/payment-methods", status_code=201)
async def add_payment_method(
    request: Request, principal: CurrentUser, services: Services, provider: Provider
) -> JSONResponse:
    """A SetupIntent: the SPA confirms it with Stripe.js; the card appears once it succeeds."""

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        setup = await payment_methods.start_setup(
            uow,
            provider,
            user_id=principal.user_id,
            caps=payment_methods.SetupCaps.of(services.settings),
        )
        return 201, {
            "success": True,
            "action": "requires_payment_form",
            "setup_intent_id": setup.id,
            "client_secret": setup.client_secret,
            **browser_confirms(services.settings),
        }

    async with provider_errors():
        return await run_idempotent(
            request, services, user_id=principal.user_id, body={}, operation=operation
        )


@router.delete("/api/wallet/payment-methods/{method_id}")
async def delete_payment_method(
    method_id: uuid.UUID,
    principal: CurrentUser,
    services: Services,
    provider: Provider,
    client: Client,
) -> dict[str, Any]:
    async with provider_errors(), WalletUnitOfWork(services.db) as uow:
        await payment_methods.delete_method(
            uow, provider, user_id=principal.user_id, method_id=method_id, client=client
        )
        await uow.commit()
    return {"success": True}


@router.post("/api/wallet/payment-methods/{method_id}/default")
async def make_default_payment_method(
    method_id: uuid.UUID, principal: CurrentUser, services: Services
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await payment_methods.make_default(
            uow, user_id=principal.user_id, method_id=method_id
        )
        await uow.commit()
    return {"success": True, "methods": [method_json(m) for m in found]}


# --- the webhook -------------------------------------------------------------------------------


@router.post("/api/webhook/stripe")
async def stripe_webhook(request: Request, services: Services, provider: Provider) -> JSONResponse:
    """Stripe's signed events: 400 if the signature or its timestamp is wrong (nothing applied);
    200 once applied or already applied; a failure answers 500 and Stripe retries."""
    payload = await request.body()
    try:
        event = provider.verify_event(payload, request.headers.get("stripe-signature"))
    except ValueError as exc:
        stripe_metrics.webhooks.labels("unknown", "invalid").inc()
        log.warning("stripe webhook refused", reason=str(exc))
        return JSONResponse(
            error_body("webhook.invalid_signature", "The Stripe signature is not valid."),
            status_code=400,
        )
    event_type = str(event.get("type") or "")
    try:
        async with provider_errors(), WalletUnitOfWork(services.db) as uow:
            outcome = await stripe_webhooks.handle_event(
                uow,
                provider,
                event,
                expiry=timedelta(hours=services.settings.deposit_expiry_h),
            )
            await uow.commit()
    except Exception:
        stripe_metrics.webhooks.labels(event_type, "failed").inc()
        raise
    stripe_metrics.webhooks.labels(event_type, outcome).inc()
    return JSONResponse({"received": True, "outcome": outcome})
