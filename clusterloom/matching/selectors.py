"""Reads of partner matching: search and suggestions with explanations, requests, affinities."""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterloom.core.errors import DomainError
from clusterloom.directory.models import Organisation, OrganisationKind
from clusterloom.directory.selectors import user_organisations
from clusterloom.geo.models import Country
from clusterloom.taxonomy.models import Term

from .index import EmptyQuery, Match, Query
from .live_index import current_index
from .models import PartnerRequest, SectorAffinity
from .strength import match_strength, strength_label
from .text import stems

#: A word as the index reads one (letters and digits).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: What each signal of the fused score means, for people (see index.py for the method).
SIGNAL_LABELS = {
    "lexical": gettext_lazy("words of the description"),
    "passages": gettext_lazy("projects like this need"),
    "best_passage": gettext_lazy("its closest project"),
    "terms": gettext_lazy("shared industries"),
    "complementarity": gettext_lazy("complementary sectors"),
    "network": gettext_lazy("worked with organisations that fit"),
    "prior": gettext_lazy("activity in partnerships and projects"),
    "kind": gettext_lazy("organisations of its kind take part often"),
    "semantic": gettext_lazy("similar meaning"),
    "their_offers_fit_your_requests": gettext_lazy("its offers fit the needs"),
    "your_offers_fit_their_requests": gettext_lazy("its needs fit the offers"),
}

#: Signals that say nothing about the need itself: a result needs some other reason.
_NOT_A_REASON = {"prior", "kind"}

#: The largest result list a caller may ask for.
MAX_RESULTS = 100


def term_keys_resolve(keys, *, field: str = "terms") -> list[Term]:
    """The Terms named "vocabulary:slug"; an unknown or malformed one is a DomainError."""
    found = []
    for key in keys or []:
        vocabulary, _sep, slug = str(key).partition(":")
        term = Term.objects.filter(vocabulary=vocabulary, slug=slug).first() if slug else None
        if term is None:
            raise DomainError(
                _("Unknown term “%(term)s” (write vocabulary:slug, e.g. sectoral:automotive).")
                % {"term": key},
                field=field,
            )
        found.append(term)
    return found


def term_names(keys) -> dict[str, str]:
    """Display names of terms given as "vocabulary:slug" (the key itself when unknown)."""
    keys = set(keys)
    if not keys:
        return {}
    query = Q()
    for key in keys:
        vocabulary, _sep, slug = key.partition(":")
        query |= Q(vocabulary=vocabulary, slug=slug)
    names = {f"{t.vocabulary}:{t.slug}": t.name for t in Term.objects.filter(query)}
    return {key: names.get(key, key) for key in keys}


def user_home_country(user) -> str:
    """The country of the user's organisation (as a member first, then as a manager)."""
    if user and user.is_authenticated and hasattr(user, "person"):
        return user.person.organisation.country_id
    organisations = user_organisations(user)
    return organisations[0].country_id if organisations else ""


@dataclass
class SearchParams:
    """A partner search as a caller states it; `validate()` checks it against the platform."""

    text: str = ""
    terms: list[str] = field(default_factory=list)
    country: str = ""
    other_country_only: bool = False
    kinds: list[str] = field(default_factory=list)
    exclude: list[int] = field(default_factory=list)
    k: int = 20

    def validate(self) -> None:
        """Raise a DomainError naming the field for an empty or unknown input."""
        self.text = (self.text or "").strip()
        if not self.text and not self.terms:
            raise DomainError(
                _("Describe what you are looking for, or choose at least one term."),
                field="text",
            )
        if len(self.text) > 2000:
            raise DomainError(
                _("The description is too long (2,000 characters at most)."), field="text"
            )
        term_keys_resolve(self.terms)
        self.country = (self.country or "").strip().upper()
        if self.country and not Country.objects.filter(code=self.country).exists():
            raise DomainError(
                _("Unknown country “%(code)s” (use a two-letter ISO code).")
                % {"code": self.country},
                field="country",
            )
        if self.other_country_only and not self.country:
            raise DomainError(
                _("Choose the country whose organisations to leave out."), field="country"
            )
        for kind in self.kinds:
            if kind not in OrganisationKind.values:
                raise DomainError(
                    _("Unknown organisation kind “%(kind)s” (one of: %(kinds)s).")
                    % {"kind": kind, "kinds": ", ".join(OrganisationKind.values)},
                    field="kinds",
                )
        if not isinstance(self.k, int) or not 1 <= self.k <= MAX_RESULTS:
            raise DomainError(
                _("The number of results must be between 1 and %(max)d.") % {"max": MAX_RESULTS},
                field="k",
            )


@dataclass
class MatchResult:
    """One suggested organisation with the reasons, ready for a page or the API."""

    organisation: Organisation
    score: float
    shared_terms: list[tuple[str, str]]  # (key, name)
    complementary: list[tuple[str, str, str, str, float]]  # (key, name, key, name, affinity)
    matched_words: list[str]
    snippet: str
    components: dict[str, float]
    #: A reciprocal fit (suggestions: each side fits the other), whose strength reads in words;
    #: a search's score ranks organisations for one need and has no such scale.
    reciprocal: bool = False

    @property
    def strength(self) -> str:
        """ "strong", "good" or "possible" for a reciprocal fit; "" for a search's score."""
        return match_strength(self.score) if self.reciprocal else ""

    @property
    def strength_label(self) -> str:
        """The strength in the reader's language, e.g. "strong match" ("" for a search)."""
        return strength_label(self.score) if self.reciprocal else ""

    @property
    def reasons(self) -> list[tuple[str, float]]:
        """The signals that contributed, strongest first, as (label, contribution)."""
        parts = [(k, v) for k, v in self.components.items() if v > 0]
        parts.sort(key=lambda kv: -kv[1])
        return [(str(SIGNAL_LABELS.get(k, k)), v) for k, v in parts]

    @property
    def snippet_html(self) -> SafeString:
        """The snippet, escaped, with the matched words marked."""
        return highlight(self.snippet, self.matched_words)

    def explanation_dict(self) -> dict[str, Any]:
        """The explanation as the API returns it."""
        return {
            "shared_terms": [{"term": key, "name": name} for key, name in self.shared_terms],
            "complementary": [
                {"query_term": a, "query_term_name": an, "term": b, "name": bn, "affinity": v}
                for a, an, b, bn, v in self.complementary
            ],
            "matched_words": self.matched_words,
            "snippet": self.snippet,
            "components": self.components,
        }


def highlight(text: str, words) -> SafeString:
    """`text` escaped for HTML, with every word that shares a stem with `words` in <mark>."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    wanted = set(stems(" ".join(words or [])))
    if not wanted:
        return escape(text)
    parts, last = [], 0
    for found in _WORD.finditer(text):
        if not set(stems(found.group(0))) & wanted:
            continue
        parts.append(escape(text[last : found.start()]))
        parts.append(f"<mark>{escape(found.group(0))}</mark>")
        last = found.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above


def _with_a_reason(matches: list[Match]) -> list[Match]:
    """Leave out matches whose only contribution is their activity (nothing fits the need)."""
    return [
        m
        for m in matches
        if any(v > 0 for k, v in m.explanation.components.items() if k not in _NOT_A_REASON)
    ]


def match_results(
    pairs: list[tuple[Match, Organisation]], *, reciprocal: bool = False
) -> list[MatchResult]:
    """A MatchResult for each (index match, its organisation), the terms' names looked up once
    for all of them; `reciprocal` for suggestions (each side fits the other)."""
    keys = set()
    for match, _organisation in pairs:
        keys.update(match.explanation.shared_terms)
        for a, b, _value in match.explanation.complementary:
            keys.update((a, b))
    names = term_names(keys)
    results = []
    for match, organisation in pairs:
        explanation = match.explanation
        results.append(
            MatchResult(
                organisation=organisation,
                score=round(float(match.score), 4),
                shared_terms=[(k, names.get(k, k)) for k in explanation.shared_terms],
                complementary=[
                    (a, names.get(a, a), b, names.get(b, b), round(float(v), 3))
                    for a, b, v in explanation.complementary
                ],
                matched_words=list(explanation.matched_words),
                snippet=explanation.snippet,
                components={k: round(float(v), 4) for k, v in explanation.components.items()},
                reciprocal=reciprocal,
            )
        )
    return results


def _results(matches: list[Match], *, reciprocal: bool = False) -> list[MatchResult]:
    """Attach organisations and term names to the index's matches (best first)."""
    matches = _with_a_reason(matches)
    ids = [int(m.id) for m in matches]
    organisations = Organisation.objects.select_related("country", "city").in_bulk(ids)
    # An organisation deleted since the index last synced is left out.
    return match_results(
        [(m, organisations[int(m.id)]) for m in matches if int(m.id) in organisations],
        reciprocal=reciprocal,
    )


def own_organisation_ids(user) -> set[int]:
    """Organisations left out of a user's results: their own and those they manage."""
    return {o.pk for o in user_organisations(user)}


def partner_search(params: SearchParams, *, user=None) -> list[MatchResult]:
    """Organisations ranked for a described need, with explanations (validated first)."""
    params.validate()
    exclude = {str(i) for i in params.exclude} | {str(i) for i in own_organisation_ids(user)}
    query = Query(
        text=params.text,
        terms=tuple(params.terms),
        country=params.country,
        other_country_only=params.other_country_only,
        kinds=tuple(params.kinds),
        exclude_ids=frozenset(exclude),
    )
    try:
        matches = current_index().search(query, k=params.k)
    except EmptyQuery:
        raise DomainError(
            _("The description holds no words to search for; say what you need in more words."),
            field="text",
        ) from None
    return _results(matches)


def partner_suggestions(
    organisation: Organisation, *, k: int = 10, other_country_only: bool = True, user=None
) -> list[MatchResult]:
    """Organisations that fit this one and whose needs it fits (reciprocal), with reasons."""
    if not 1 <= k <= MAX_RESULTS:
        raise DomainError(
            _("The number of results must be between 1 and %(max)d.") % {"max": MAX_RESULTS},
            field="k",
        )
    index = current_index()
    if str(organisation.pk) not in index:
        return []  # not indexed yet (its profile is computed once the change commits)
    exclude = frozenset(str(i) for i in own_organisation_ids(user) if i != organisation.pk)
    matches = index.reciprocal(
        str(organisation.pk), k=k, other_country_only=other_country_only, exclude_ids=exclude
    )
    return _results(matches, reciprocal=True)


def partner_requests_visible_to(user) -> QuerySet[PartnerRequest]:
    """Public requests for everyone; every request for logged-in users."""
    rows = PartnerRequest.objects.select_related("organisation__country", "posted_by")
    if user is not None and user.is_authenticated and user.is_active:
        return rows
    return rows.filter(is_public=True)


def partner_request_matches(partner_request: PartnerRequest, *, k: int = 10) -> list[MatchResult]:
    """Organisations that could answer a request: ranked on what it seeks and its terms."""
    keys = [f"{t.vocabulary}:{t.slug}" for t in partner_request.terms.all()]
    text = "\n".join(p for p in (partner_request.title, partner_request.sought) if p)
    query = Query(
        text=text,
        terms=tuple(keys),
        country=partner_request.organisation.country_id,
        exclude_ids=frozenset({str(partner_request.organisation_id)}),
    )
    try:
        return _results(current_index().search(query, k=k))
    except EmptyQuery:
        return []


def affinities_strongest(*, limit: int = 100, term: str = "") -> list[dict[str, Any]]:
    """The strongest sector affinities (adjusted values first where set), with term names."""
    rows = list(SectorAffinity.objects.select_related("adjusted_by"))
    if term:
        rows = [r for r in rows if term in (r.term_a, r.term_b)]
    rows.sort(key=lambda r: (-r.value, r.term_a, r.term_b))
    rows = rows[:limit]
    names = term_names({r.term_a for r in rows} | {r.term_b for r in rows})
    return [
        {"row": r, "name_a": names.get(r.term_a, r.term_a), "name_b": names.get(r.term_b, r.term_b)}
        for r in rows
    ]
