"""Affinities between different taxonomy terms, learned from who works together (pure).

Method: normalised pointwise mutual information (NPMI) over groups. A group is a set of
co-members (a partnership's partner clusters, a CORDIS project's participants), each given by
the tuple of terms it carries. Two *different* terms a and b co-occur in a group when one member
carries a and another member carries b (a term pair on a single member says what that member
is, not whom it works with). With N groups, n(a) the groups where a appears on any member and
n(a, b) the groups where a and b co-occur as above,

    NPMI(a, b) = log(p(a, b) / (p(a) p(b))) / -log p(a, b),   p(x) = n(x) / N,

which is 1 when a and b always come together, 0 when they are independent and negative when
they avoid each other. Pairs seen together in fewer than `min_support` groups are dropped
(noise), negative values are clipped to 0, and the result is symmetric.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations

Affinity = dict[tuple[str, str], float]


def learn_affinities(
    groups: Iterable[Iterable[tuple[str, ...]]], *, min_support: int = 2
) -> Affinity:
    """Affinity in [0, 1] of each pair of different terms carried by different co-members."""
    if min_support < 1:
        raise ValueError("min_support must be at least 1")
    n_groups = 0
    term_groups: Counter[str] = Counter()
    pair_groups: Counter[tuple[str, str]] = Counter()
    for group in groups:
        members = [frozenset(terms) for terms in group]
        if len(members) < 2:
            continue
        n_groups += 1
        # Which members carry each term: a pair counts unless both terms sit on one member only.
        holders: dict[str, set[int]] = {}
        for index, terms in enumerate(members):
            for term in terms:
                holders.setdefault(term, set()).add(index)
        term_groups.update(holders.keys())
        for a, b in combinations(sorted(holders), 2):
            ha, hb = holders[a], holders[b]
            if len(ha) == 1 and ha == hb:
                continue
            pair_groups[(a, b)] += 1
    affinity: Affinity = {}
    for (a, b), together in pair_groups.items():
        if together < min_support:
            continue
        if together == n_groups:
            value = 1.0
        else:
            p_ab = together / n_groups
            pmi = math.log(p_ab / ((term_groups[a] / n_groups) * (term_groups[b] / n_groups)))
            value = max(0.0, min(1.0, pmi / -math.log(p_ab)))
        if value > 0.0:
            affinity[(a, b)] = value
            affinity[(b, a)] = value
    return affinity


def merge_adjustments(
    learned: Mapping[tuple[str, str], float], adjustments: Mapping[tuple[str, str], float]
) -> Affinity:
    """`learned` with a coordinator's explicit values over it (both orders; 0 removes a pair)."""
    merged: Affinity = dict(learned)
    for (a, b), value in adjustments.items():
        if a == b:
            raise ValueError(f"affinity of {a!r} with itself: only different terms have one")
        if not 0.0 <= float(value) <= 1.0 or math.isnan(float(value)):
            raise ValueError(f"affinity of ({a!r}, {b!r}) must be between 0 and 1, not {value!r}")
        for key in ((a, b), (b, a)):
            if value == 0:
                merged.pop(key, None)
            else:
                merged[key] = float(value)
    return merged
