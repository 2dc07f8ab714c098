"""Card deposits through Stripe and the Stripe webhook (issue 8)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["deposits"])
