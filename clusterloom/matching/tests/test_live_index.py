"""The in-memory partner index of a web process across a full rebuild made elsewhere (the
worker, the CLI): with MATCH_INDEX_BACKGROUND_REBUILD searches keep being answered while the
new index is built, and changes made meanwhile are not lost."""

import threading
import time

import pytest

from clusterloom.directory.tests.factories import OrganisationFactory
from clusterloom.matching import live_index
from clusterloom.matching.services import match_index_rebuild

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_rebuild_does_not_block_searches(settings, monkeypatch):
    settings.MATCH_INDEX_BACKGROUND_REBUILD = True
    OrganisationFactory(name="Zygomorphic Looms", description="Zygomorphic looms for textiles.")
    match_index_rebuild()
    first = live_index.current_index()
    assert len(first) == 1

    release = threading.Event()
    real_build = live_index._build

    def slow_build(*args):
        release.wait(30)  # a large directory: the build takes a while
        return real_build(*args)

    monkeypatch.setattr(live_index, "_build", slow_build)
    match_index_rebuild()  # a new generation, as the worker's rebuild makes
    OrganisationFactory(name="Zygomorphic Knits", description="Zygomorphic knitted fabrics.")

    started = time.monotonic()
    during = live_index.current_index()
    assert time.monotonic() - started < 5  # answered without waiting for the build
    assert during is first  # the index this process had ...
    assert len(during) == 2  # ... with the change made after the rebuild applied

    release.set()
    live_index.wait_for_rebuild(30)
    after = live_index.current_index()
    assert after is not first and len(after) == 2
    held = live_index._held
    assert held.generation == live_index._state()[0]


def test_without_background_rebuilds_the_next_use_builds_at_once(settings):
    settings.MATCH_INDEX_BACKGROUND_REBUILD = False
    OrganisationFactory(name="Zygomorphic Looms")
    match_index_rebuild()
    first = live_index.current_index()
    match_index_rebuild()
    assert live_index.current_index() is not first
