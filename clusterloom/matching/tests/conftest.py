"""Fixtures of the matching app's Django-side tests."""

import pytest


@pytest.fixture(autouse=True)
def _fresh_live_index():
    """Each test starts with no in-memory index (the database is rolled back between tests)."""
    from clusterloom.matching import live_index

    live_index.forget()
    yield
    live_index.forget()
