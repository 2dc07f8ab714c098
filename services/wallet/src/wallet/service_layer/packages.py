"""Packages on the wallet's unit of work (issue 22, ADR 0012)."""

from __future__ import annotations

import uuid

from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def pay_card_order(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, operation_id: uuid.UUID
) -> None:
    """The package order a card deposit ``operation_id`` was made for, paid from it (if any)."""
