"""Pure functions, no database: the wallet's after-each-test ledger reconciliation (the parent
conftest's autouse ``reconciled``) has nothing to check here, so it is a no-op for this folder and
these tests run without PostgreSQL."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def reconciled() -> None:
    """Nothing here touches the ledger."""
