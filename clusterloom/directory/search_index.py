"""The directory search's index: each organisation's folded search columns, kept on every write.

`search_names` (name, short name), `search_labels` (every taxonomy term and the country in all
the platform's languages, the region and the city) and `search_body` (the description) are
folded texts (textsearch.fold); the database indexes them (fts.py on SQLite, a trigram index
on PostgreSQL). Signals keep them current: an organisation's save sets them, adding or removing
its terms and renaming or translating a term refreshes them. Writes that send no signal
(bulk_create, queryset.update) call `search_index_refresh` or `search_index_rebuild` themselves;
after every `migrate`, organisations whose columns are still empty are filled.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from clusterloom.geo.labels import country_label
from clusterloom.geo.models import Country, Region
from clusterloom.taxonomy.models import Term, terms_relabelled

from . import snapshot
from .models import Organisation, SearchWord
from .textsearch import MAX_WORD_LENGTH, fold

BATCH = 500
FIELDS = ("search_names", "search_labels", "search_body")


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _unique_words(texts: Iterable[str]) -> str:
    """The distinct words of the texts, folded, in first-seen order, as one indexed text."""
    seen: dict[str, None] = {}
    for text in texts:
        for word in fold(text).split():
            seen.setdefault(word, None)
    return " " + " ".join(seen) + " " if seen else ""


def term_texts(name: str, translations: dict | None) -> list[str]:
    """A term's name and its names in the other languages."""
    return [name, *(translations or {}).values()]


def country_texts(code: str, name: str) -> list[str]:
    """A country's name in each of the platform's languages."""
    return [country_label(code, name, language) for language in _languages()]


def search_fields(
    *,
    name: str,
    short_name: str,
    description: str,
    city: str,
    country: tuple[str, str] | None,
    region: tuple[str, list[str]] | None,
    terms: Iterable[tuple[str, dict]],
) -> dict[str, str]:
    """The three search columns of one organisation, from plain values."""
    labels: list[str] = []
    for term_name, translations in terms:
        labels += term_texts(term_name, translations)
    if country:
        labels += country_texts(*country)
    if region:
        labels += [region[0], *region[1]]
    labels.append(city)
    return {
        "search_names": fold(f"{name} {short_name}"),
        "search_labels": _unique_words(labels),
        "search_body": fold(description),
    }


def _words_remember(fields: Iterable[dict[str, str]]) -> None:
    """Add the words of names and labels to the word list that typos are looked up in."""
    words = set()
    for row in fields:
        words.update((row["search_names"] + row["search_labels"]).split())
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in words if len(w) <= MAX_WORD_LENGTH and w.isalpha()],
        ignore_conflicts=True,
        batch_size=1000,
    )


def search_index_refresh(organisation_ids: Iterable[int]) -> int:
    """Recompute the search columns of these organisations (any number, in batches) and
    write the ones that changed; returns how many changed."""
    ids = sorted(set(organisation_ids))
    changed = 0
    countries = dict(Country.objects.values_list("code", "name"))
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = Organisation.objects.filter(pk__in=batch).values(
            "pk",
            "name",
            "short_name",
            "description",
            "city_name",
            "city__name",
            "country_id",
            "region__name",
            "region__aliases",
            "search_names",
            "search_labels",
            "search_body",
        )
        terms: dict[int, list[tuple[str, dict]]] = {}
        links = Organisation.terms.through.objects.filter(organisation_id__in=batch).values_list(
            "organisation_id", "term__name", "term__translations"
        )
        for organisation_id, term_name, translations in links:
            terms.setdefault(organisation_id, []).append((term_name, translations))
        updates, computed = [], []
        for row in rows:
            fields = search_fields(
                name=row["name"],
                short_name=row["short_name"],
                description=row["description"],
                city=row["city__name"] or row["city_name"],
                country=(row["country_id"], countries.get(row["country_id"], "")),
                region=(row["region__name"], row["region__aliases"] or [])
                if row["region__name"]
                else None,
                terms=terms.get(row["pk"], []),
            )
            computed.append(fields)
            if any(row[key] != value for key, value in fields.items()):
                updates.append(Organisation(pk=row["pk"], **fields))
        _words_remember(computed)
        Organisation.objects.bulk_update(updates, list(FIELDS), batch_size=BATCH)
        changed += len(updates)
    snapshot.touch()
    return changed


def search_index_rebuild() -> int:
    """Recompute every organisation's search columns; returns how many changed."""
    return search_index_refresh(Organisation.objects.values_list("pk", flat=True))


def search_index_fill_missing() -> int:
    """Fill the search columns of organisations that have none yet (after `migrate`; nothing
    when the database is migrated back to before the columns existed)."""
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return 0
        columns = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    if (
        not set(FIELDS) <= columns
        or SearchWord._meta.db_table not in connection.introspection.table_names()
    ):
        return 0
    return search_index_refresh(
        Organisation.objects.filter(search_names="").values_list("pk", flat=True)
    )


def _on_save(sender, instance: Organisation, raw=False, update_fields=None, **kwargs) -> None:
    """Before an organisation is saved: set its search columns from what it holds now."""
    if raw:
        return
    snapshot.touch()
    terms = (
        list(instance.terms.values_list("name", "translations")) if instance.pk is not None else []
    )
    country = None
    if instance.country_id:
        country = (
            instance.country_id,
            Country.objects.filter(pk=instance.country_id).values_list("name", flat=True).first()
            or "",
        )
    region = None
    if instance.region_id:
        found = Region.objects.filter(pk=instance.region_id).values_list("name", "aliases").first()
        region = (found[0], found[1] or []) if found else None
    city = instance.city.name if instance.city_id else instance.city_name
    fields = search_fields(
        name=instance.name,
        short_name=instance.short_name,
        description=instance.description,
        city=city,
        country=country,
        region=region,
        terms=terms,
    )
    for key, value in fields.items():
        setattr(instance, key, value)
    if update_fields is not None and instance.pk is not None:
        # save(update_fields=...) would not write the search columns: write them now.
        Organisation.objects.filter(pk=instance.pk).update(**fields)
    _words_remember([fields])


def _on_terms_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    snapshot.touch()
    if reverse:  # term.organisations.add(...): pk_set holds organisations (none on clear)
        ids = list(pk_set or []) or list(
            Organisation.objects.filter(terms=instance).values_list("pk", flat=True)
        )
    else:
        ids = [instance.pk]
    search_index_refresh(ids)


def _on_term_saved(sender, instance: Term, created=False, raw=False, **kwargs) -> None:
    if raw or created:
        return
    ids = list(instance.organisations.values_list("pk", flat=True))
    if ids:
        search_index_refresh(ids)


def _on_terms_relabelled(sender, term_ids, **kwargs) -> None:
    search_index_refresh(
        Organisation.terms.through.objects.filter(term_id__in=term_ids).values_list(
            "organisation_id", flat=True
        )
    )


def _on_delete(sender, **kwargs) -> None:
    snapshot.touch()


def connect_signals() -> None:
    """Keep the search columns current (called from DirectoryConfig.ready)."""
    post_delete.connect(_on_delete, sender=Organisation, dispatch_uid="directory_search_delete")
    pre_save.connect(_on_save, sender=Organisation, dispatch_uid="directory_search_save")
    m2m_changed.connect(
        _on_terms_changed, sender=Organisation.terms.through, dispatch_uid="directory_search_terms"
    )
    post_save.connect(_on_term_saved, sender=Term, dispatch_uid="directory_search_term")
    terms_relabelled.connect(_on_terms_relabelled, dispatch_uid="directory_search_relabelled")
