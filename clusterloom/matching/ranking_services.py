"""`learn-ranking`: the ranking's weights learned from this platform's own records.

The records that say who actually worked together and on what: CORDIS co-participation (each
project with a start date is a need, title + objective and the title alone, answered by its
participants in the directory). Validated by time as the shipped weights were: profiles are
built as they were before the needs (passages, activity and partners only from earlier
projects), the weights are learned on the earlier needs and checked on the later ones against
the weights in use, then learned again on all needs and written for the platform to use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.files import write_atomically

from .index import PartnerIndex, Profile, Weights
from .learning import Figures, Need, examples, learn_weights, measure
from .models import CordisProject
from .profiles import organisations_for_profiles, partners_all, profile_data, ranking_weights

#: Fewer needs than this teach nothing but noise: the weights in use stay.
MIN_NEEDS = 30
#: Share of the dated projects, the latest, used as needs (the rest build the profiles).
NEED_SHARE = 0.4
#: Signals CORDIS records can teach (they carry no taxonomy terms and no embeddings).
LEARNABLE = ("lexical", "passages", "best_passage", "network", "prior", "kind")


@dataclass
class LearnResult:
    """What `ranking_learn` found and wrote."""

    weights: Weights
    needs: int
    split: date
    check_split: date
    held_out_learned: Figures
    held_out_current: Figures
    path: Path


def _profiles(projects: set[str]) -> list[Profile]:
    """Every organisation as it was known with only `projects` among its CORDIS projects."""
    passages = {
        p.acronym: p.passage for p in CordisProject.objects.filter(acronym__in=list(projects))
    }
    partners = partners_all(projects)
    out = []
    for organisation in organisations_for_profiles().iterator(chunk_size=1000):
        data = profile_data(
            organisation, passages, partners.get(organisation.pk, ()), projects=projects
        )
        out.append(Profile(id=str(organisation.pk), **vars(data)))
    return out


def _needs(rows: list[CordisProject], members: dict[str, set[str]]) -> list[Need]:
    out = []
    for p in rows:
        answers = frozenset(members.get(p.acronym, ()))
        if answers:
            out.append(Need(id=f"{p.acronym}:full", text=p.passage, answers=answers))
            out.append(Need(id=f"{p.acronym}:title", text=p.title, answers=answers))
    return out


def ranking_learn(*, out: Path | None = None) -> LearnResult:
    """Learn the weights from the platform's CORDIS records and write them to `out` (default
    settings.MATCHING_RANKING_FILE); DomainError when there are too few records."""
    dated = list(CordisProject.objects.exclude(start_date=None).order_by("start_date", "acronym"))
    members: dict[str, set[str]] = {}
    for pk, acronyms in organisations_for_profiles().values_list("pk", "cordis_projects"):
        for a in acronyms or []:
            members.setdefault(a, set()).add(str(pk))
    dated = [p for p in dated if len(members.get(p.acronym, ())) >= 1]
    first_need = int(len(dated) * (1 - NEED_SHARE))
    if len(dated) - first_need < MIN_NEEDS:
        raise DomainError(
            _(
                "Not enough records to learn from: %(n)d CORDIS projects with a start date and "
                "a participant in the directory (at least %(min)d are needed, the latest "
                "%(share)d%% of them as needs). Import more with import-cordis; the weights "
                "in use stay."
            )
            % {"n": len(dated), "min": int(MIN_NEEDS / NEED_SHARE), "share": NEED_SHARE * 100}
        )
    split = dated[first_need].start_date
    before = {p.acronym for p in dated if p.start_date < split}
    later = [p for p in dated if p.start_date >= split]
    # a check inside the needs: learn on the earlier two thirds, measure on the last third
    check_at = later[len(later) * 2 // 3].start_date
    index = PartnerIndex(_profiles(before), weights=Weights())
    early = examples(index, _needs([p for p in later if p.start_date < check_at], members))
    check_index = PartnerIndex(
        _profiles(before | {p.acronym for p in later if p.start_date < check_at}),
        weights=Weights(),
    )
    late = examples(check_index, _needs([p for p in later if p.start_date >= check_at], members))
    current = ranking_weights() or Weights()
    trial, _fit = learn_weights(early, current, signals=LEARNABLE)
    held_out_learned = measure(late, trial.as_array())
    held_out_current = measure(late, current.as_array())
    weights, fit = learn_weights(early + late, current, signals=LEARNABLE)
    path = Path(out or settings.MATCHING_RANKING_FILE)
    payload = {
        "weights": weights.as_dict(),
        "weights_semantic": None,
        "learned_from": (
            f"this platform's CORDIS co-participation: profiles from {len(before)} projects "
            f"started before {split}, {len(early) + len(late)} needs from {len(later)} later "
            "projects (title + objective, and title)"
        ),
        "learned_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_figures": fit.as_dict(),
        "held_out_check": {
            "split": str(check_at),
            "learned": held_out_learned.as_dict(),
            "in_use_before": held_out_current.as_dict(),
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, (json.dumps(payload, indent=1) + "\n").encode("utf-8"))
    return LearnResult(
        weights, len(early) + len(late), split, check_at, held_out_learned, held_out_current, path
    )
