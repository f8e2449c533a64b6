"""What the directory search needs of every organisation, held in memory per process.

Filters, facet counts and their labels, the relevance order and pages are computed in Python
over this snapshot; the database only answers which organisations contain a word (its trigram
index).
Reading the matched rows back from the table cost more than everything else together (on
10,000 organisations, 50-80 ms for a common word against about 1 ms for the index look-up; see
docs/PERFORMANCE.md). The snapshot is rebuilt when the change counter of a table it reads
moves (a write committed by any process, core/page_cache.py) or when this process wrote to the
directory (`touch`). Filters look up the organisations of a country, kind, region or term in
inverted maps built with it, instead of testing every organisation.
"""

import threading
from dataclasses import dataclass, field

from clusterloom.core.page_cache import EVERYTHING, content_versions
from clusterloom.geo.models import Country
from clusterloom.taxonomy.models import Term

from .models import Organisation

_lock = threading.Lock()
_local_writes = 0
_current: "Snapshot | None" = None


def touch() -> None:
    """This process changed organisations or their terms: rebuild before the next search."""
    global _local_writes
    _local_writes += 1


@dataclass
class Snapshot:
    """Every organisation's filter values and search texts, and the order by name."""

    key: tuple
    #: ids ordered by (name, id)
    by_name: list[int]
    position: dict[int, int]
    kind: dict[int, str]
    country: dict[int, str]
    region: dict[int, str]
    names: dict[int, str]
    labels: dict[int, str]
    body: dict[int, str]
    terms: dict[int, tuple[int, ...]]
    #: term id -> vocabulary
    term_vocabulary: dict[int, str]
    #: term id -> (slug, English name, translations), for the facets' labels
    term_names: dict[int, tuple[str, str, dict]] = field(default_factory=dict)
    #: country code -> English name, for the facets' labels
    country_names: dict[str, str] = field(default_factory=dict)
    #: The organisations of each country, kind, region and term (for the filters).
    with_country: dict[str, set[int]] = field(default_factory=dict)
    with_kind: dict[str, set[int]] = field(default_factory=dict)
    with_region: dict[str, set[int]] = field(default_factory=dict)
    with_term: dict[int, set[int]] = field(default_factory=dict)


#: The tables a snapshot reads: a committed change to any of them (by any process) rebuilds it.
SCOPES = (
    EVERYTHING,
    Organisation._meta.db_table,
    Organisation.terms.through._meta.db_table,
    Term._meta.db_table,
    Country._meta.db_table,
)


def _build(key: tuple[int, int]) -> Snapshot:
    rows = Organisation.objects.order_by("name", "pk").values_list(
        "pk", "kind", "country_id", "region_id", "search_names", "search_labels", "search_body"
    )
    snapshot = Snapshot(key, [], {}, {}, {}, {}, {}, {}, {}, {}, {})
    for pk, kind, country, region, names, labels, body in rows.iterator(chunk_size=5000):
        snapshot.position[pk] = len(snapshot.by_name)
        snapshot.by_name.append(pk)
        snapshot.kind[pk] = kind
        snapshot.country[pk] = country
        snapshot.region[pk] = region or ""
        snapshot.names[pk] = names
        snapshot.labels[pk] = labels
        snapshot.body[pk] = body
        snapshot.with_kind.setdefault(kind, set()).add(pk)
        snapshot.with_country.setdefault(country, set()).add(pk)
        snapshot.with_region.setdefault(region or "", set()).add(pk)
    terms: dict[int, list[int]] = {}
    links = Organisation.terms.through.objects.values_list("organisation_id", "term_id")
    for organisation_id, term_id in links.iterator(chunk_size=20000):
        terms.setdefault(organisation_id, []).append(term_id)
        snapshot.with_term.setdefault(term_id, set()).add(organisation_id)
    snapshot.terms = {pk: tuple(ids) for pk, ids in terms.items()}
    for pk, vocabulary, slug, name, translations in Term.objects.values_list(
        "pk", "vocabulary", "slug", "name", "translations"
    ):
        snapshot.term_vocabulary[pk] = vocabulary
        snapshot.term_names[pk] = (slug, name, translations or {})
    snapshot.country_names = dict(Country.objects.values_list("code", "name"))
    return snapshot


def current() -> Snapshot:
    """The snapshot for the current content (one indexed read when it is still valid)."""
    global _current
    key = (content_versions(SCOPES), _local_writes)
    found = _current
    if found is not None and found.key == key:
        return found
    with _lock:
        if _current is None or _current.key != key:
            _current = _build(key)
        return _current
