"""Subscriptions over HTTP (issue 22): plans, the user's subscription, the admin's plans."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["subscriptions"])
