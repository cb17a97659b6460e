"""API router for accounts (mounted under /api/v1/ by congso.api.urls)."""

from ninja import Router

router = Router(tags=["accounts"])
