"""What the directory search needs of every organisation, held in memory per process.

Filters, facet counts and their labels, the relevance order, pages and the result rows are
computed in Python over this snapshot; the database only answers which organisations contain a
word (its trigram index).
Reading the matched rows back from the table cost more than everything else together (on
10,000 organisations, 50-80 ms for a common word against about 1 ms for the index look-up; see
docs/PERFORMANCE.md). The snapshot is rebuilt when the change counter of a table it reads
moves (a write committed by any process, core/page_cache.py) or when this process wrote to the
directory (`touch`). Filters look up the organisations of a country, kind, region or term in
inverted maps built with it, instead of testing every organisation; words in the index of the
words of its texts (word_index.py), built with the first search that needs it.
"""

import threading
from dataclasses import dataclass, field

from clusterloom.core.page_cache import EVERYTHING, content_versions, depends_on
from clusterloom.geo.models import City, Country, Region
from clusterloom.taxonomy.models import Term, term_label

from .models import Organisation
from .word_index import WordIndex

_lock = threading.Lock()
_index_lock = threading.Lock()
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
    #: organisation id -> its term ids, in the order of (vocabulary, name) as the database sorts
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
    #: organisation id -> what its line in the result table shows: (slug, name, short name,
    #: kind, country code, region code, region name, city, logo), read with everything else
    rows: dict[int, tuple] = field(default_factory=dict)
    #: language -> {term id: label in that language}, filled as languages are asked for
    _term_labels: dict = field(default_factory=dict)
    _word_index: WordIndex | None = None

    def word_index(self) -> WordIndex:
        """The organisations of each word of the search texts (built at the first look-up
        that needs it: on PostgreSQL the first search; on SQLite, whose FTS5 index answers
        words of 3 letters or more, a shorter word)."""
        found = self._word_index
        if found is None:
            with _index_lock:
                if self._word_index is None:
                    self._word_index = WordIndex(
                        {
                            pk: (self.names[pk], self.labels[pk], self.body[pk])
                            for pk in self.by_name
                        }
                    )
                found = self._word_index
        return found

    def term_labels(self, language: str | None) -> dict[int, str]:
        """Every term's label in `language` (computed once per snapshot and language)."""
        labels = self._term_labels.get(language)
        if labels is None:
            labels = {
                pk: term_label(name, translations, language)
                for pk, (_slug, name, translations) in self.term_names.items()
            }
            self._term_labels[language] = labels
        return labels


#: The tables a snapshot reads: a committed change to any of them (by any process) rebuilds it.
SCOPES = (
    EVERYTHING,
    Organisation._meta.db_table,
    Organisation.terms.through._meta.db_table,
    Term._meta.db_table,
    Country._meta.db_table,
    Region._meta.db_table,
    City._meta.db_table,
)


def _build(key: tuple[int, int]) -> Snapshot:
    rows = Organisation.objects.order_by("name", "pk").values_list(
        "pk",
        "kind",
        "country_id",
        "region_id",
        "search_names",
        "search_labels",
        "search_body",
        "slug",
        "name",
        "short_name",
        "region__code",
        "region__name",
        "city__name",
        "city_name",
        "logo",
    )
    snapshot = Snapshot(key, [], {}, {}, {}, {}, {}, {}, {}, {}, {})
    for (
        pk,
        kind,
        country,
        region,
        names,
        labels,
        body,
        slug,
        name,
        short_name,
        region_code,
        region_name,
        city,
        city_name,
        logo,
    ) in rows.iterator(chunk_size=5000):
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
        snapshot.rows[pk] = (
            slug,
            name,
            short_name,
            kind,
            country,
            region_code or "",
            region_name or "",
            city or city_name or "",
            logo or "",
        )
    # The terms in the database's order of (vocabulary, name) (its collation, not Python's),
    # so each organisation's terms are listed as an ORDER BY of its links would list them.
    order: dict[int, int] = {}
    for pk, vocabulary, slug, name, translations in Term.objects.order_by(
        "vocabulary", "name", "pk"
    ).values_list("pk", "vocabulary", "slug", "name", "translations"):
        order[pk] = len(order)
        snapshot.term_vocabulary[pk] = vocabulary
        snapshot.term_names[pk] = (slug, name, translations or {})
    terms: dict[int, list[int]] = {}
    links = Organisation.terms.through.objects.values_list("organisation_id", "term_id")
    for organisation_id, term_id in links.iterator(chunk_size=20000):
        terms.setdefault(organisation_id, []).append(term_id)
        snapshot.with_term.setdefault(term_id, set()).add(organisation_id)
    snapshot.terms = {pk: tuple(sorted(ids, key=order.__getitem__)) for pk, ids in terms.items()}
    snapshot.country_names = dict(Country.objects.values_list("code", "name"))
    return snapshot


def current() -> Snapshot:
    """The snapshot for the current content (one indexed read when it is still valid)."""
    global _current
    # A page built from the snapshot shows these tables: it must be rebuilt when they change.
    depends_on(SCOPES)
    key = (content_versions(SCOPES), _local_writes)
    found = _current
    if found is not None and found.key == key:
        return found
    with _lock:
        if _current is None or _current.key != key:
            _current = _build(key)
        return _current
