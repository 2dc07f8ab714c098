"""Saved cards (seed 001 payment_methods): added through a SetupIntent or by paying with
``save_method``, listed, made default, detached. Only Stripe's ``pm_…`` id and what the user
needs to recognise the card (brand, last4, expiry) are kept — never the card number.

A SetupIntent's card is saved by the ``setup_intent.succeeded`` webhook or, if that is lost, by
the periodic re-check (``stripe_jobs``) — never by listing the cards: a list costs no Stripe
call. A user may have ``WALLET_CARD_SETUPS_PENDING_MAX`` unfinished SetupIntents at once; one
older than ``WALLET_CARD_SETUP_PENDING_WINDOW_MIN`` counts as abandoned (not counted, no longer
re-checked; its webhook still saves the card if it ever succeeds).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from wallet.adapters.payment_methods import MethodView as MethodView
from wallet.adapters.stripe_payments import CardView, PaymentProvider, SetupView
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import CardSetupsPending, PaymentMethodNotFound
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings


@dataclass(frozen=True)
class SetupCaps:
    pending_max: int = 5  # unfinished SetupIntents per user at once
    pending_window: timedelta = timedelta(hours=1)  # older: abandoned
    recheck_after: timedelta = timedelta(minutes=2)  # the job asks Stripe at most this often

    @classmethod
    def of(cls, settings: Settings) -> SetupCaps:
        return cls(
            pending_max=settings.card_setups_pending_max,
            pending_window=timedelta(minutes=settings.card_setup_pending_window_min),
            recheck_after=timedelta(minutes=settings.card_setup_recheck_after_min),
        )


async def customer_for(uow: WalletUnitOfWork, provider: PaymentProvider, user_id: uuid.UUID) -> str:
    """The user's Stripe Customer, created on first need (seed 001: one user, one customer).

    Two first requests racing both ask Stripe with the same idempotency key (one customer comes
    back) and both insert; the row that wins is the one used.
    """
    found = await uow.payment_methods.customer_of(user_id)
    if found is not None:
        return found
    await uow.payment_methods.add_customer(user_id, await provider.create_customer(user_id))
    return str(await uow.payment_methods.customer_of(user_id))


async def user_of_customer(uow: WalletUnitOfWork, customer: str | None) -> uuid.UUID | None:
    if customer is None:
        return None
    return await uow.payment_methods.user_of_customer(customer)


async def list_methods(uow: WalletUnitOfWork, user_id: uuid.UUID) -> list[MethodView]:
    """The user's saved cards, the default first (a read: the route commits nothing)."""
    return await uow.payment_methods.active_of(user_id)


async def find_method(
    uow: WalletUnitOfWork, user_id: uuid.UUID, method_id: uuid.UUID, *, for_update: bool = False
) -> MethodView:
    """The user's active method; another user's (or a detached one) is "not found"."""
    found = await uow.payment_methods.find_active(user_id, method_id, for_update=for_update)
    if found is None:
        raise PaymentMethodNotFound()
    return found


async def start_setup(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    caps: SetupCaps | None = None,
) -> SetupView:
    """A SetupIntent the SPA confirms with Stripe.js; the card is saved when it succeeds.

    Refused (before any Stripe call) while the user has ``caps.pending_max`` unfinished ones.
    """
    caps = caps or SetupCaps()
    await uow.payment_methods.lock_setups_of(user_id)  # concurrent starts count in turn
    pending = await uow.payment_methods.count_unfinished_setups(user_id, caps.pending_window)
    if pending >= caps.pending_max:
        raise CardSetupsPending(details={"pending": pending, "limit": caps.pending_max})
    customer = await customer_for(uow, provider, user_id)
    setup = await provider.create_setup_intent(user_id=user_id, customer=customer)
    await uow.payment_methods.add_setup(setup.id, user_id, setup.status)
    return setup


async def save_card(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    stripe_payment_method_id: str,
    client: ClientInfo | None = None,
) -> MethodView:
    """Store a card Stripe has attached to the user's customer (once, whatever the retries)."""
    existing = await uow.payment_methods.by_stripe_id(stripe_payment_method_id)
    if existing is not None:
        return existing
    card = await provider.retrieve_card(stripe_payment_method_id)
    return await store_card(uow, user_id=user_id, card=card, client=client)


async def store_card(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, card: CardView, client: ClientInfo | None = None
) -> MethodView:
    """Store a card already read from Stripe (no call here: a paid deposit asks Stripe before
    the ledger locks the balance, then stores the card with its credit). Once: a card saved
    concurrently stands."""
    has_default = await uow.payment_methods.has_default(user_id)
    added = await uow.payment_methods.add(
        user_id=user_id,
        stripe_payment_method_id=card.payment_method_id,
        payment_type="card" if card.payment_type == "card" else "bank_account",
        card_brand=card.brand,
        card_last4=card.last4,
        card_exp_month=card.exp_month,
        card_exp_year=card.exp_year,
        is_default=not has_default,  # the first card is the default
    )
    if added is None:  # saved concurrently (webhook and re-check): theirs stands
        again = await uow.payment_methods.by_stripe_id(card.payment_method_id)
        assert again is not None
        return again
    await uow.audit.add(
        AuditEntry(
            action=AuditAction.payment_method_added,
            status=AuditStatus.success,
            user_id=user_id,
            details={"method_id": str(added.method_id), "brand": card.brand, "last4": card.last4},
            client=client or ClientInfo(),
        ),
    )
    return added


async def settle_setup(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    setup: SetupView,
    *,
    expiry: timedelta | None = None,
) -> MethodView | None:
    """A SetupIntent as Stripe reports it (webhook or re-check): save its card once succeeded.

    ``expiry`` (a deposit's) is what the webhook table hands every handler: a SetupIntent opens
    no deposit, so it is not used here."""
    user_id = await uow.payment_methods.owner_of_setup(setup.id)
    if user_id is None:
        user_id = await user_of_customer(uow, setup.customer)
    if user_id is None:
        return None  # not one of ours
    await uow.payment_methods.set_setup_status(setup.id, setup.status)
    if setup.status != "succeeded" or setup.payment_method is None:
        return None
    return await save_card(
        uow, provider, user_id=user_id, stripe_payment_method_id=setup.payment_method
    )


async def setups_due(uow: WalletUnitOfWork, caps: SetupCaps, *, limit: int) -> list[str]:
    """SetupIntents the periodic job should ask Stripe about (a webhook may be lost)."""
    return await uow.payment_methods.setups_due(
        caps.pending_window, caps.recheck_after, limit=limit
    )


async def recheck_setup(
    uow: WalletUnitOfWork, provider: PaymentProvider, setup_intent_id: str, caps: SetupCaps
) -> MethodView | None:
    """Ask Stripe about one SetupIntent, once per ``recheck_after`` (the claim is a conditional
    UPDATE: two runners never both ask), and save its card if it succeeded."""
    claimed = await uow.payment_methods.claim_setup_recheck(
        setup_intent_id, caps.pending_window, caps.recheck_after
    )
    if claimed is None:
        return None
    return await settle_setup(uow, provider, await provider.retrieve_setup_intent(claimed))


async def delete_method(
    uow: WalletUnitOfWork,
    provider: PaymentProvider,
    *,
    user_id: uuid.UUID,
    method_id: uuid.UUID,
    client: ClientInfo,
) -> None:
    found = await find_method(uow, user_id, method_id, for_update=True)
    await provider.detach_card(found.stripe_payment_method_id)
    await uow.payment_methods.detach(method_id)
    await uow.audit.add(
        AuditEntry.method_changed(
            AuditAction.payment_method_deleted, user_id=user_id, method_id=method_id, client=client
        )
    )


async def make_default(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, method_id: uuid.UUID
) -> list[MethodView]:
    """The user's method becomes their only default; the user's cards, the default first."""
    await find_method(uow, user_id, method_id, for_update=True)
    await uow.payment_methods.set_default(user_id, method_id)
    return await uow.payment_methods.active_of(user_id)


async def mark_used(uow: WalletUnitOfWork, method_id: uuid.UUID) -> None:
    await uow.payment_methods.mark_used(method_id)
