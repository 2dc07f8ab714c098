"""Exports (CSV/PDF) with signed download links, and monthly statements (issue 9)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["reports"])
