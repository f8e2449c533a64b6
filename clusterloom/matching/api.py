"""API router of partner matching (endpoints added by the matching app)."""

from ninja import Router

router = Router()
