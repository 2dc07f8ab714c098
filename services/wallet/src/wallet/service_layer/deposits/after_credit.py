"""What a credited deposit sets off, in the transaction that credits it (issue 22).

A card order for a package is paid from the deposit made for it (``package_order.operation_id``),
then a subscription suspended for want of money resumes if the balance now pays a period. Both
run once per deposit: ``credit`` calls this only when it credited now.
"""

from __future__ import annotations

import uuid

from wallet.service_layer.unit_of_work import WalletUnitOfWork


async def after_deposit_credited(
    uow: WalletUnitOfWork, *, user_id: uuid.UUID, operation_id: uuid.UUID
) -> None:
    # Imported here: buying a package by card starts a deposit (deposits.start → settle → this
    # module), so a module-level import would be a cycle.
    from wallet.service_layer import packages, subscriptions

    await packages.pay_card_order(uow, user_id=user_id, operation_id=operation_id)
    await subscriptions.resume_after_top_up(uow, user_id=user_id)
