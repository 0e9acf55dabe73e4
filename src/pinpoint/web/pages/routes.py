"""Page routes (placeholder router; pages are added by domain)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
