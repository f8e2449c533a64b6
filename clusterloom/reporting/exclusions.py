"""What each KPI leaves out, and why: the records a coordinator might expect to count but that
do not (yet). Shown beside the numbers on the dashboard, the partnership page, the report and
the API, so a count says what it excludes."""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

from . import kpis

#: Why records are left out of a count -> the sentence saying how many (`% {"n": n}`).
_SENTENCES = {
    "reported": ngettext_lazy(
        "%(n)s exchange reported and awaiting validation",
        "%(n)s exchanges reported and awaiting validation",
        "n",
    ),
    "not_confirmed": ngettext_lazy(
        "%(n)s past event not confirmed as held by its organiser",
        "%(n)s past events not confirmed as held by their organisers",
        "n",
    ),
    "not_ended": ngettext_lazy(
        "%(n)s event marked held that has not ended or has no session",
        "%(n)s events marked held that have not ended or have no session",
        "n",
    ),
    "planned": ngettext_lazy(
        "%(n)s activity still planned after its end date (record it as held)",
        "%(n)s activities still planned after their end date (record them as held)",
        "n",
    ),
    "incomplete": ngettext_lazy(
        "%(n)s benchmarking not complete (not scored as its indicator set requires)",
        "%(n)s benchmarkings not complete (not scored as their indicator set requires)",
        "n",
    ),
}


def sentences(left: kpis.LeftOut) -> dict[str, list[str]]:
    """Code -> sentences for what kpis.counts_as_of found left out of its count."""
    return {
        code: [_SENTENCES[reason] % {"n": n} for reason, n in reasons]
        for code, reasons in left.items()
        if reasons
    }


def not_counted_text(excluded: list[str]) -> str:
    """The sentences as one line for a table cell ("" when nothing is left out)."""
    return "; ".join(excluded)
