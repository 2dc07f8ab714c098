"""Subscriptions on the wallet's unit of work (issue 22, ADR 0012)."""

from __future__ import annotations

import uuid

from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def resume_after_top_up(uow: WalletUnitOfWork, *, user_id: uuid.UUID) -> None:
    """A suspended subscription of ``user_id`` resumes if the balance now pays a period."""
