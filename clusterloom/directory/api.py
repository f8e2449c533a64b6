"""API router (filled in by the app's endpoints)."""

from ninja import Router

router = Router()
