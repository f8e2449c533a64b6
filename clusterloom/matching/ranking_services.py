"""`learn-ranking`: the ranking's weights learned from this platform's own records.

The records that say who actually worked together and on what: CORDIS co-participation (each
project with a start date is a need, title + objective and the title alone, answered by its
participants in the directory), partnership compositions (title and objectives, answered by the
partners), agreed B2B meetings (what the requester seeks, answered by the organisations they
met) and ClusterXchange exchanges done (the visitor's goals and what they seek, answered by the
hosts). Validated by time as the shipped weights were: profiles are built as they were before
the needs (passages, activity and partners only from earlier projects, and no partnerships),
the weights are learned on the earlier needs and checked on the later ones against the weights
in use, then learned again on all needs and written for the platform to use.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.files import write_atomically

from .index import (
    PartnerIndex,
    Profile,
    Weights,
    is_short,
    weights_file_in_use,
    weights_read,
)
from .learning import Figures, Need, examples, learn_weights, measure, objective
from .models import CordisProject
from .profiles import organisations_for_profiles, partners_all, profile_data, ranking_weights
from .text import stems

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
    split: date | None  # None: too few CORDIS projects to split; all are in the profiles
    check_split: date
    held_out_learned: Figures
    held_out_current: Figures
    path: Path
    sources: dict[str, int]  # needs per source: cordis, partnership, meeting, exchange


def _profiles(projects: set[str]) -> list[Profile]:
    """Every organisation as it was known with only `projects` among its CORDIS projects, and
    without its partnerships (partnership compositions are needs: their members would be given
    away by the co-membership and the activity a partnership adds)."""
    passages = {
        p.acronym: p.passage for p in CordisProject.objects.filter(acronym__in=list(projects))
    }
    partners = partners_all(projects, with_partnerships=False)
    out = []
    for organisation in organisations_for_profiles().iterator(chunk_size=1000):
        data = profile_data(
            organisation,
            passages,
            partners.get(organisation.pk, ()),
            projects=projects,
            with_partnerships=False,
        )
        out.append(Profile(id=str(organisation.pk), **vars(data)))
    return out


@dataclass(frozen=True)
class DatedNeed:
    """A need from the platform's records, with its date (for the time split) and source."""

    on: date
    source: str  # "cordis", "partnership", "meeting" or "exchange"
    need: Need
    project: str = ""  # a CORDIS need's project (known to the profiles of later checks)


def _text(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def cordis_needs(rows: list[CordisProject], members: dict[str, set[str]]) -> list[DatedNeed]:
    """Each CORDIS project in two forms (title + objective, the title alone), answered by its
    participants in the directory."""
    out = []
    for p in rows:
        answers = frozenset(members.get(p.acronym, ()))
        if answers:
            for form, text in (("full", p.passage), ("title", p.title)):
                need = Need(id=f"{p.acronym}:{form}", text=text, answers=answers)
                out.append(DatedNeed(p.start_date, "cordis", need, p.acronym))
    return out


def partnership_needs() -> list[DatedNeed]:
    """A partnership's title and objectives, answered by its partners: who came together for
    that purpose."""
    from clusterloom.partnerships.models import Partnership

    out = []
    for p in Partnership.objects.prefetch_related("members").order_by("pk"):
        answers = frozenset(str(m.organisation_id) for m in p.members.all())
        text = _text(p.title, p.objectives)
        if answers and text:
            on = p.start_date or p.created_at.date()
            out.append(DatedNeed(on, "partnership", Need(f"partnership:{p.pk}", text, answers)))
    return out


#: Meetings one side asked for and the other agreed to (or that were held).
AGREED_MEETINGS = ("accepted", "unscheduled", "scheduled")
#: Exchanges that took place: commitment signed, reported, validated or paid.
DONE_EXCHANGES = ("committed", "reported", "validated", "paid")


def meeting_needs() -> list[DatedNeed]:
    """What a B2B participant seeks (their requests, else their profile), answered by the
    organisations of those they asked to meet and who agreed."""
    from django.db.models import Q

    from clusterloom.events.models import Meeting

    agreed = (
        Meeting.objects.filter(Q(status__in=AGREED_MEETINGS) | Q(attendance="held"))
        .select_related("requester", "invitee")
        .prefetch_related("requester__items")
        .order_by("created_at", "pk")
    )
    by_requester: dict[int, tuple] = {}
    for m in agreed:
        if m.invitee.organisation_id == m.requester.organisation_id:
            continue
        requester = m.requester
        if requester.pk not in by_requester:
            seeks = [
                _text(i.title, i.description)
                for i in requester.items.all()
                if i.kind in ("request", "cooperation")
            ]
            text = _text(*seeks) or requester.profile.strip()
            by_requester[requester.pk] = (m.created_at.date(), text, set())
        by_requester[requester.pk][2].add(str(m.invitee.organisation_id))
    return [
        DatedNeed(on, "meeting", Need(f"meeting:{pk}", text, frozenset(answers)))
        for pk, (on, text, answers) in by_requester.items()
        if text
    ]


def exchange_needs() -> list[DatedNeed]:
    """A ClusterXchange visitor's goals and what they seek, answered by the organisations that
    hosted them."""
    from clusterloom.exchanges.models import Exchange

    done = (
        Exchange.objects.filter(status__in=DONE_EXCHANGES)
        .select_related("application", "offer")
        .order_by("created_at", "pk")
    )
    by_application: dict[int, tuple] = {}
    for e in done:
        application = e.application
        if application.pk not in by_application:
            text = _text(application.goals, application.seeks)
            by_application[application.pk] = (e.start or e.created_at.date(), text, set())
        by_application[application.pk][2].add(str(e.offer.organisation_id))
    return [
        DatedNeed(on, "exchange", Need(f"exchange:{pk}", text, frozenset(answers)))
        for pk, (on, text, answers) in by_application.items()
        if text
    ]


def _short_weights(early: list, late: list, force: bool) -> Weights:
    """The short needs' weights: learned on the earlier short needs and kept when they do at
    least as well on the later ones as the short needs' weights in use (or with `force`), then
    learned again on all of them; else those in use (also when there are fewer than
    `MIN_NEEDS` short needs)."""
    current = ranking_weights(short=True) or Weights()
    if len(early) + len(late) < MIN_NEEDS or not early or not late:
        return current
    trial, _fit = learn_weights(early, current, signals=LEARNABLE)
    if not force and objective(measure(late, trial.as_array())) < objective(
        measure(late, current.as_array())
    ):
        return current
    return learn_weights(early + late, current, signals=LEARNABLE)[0]


def _semantic_in_use() -> dict:
    """The semantic extra's weights of the ranking file in use (this platform's, else the
    shipped one), kept as they are: learning them needs every profile's embeddings, which this
    command does not compute (bench/matching_time_split.py --semantic learned the shipped
    ones). Written as null before, which sent an install with the extra back to a hand-set
    share of semantic similarity."""
    in_use = weights_file_in_use(settings.MATCHING_RANKING_FILE)
    kept = {}
    for short in (False, True):
        key = "weights_semantic" + ("_short" if short else "")
        try:
            found = weights_read(in_use, semantic=True, short=short)
        except ValueError:
            found = None
        kept[key] = found.as_dict() if found is not None else None
    return kept


def platform_needs() -> list[DatedNeed]:
    """The needs of partnership compositions, agreed meetings and exchanges done."""
    return partnership_needs() + meeting_needs() + exchange_needs()


def ranking_learn(*, out: Path | None = None, force: bool = False) -> LearnResult:
    """Learn the weights from who worked together on this platform and write them to `out`
    (default settings.MATCHING_RANKING_FILE); DomainError when there are too few records.

    Needs: CORDIS co-participation (when at least 75 dated projects are known, profiles are
    built from the earlier 60 % and the later ones are needs), partnership compositions, agreed
    meetings and exchanges done. Profiles never contain the needs' answers (CORDIS projects of
    the needs, partnerships). Learned on the earlier two thirds of the needs (by date), checked
    on the last third against the weights in use, then learned again on all of them. Weights
    that do worse than those in use on that last third (Recall@10 + MRR) are not written
    unless `force`: the platform keeps ranking as well as it did."""
    dated = list(CordisProject.objects.exclude(start_date=None).order_by("start_date", "acronym"))
    members: dict[str, set[str]] = {}
    for pk, acronyms in organisations_for_profiles().values_list("pk", "cordis_projects"):
        for a in acronyms or []:
            members.setdefault(a, set()).add(str(pk))
    dated = [p for p in dated if len(members.get(p.acronym, ())) >= 1]
    first_need = int(len(dated) * (1 - NEED_SHARE))
    if len(dated) - first_need >= MIN_NEEDS:
        split = dated[first_need].start_date
        before = {p.acronym for p in dated if p.start_date < split}
        needs = cordis_needs([p for p in dated if p.start_date >= split], members)
    else:  # too few to split: every project is part of the profiles, none is a need
        split = None
        before = set(CordisProject.objects.values_list("acronym", flat=True))
        needs = []
    needs += platform_needs()
    records = {n.need.id.rsplit(":", 1)[0] if n.source == "cordis" else n.need.id for n in needs}
    if len(records) < MIN_NEEDS:
        counts = Counter(n.source for n in needs if n.source != "cordis")
        raise DomainError(
            _(
                "Not enough records to learn from: %(cordis)d CORDIS projects with a start date "
                "and a participant in the directory (75 are needed before any is a need), "
                "%(partnerships)d partnerships, %(meetings)d participants with agreed meetings, "
                "%(exchanges)d visitors with exchanges done; at least %(min)d needs are needed. "
                "The weights in use stay."
            )
            % {
                "cordis": len(dated),
                "partnerships": counts["partnership"],
                "meetings": counts["meeting"],
                "exchanges": counts["exchange"],
                "min": MIN_NEEDS,
            }
        )
    needs.sort(key=lambda n: (n.on, n.need.id))
    # a check inside the needs: learn on the earlier two thirds, measure on the last third
    cut = len(needs) * 2 // 3
    check_at = needs[cut].on
    earlier, later = needs[:cut], needs[cut:]
    index = PartnerIndex(_profiles(before), weights=Weights())
    # the long needs' weights learn from every need read as a long one; the short needs'
    # from the short ones (titles) read as the product reads them (index.is_short)
    early = examples(index, [n.need for n in earlier], short=False)
    early_short = examples(index, [n.need for n in earlier if is_short(stems(n.need.text))])
    check_index = PartnerIndex(
        _profiles(before | {n.project for n in earlier if n.project}), weights=Weights()
    )
    late = examples(check_index, [n.need for n in later], short=False)
    late_short = examples(check_index, [n.need for n in later if is_short(stems(n.need.text))])
    if not early or not late:
        raise DomainError(
            _(
                "None of the needs' answers is in the directory's profiles yet: nothing to "
                "learn from. The weights in use stay."
            )
        )
    current = ranking_weights() or Weights()
    trial, _fit = learn_weights(early, current, signals=LEARNABLE)
    held_out_learned = measure(late, trial.as_array())
    held_out_current = measure(late, current.as_array())
    if not force and objective(held_out_learned) < objective(held_out_current):
        raise DomainError(
            _(
                "The learned weights do worse on the latest needs (Recall@10 %(learned_r).3f, "
                "MRR %(learned_m).3f) than the weights in use (Recall@10 %(current_r).3f, "
                "MRR %(current_m).3f): the weights in use stay (--force writes them anyway)."
            )
            % {
                "learned_r": held_out_learned.recall_10,
                "learned_m": held_out_learned.mrr,
                "current_r": held_out_current.recall_10,
                "current_m": held_out_current.mrr,
            }
        )
    weights, fit = learn_weights(early + late, current, signals=LEARNABLE)
    short = _short_weights(early_short, late_short, force)
    sources = Counter(n.source for n in needs)
    path = Path(out or settings.MATCHING_RANKING_FILE)
    payload = {
        "weights": weights.as_dict(),
        **_semantic_in_use(),
        "weights_short": short.as_dict(),
        "learned_from": (
            "this platform's records: "
            + (
                f"profiles from {len(before)} CORDIS projects started before {split}, "
                if split
                else f"profiles with all {len(before)} CORDIS projects, "
            )
            + f"{len(early) + len(late)} needs ("
            + ", ".join(f"{source} {n}" for source, n in sorted(sources.items()))
            + "; CORDIS projects as title + objective and as title)"
        ),
        "sources": dict(sources),
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
        weights,
        len(early) + len(late),
        split,
        check_at,
        held_out_learned,
        held_out_current,
        path,
        dict(sources),
    )
