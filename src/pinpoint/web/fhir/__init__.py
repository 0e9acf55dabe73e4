"""``/fhir/R4``: the FHIR R4 API (reads, searches, ``$everything``, Bulk Data export)."""

from __future__ import annotations

from fastapi import APIRouter

from pinpoint.web.fhir import bulk, reads

PREFIX = "/fhir/R4"

router = APIRouter(prefix=PREFIX, tags=["fhir"])
router.include_router(reads.router)
router.include_router(bulk.router)
