"""How strong a reciprocal match is, in words a person understands.

The reciprocal fit of two profiles (`PartnerIndex.reciprocal`) is the geometric mean of
fit(A -> B) and fit(B -> A), each a weighted mean of absolute similarities in [0, 1]: the
tf-idf cosine of one side's requests with the other's offers, the idf-weighted cosine of their
industries, the complementarity of their sectors (and, with an embedder, the embedding cosine).
Two people rarely write the same words and no pair shares every signal, so real pairs land low
on that scale. Measured on the demo B2B event (`clusterloom setup`, 240 participants; the
suggestions of 80 of them, 851 pairs; `bench/match_strength.py`): pairs where each side's offer
answers the other's request (both directions above 0.15) score 0.18 - 0.28; a pair where one
side fits well and the other a little scores about 0.05 - 0.15; the median suggestion scores
0.038. The thresholds are set on that scale, once, here (share of the demo's suggestions in
brackets); when the ranker changes, run the benchmark again and move them if the figures moved.
Run again on 2026-12-07 after the ranker's changes: 729 pairs, each-side-answers pairs 0.19 -
0.28, median 0.043, strong 8.8 %, good 19.9 %: the thresholds still separate the same pairs.

===========  ============  ===================================================================
label        fit at least  reads as
===========  ============  ===================================================================
strong       0.15          each offers what the other seeks (8.3 %)
good         0.07          one side clearly fits, the other in part (15.5 %)
possible     > 0           something in common: a word of the needs, an industry (the rest)
===========  ============  ===================================================================

The same labels are shown on the two other reciprocal suggestions, whose profiles are
organisations rather than people; measured in the same run (2026-12-07, demo data), they land on
a similar scale: suggested partners of the demo organisations (k=10, 5,026 pairs) median 0.054,
p90 0.108, labelled strong 3.5 %, good 26.7 %, possible 69.8 %; suggested hosts of the demo
ClusterXchange visitors (24 pairs) median 0.048, strong 4.2 %, good 29.2 %, possible 66.7 %.

A fit of 0 is no match and is never suggested. The number stays beside the label (pages and
API) so that the label can be checked against it.
"""

from django.utils.translation import gettext_lazy as _

#: (fit at least, key), strongest first; the first threshold a fit reaches gives its strength.
THRESHOLDS: tuple[tuple[float, str], ...] = (
    (0.15, "strong"),
    (0.07, "good"),
    (0.0, "possible"),
)

#: What each strength reads as on pages and in the API's `strength_label`.
LABELS = {
    "strong": _("strong match"),
    "good": _("good match"),
    "possible": _("possible match"),
}


def match_strength(fit: float) -> str:
    """ "strong", "good" or "possible" for a reciprocal fit above 0; "" for no match."""
    if not fit or fit <= 0:
        return ""
    for threshold, key in THRESHOLDS:
        if fit >= threshold:
            return key
    return "possible"  # pragma: no cover - the last threshold is 0


def strength_label(fit: float) -> str:
    """The strength in the reader's language ("" for no match)."""
    key = match_strength(fit)
    return str(LABELS[key]) if key else ""
