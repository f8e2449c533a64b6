"""Where real pairs land on the reciprocal fit's scale: the measurement behind the "strong /
good / possible match" thresholds of clusterloom/matching/strength.py. Run it again whenever
the ranker changes, and move the thresholds if the figures moved.

It reads the demo B2B event that `clusterloom setup` creates (240 participants, seeded), takes
the suggestions (k=200) of its first N approved participants and reports, over all suggested
pairs: the quantiles of the fit, the pairs where each side's offer answers the other's request
(both directions of the fit above 0.15) against the rest, and the share of suggestions each
threshold labels. The same labels are shown on the two other reciprocal suggestions, so it
reports them too: suggested partners of the demo organisations (k=10, as on their pages) and
suggested hosts of the demo ClusterXchange visitors.

    .venv/bin/clusterloom setup                       # once: the demo event
    .venv/bin/python bench/match_strength.py          # 80 participants
    .venv/bin/python bench/match_strength.py --participants 240
"""

import argparse
import os
import statistics
import sys
from pathlib import Path


def _quantiles(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    if not values:
        return {}
    at = {"min": 0.0, "p10": 0.1, "p25": 0.25, "median": 0.5, "p75": 0.75, "p90": 0.9, "max": 1}
    return {k: round(values[int(q * (len(values) - 1))], 3) for k, q in at.items()}


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=80)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    import django

    django.setup()
    from clusterloom.events.demo import SLUG
    from clusterloom.events.models import MatchmakingEvent
    from clusterloom.events.recommend import whom_to_meet
    from clusterloom.matching.strength import THRESHOLDS, match_strength

    event = MatchmakingEvent.objects.filter(slug=SLUG).first()
    if event is None:
        sys.exit("No demo event: run `clusterloom setup` first.")
    people = list(event.participants.filter(status="approved").order_by("pk"))
    both, rest = [], []
    for person in people[: args.participants]:
        for suggestion in whom_to_meet(person, k=200).suggestions:
            parts = suggestion.result.components
            forward = parts.get("their_offers_fit_your_requests", 0.0)
            backward = parts.get("your_offers_fit_their_requests", 0.0)
            (both if min(forward, backward) > 0.15 else rest).append(suggestion.result.score)
    scores = both + rest
    print(f"demo event: {len(people)} approved, suggestions of {args.participants} of them")
    print(f"all suggested pairs ({len(scores)}): {_quantiles(scores)}")
    print(f"each side answers the other (both fits > 0.15, {len(both)}): {_quantiles(both)}")
    print(f"the rest ({len(rest)}): median {statistics.median(rest) if rest else '-'}")
    _shares(scores, THRESHOLDS, match_strength)

    from clusterloom.directory.models import Organisation
    from clusterloom.exchanges.fit import host_suggestions
    from clusterloom.exchanges.models import ExchangeApplication
    from clusterloom.matching.selectors import partner_suggestions

    partners = [
        r.score for org in Organisation.objects.order_by("pk") for r in partner_suggestions(org)
    ]
    print(f"\nsuggested partners of the demo organisations (k=10): {len(partners)} pairs")
    print(f"fit: {_quantiles(partners)}")
    _shares(partners, THRESHOLDS, match_strength)
    hosts = [
        s.result.score
        for application in ExchangeApplication.objects.order_by("pk")
        for s in host_suggestions(application)
    ]
    print(f"\nsuggested hosts of the demo visitors (k=10): {len(hosts)} pairs")
    print(f"fit: {_quantiles(hosts)}")
    _shares(hosts, THRESHOLDS, match_strength)


def _shares(scores, thresholds, match_strength) -> None:
    labelled = [match_strength(s) for s in scores]
    for threshold, key in thresholds:
        share = labelled.count(key) / len(scores) if scores else 0
        print(f"{key:9s} (fit >= {threshold}): {share:.1%} of the suggestions")


if __name__ == "__main__":
    main()
