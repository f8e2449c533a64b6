"""The process's in-memory PartnerIndex, kept in step with the MatchProfile table.

Each process builds its index once and then, before every use, reads one row
(MatchIndexState) and applies only the profiles changed since the version it has seen
(upserts and tombstones). A new generation (full rebuild) or new sector affinities make it
rebuild from scratch.
"""

import threading
from dataclasses import dataclass

from .index import PartnerIndex
from .models import MatchIndexState, MatchProfile, SectorAffinity
from .profiles import profile_from_row, ranking_weights


@dataclass
class _Held:
    index: PartnerIndex
    generation: str
    version: int
    affinity_version: int


_lock = threading.Lock()
_held: _Held | None = None
_rebuilding: threading.Thread | None = None


def affinity_map() -> dict[tuple[str, str], float]:
    """The affinities the index uses (adjusted values win), in both orders."""
    mapping: dict[tuple[str, str], float] = {}
    for row in SectorAffinity.objects.all():
        value = row.value
        if value > 0:
            mapping[(row.term_a, row.term_b)] = value
            mapping[(row.term_b, row.term_a)] = value
    return mapping


def _embedder():
    """The sentence embedder when the semantic extra is installed and enabled, else None."""
    from django.conf import settings

    if not getattr(settings, "MATCHING_SEMANTIC", False):
        return None
    from . import embeddings

    if not embeddings.available():
        return None
    return embeddings.SentenceTransformerEmbedder()


def _state() -> tuple[str, int, int]:
    row = MatchIndexState.objects.filter(pk=1).values_list(
        "generation", "version", "affinity_version"
    )
    found = row.first()
    return found if found is not None else ("", 0, 0)


def _build(generation: str, version: int, affinity_version: int) -> _Held:
    rows = MatchProfile.objects.filter(removed=False, version__lte=version)
    embedder = _embedder()
    index = PartnerIndex(
        [profile_from_row(row) for row in rows.iterator(chunk_size=2000)],
        affinity=affinity_map(),
        embedder=embedder,
        weights=ranking_weights(semantic=embedder is not None),
        short_weights=ranking_weights(semantic=embedder is not None, short=True),
    )
    return _Held(index, generation, version, affinity_version)


def _background() -> bool:
    from django.conf import settings

    return getattr(settings, "MATCH_INDEX_BACKGROUND_REBUILD", False)


def _rebuild_in_background(generation: str, version: int, affinity_version: int) -> None:
    """Build the new generation's index in a thread; searches use the old one meanwhile."""
    global _rebuilding
    if _rebuilding is not None and _rebuilding.is_alive():
        return

    def work() -> None:
        global _held
        from django.db import connection

        try:
            fresh = _build(generation, version, affinity_version)
            with _lock:
                held = _held
                if held is None or (held.generation, held.affinity_version) != (
                    generation,
                    affinity_version,
                ):
                    _held = fresh  # changes made during the build are applied on next use
        finally:
            connection.close()  # this thread's own connection

    _rebuilding = threading.Thread(target=work, name="match-index-rebuild", daemon=True)
    _rebuilding.start()


def current_index() -> PartnerIndex:
    """This process's index, brought up to date with the database.

    A new generation (full rebuild) or new affinities rebuild the index from scratch: with
    MATCH_INDEX_BACKGROUND_REBUILD (the default when a broker is set) in a thread, while
    searches keep using the index this process has, with every profile change applied to it;
    otherwise at once.
    """
    global _held
    generation, version, affinity_version = _state()
    with _lock:
        held = _held
        if held is None or held.version > version:
            _held = held = _build(generation, version, affinity_version)
        elif held.generation != generation or held.affinity_version != affinity_version:
            if _background():
                _rebuild_in_background(generation, version, affinity_version)
            else:
                _held = held = _build(generation, version, affinity_version)
        if held.version < version:
            changed = MatchProfile.objects.filter(
                version__gt=held.version, version__lte=version
            ).order_by("version")
            for row in changed.iterator(chunk_size=2000):
                if row.removed:
                    try:
                        held.index.remove(str(row.organisation_id))
                    except KeyError:  # never indexed in this process
                        pass
                else:
                    held.index.upsert(profile_from_row(row))
            held.version = version
        return held.index


def wait_for_rebuild(timeout: float | None = None) -> None:
    """Wait until a background rebuild of this process has finished (tests, benchmarks)."""
    thread = _rebuilding
    if thread is not None:
        thread.join(timeout)


def forget() -> None:
    """Drop this process's index (the next use rebuilds it)."""
    global _held
    with _lock:
        _held = None


def restored(**kwargs) -> None:
    """After a restore, every process rebuilds its index: versions may repeat those it saw."""
    import uuid

    MatchIndexState.objects.filter(pk=1).update(generation=uuid.uuid4().hex)
    forget()
