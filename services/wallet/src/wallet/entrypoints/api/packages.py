"""Packages over HTTP (issue 22): the catalogue, buying, balances, usage, the admin's views."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["packages"])
