"""ClusterXchange allocation of a whole call: which visitor goes to which host (pure module).

Rules of every result: only pairs in `fit`; a visitor, and a visiting organisation, at most
once; a host at most `capacity` visitors; visitor and host in different countries and
organisations; at most `targets.exchanges` pairs. Objective, lexicographic: first cover the SME
and non-member minimums as far as the applicants allow (maximise min(SME, SME minimum) +
min(non-member, non-member minimum)), then the total fit.

How: scores become integer weights (times the largest power of ten that keeps the best score
at or below 10**6, rounded: scores in [0, 1] are exact to 6 decimals); W * coverage + weight,
W above any reachable total weight, ranks allocations lexicographically. Pairs that can never
be assigned are pruned. The LP relaxation (HiGHS, at most 70 % of `time_limit`) bounds, by weak
duality on its duals, every allocation and every allocation using a given pair; its solution
rounded greedily, or a minimums-first greedy allocation, is the hint. When the bound proves
the hint optimal (the LP is often integral here), that is the answer; otherwise CP-SAT solves
the model over the pairs whose bound can still beat the hint, from the hint, in the time left.
`bound` is the lower of the two bounds minus W times the coverage found, in score units. With
workers > 1 CP-SAT may return another allocation of the same value; workers=1 repeats exactly.
Fixed pairs stay in every result (one without a fit score counts as 0, with a message); fixed
pairs that break a rule themselves give status "infeasible", no assignments and a message
naming each offending pair.
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.sat.python import cp_model
from scipy.optimize import linprog

KEYS = ("exchanges", "exchanges_sme", "exchanges_non_member")
_RESOLUTION = 10**6
_LP_SHARE = 0.7
_SEED = 20240101


@dataclass(frozen=True)
class Host:
    """One hosting offer of the call."""

    id: str
    organisation: str
    country: str
    capacity: int


@dataclass(frozen=True)
class Visitor:
    """One visitor application of the call."""

    id: str
    organisation: str
    country: str
    sme: bool
    member: bool


@dataclass(frozen=True)
class Fit:
    """How well a visitor and a host suit each other (>= 0, higher is better)."""

    visitor: str
    host: str
    score: float


@dataclass(frozen=True)
class Targets:
    """The call's exchanges (a maximum) and its SME and non-member minimums."""

    exchanges: int
    exchanges_sme: int = 0
    exchanges_non_member: int = 0


@dataclass
class Allocation:
    """Result of an allocation: the pairs, what they reach against the targets, how good."""

    assignments: list[tuple[str, str]]
    totals: dict[str, int]
    shortfall: dict[str, int]
    score: float
    bound: float
    status: str
    gap: float
    messages: list[str]


class AllocationInputError(ValueError):
    """Input that cannot be allocated; the message names the field or item."""


@dataclass(frozen=True)
class _Call:
    """A checked call: items by id, score by pair, fixed pairs, pairs left to decide."""

    hosts: dict[str, Host]
    visitors: dict[str, Visitor]
    scores: dict[tuple[str, str], float]
    targets: Targets
    fixed: tuple[tuple[str, str], ...]
    open_pairs: tuple[tuple[str, str], ...] = ()
    notes: tuple[str, ...] = ()

    def room(self) -> dict:
        """Places left per host after the fixed pairs."""
        taken = Counter(h for _v, h in self.fixed)
        return {h: host.capacity - taken[h] for h, host in self.hosts.items()}


def _fail(message: str):
    raise AllocationInputError(message)


def _count(where: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(f"{where}: must be an integer >= 0, not {value!r}")


def _items(name: str, items, kind, counts=(), flags=()) -> dict:
    by_id, first = {}, {}
    for i, item in enumerate(items):
        where = f"{name}[{i}]"
        if not isinstance(item, kind):
            _fail(f"{where}: must be a {kind.__name__}, not {type(item).__name__}")
        for field in ("id", "organisation"):
            value = getattr(item, field)
            if not isinstance(value, str) or not value.strip():
                _fail(f"{where}.{field}: must be a non-empty string, not {value!r}")
        if item.id in by_id:
            _fail(f"{where}.id: {item.id!r} appears twice (also {name}[{first[item.id]}])")
        c = item.country
        if not (isinstance(c, str) and len(c) == 2 and c.isascii() and c.isalpha()):
            _fail(f"{where}.country: must be a two-letter country code, not {c!r}")
        for field in counts:
            _count(f"{where}.{field}", getattr(item, field))
        for field in (f for f in flags if not isinstance(getattr(item, f), bool)):
            _fail(f"{where}.{field}: must be true or false, not {getattr(item, field)!r}")
        by_id[item.id], first[item.id] = item, i
    return by_id


def _pair(where: str, pair, visitors: dict, hosts: dict) -> tuple[str, str]:
    for field, value, known in zip(("visitor", "host"), pair, (visitors, hosts), strict=True):
        if value not in known:
            _fail(f"{where}.{field}: unknown {field} {value!r}")
    return tuple(pair)


def _same(visitor: Visitor, host: Host) -> str:
    if visitor.country.upper() == host.country.upper():
        return "country"
    return "organisation" if visitor.organisation == host.organisation else ""


def _check(hosts, visitors, fit, targets, fixed) -> _Call:
    """The call checked and pruned, or AllocationInputError naming the first bad item."""
    hosts = _items("hosts", hosts, Host, counts=["capacity"])
    visitors = _items("visitors", visitors, Visitor, flags=["sme", "member"])
    if not isinstance(targets, Targets):
        _fail(f"targets: must be a Targets, not {type(targets).__name__}")
    for key in KEYS:
        _count(f"targets.{key}", getattr(targets, key))
    scores, first = {}, {}
    for i, f in enumerate(fit):
        if not isinstance(f, Fit):
            _fail(f"fit[{i}]: must be a Fit, not {type(f).__name__}")
        pair = _pair(f"fit[{i}]", (f.visitor, f.host), visitors, hosts)
        s = f.score
        if isinstance(s, bool) or not isinstance(s, int | float) or not 0 <= s < math.inf:
            _fail(f"fit[{i}].score: must be a finite number >= 0, not {s!r}")
        if pair in scores:
            _fail(f"fit[{i}]: pair {pair} appears twice (also fit[{first[pair]}])")
        scores[pair], first[pair] = float(s), i
    pairs, notes = {}, []
    for i, pair in enumerate(fixed):
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            _fail(f"fixed[{i}]: must be a (visitor id, host id) pair, not {pair!r}")
        pair = _pair(f"fixed[{i}]", pair, visitors, hosts)
        if pair in pairs:
            _fail(f"fixed[{i}]: pair {pair} appears twice (also fixed[{pairs[pair]}])")
        pairs[pair] = i
        if pair not in scores:
            notes.append(f"fixed[{i}] ({pair[0]}, {pair[1]}) has no fit score: counted as 0")
            scores[pair] = 0.0
    room = _Call(hosts, visitors, scores, targets, tuple(pairs)).room()
    used = {visitors[v].organisation for v, _h in pairs}
    dropped, open_pairs = Counter(), []
    for v, h in sorted(scores):
        why = _same(visitors[v], hosts[h])
        if why:
            dropped[why] += 1
        elif (v, h) not in pairs and room[h] > 0 and visitors[v].organisation not in used:
            open_pairs.append((v, h))
    notes[:0] = [
        f"{n} fit pairs left out: visitor and host in the same {w}" for w, n in dropped.items()
    ]
    return _Call(hosts, visitors, scores, targets, tuple(pairs), tuple(open_pairs), tuple(notes))


def _fixed_problems(call: _Call) -> list[str]:
    """Rules the fixed pairs break by themselves, one message per offending pair."""
    problems, by_visitor, by_org, load = [], {}, {}, Counter()
    for i, (v, h) in enumerate(call.fixed):
        where, visitor, host = f"fixed[{i}] ({v}, {h})", call.visitors[v], call.hosts[h]
        org, why = visitor.organisation, _same(visitor, host)
        if why:
            problems.append(f"{where}: visitor and host in the same {why}")
        if v in by_visitor:
            problems.append(f"{where}: visitor {v} is already placed by fixed[{by_visitor[v]}]")
        elif org in by_org:
            problems.append(
                f"{where}: organisation {org} already takes part by fixed[{by_org[org]}]"
            )
        by_visitor.setdefault(v, i)
        by_org.setdefault(org, i)
        load[h] += 1
        if load[h] == host.capacity + 1:
            problems.append(f"{where}: host {h} takes at most {host.capacity} visitors")
        if i == call.targets.exchanges:
            problems.append(f"{where}: more fixed pairs than the {i} exchanges of the target")
    return problems


def _fit_ceiling(call: _Call, weight) -> float:
    """Fit no allocation can beat: the best open pair of each organisation, the best of those."""
    best = defaultdict(int)
    for v, h in call.open_pairs:
        org = call.visitors[v].organisation
        best[org] = max(best[org], weight((v, h)))
    room = max(0, call.targets.exchanges - len(call.fixed))
    return sum(sorted(best.values(), reverse=True)[:room])


def _explain(call: _Call, totals: dict, proven: bool) -> list[str]:
    """Plain reasons for each target not reached."""
    t, out = call.targets, []
    possible = {call.visitors[v] for v, _h in call.open_pairs + call.fixed}
    for key, label in (("exchanges_sme", "SME"), ("exchanges_non_member", "non-member")):
        target, got = getattr(t, key), totals[key]
        n = len({v.organisation for v in possible if (v.sme if label == "SME" else not v.member)})
        if got >= target:
            continue
        if n < target:
            why = f"{n} {label} applicants only: {label} minimum {target} cannot be reached"
        elif target > t.exchanges:
            why = f"{label} minimum {target} is above the exchanges target {t.exchanges}"
        elif proven:
            why = (
                f"{label} minimum {target}: {got} reached, the most that host places, the "
                f"exchanges target and the other minimum allow"
            )
        else:
            why = f"{label} minimum {target}: {got} reached; more may be possible"
        out.append(why)
    if totals["exchanges"] < t.exchanges:
        places = sum(h.capacity for h in call.hosts.values())
        orgs = len({v.organisation for v in possible})
        out.append(
            f"exchanges target {t.exchanges}: {totals['exchanges']} assigned ({orgs} visiting "
            f"organisations have a possible host; the hosts offer {places} places)"
        )
    return out


def _result(call: _Call, pairs, status: str, bound: float, proven: bool, notes=()) -> Allocation:
    pairs = sorted(pairs)
    visitors = [call.visitors[v] for v, _h in pairs]
    totals = {
        "exchanges": len(pairs),
        "exchanges_sme": sum(v.sme for v in visitors),
        "exchanges_non_member": sum(not v.member for v in visitors),
    }
    shortfall = {k: max(0, getattr(call.targets, k) - totals[k]) for k in KEYS}
    score = math.fsum(call.scores[p] for p in pairs)
    bound = score if status == "optimal" else max(score, bound)
    gap = (bound - score) / bound if bound > 0 else 0.0
    messages = [*call.notes, *_explain(call, totals, proven), *notes]
    return Allocation(pairs, totals, shortfall, score, bound, status, gap, messages)


def _infeasible(call: _Call, problems: list[str]) -> Allocation:
    short = {k: getattr(call.targets, k) for k in KEYS}
    return Allocation([], dict.fromkeys(KEYS, 0), short, 0.0, 0.0, "infeasible", 0.0, problems)


def _greedy(call: _Call, order, minimums_first: bool = False) -> list[tuple[str, str]]:
    """Fixed pairs, then the pairs of `order` that keep every rule (minimums' applicants first)."""
    chosen, room = list(call.fixed), call.room()
    orgs = {call.visitors[v].organisation for v, _h in chosen}
    sme = call.targets.exchanges_sme - sum(call.visitors[v].sme for v, _h in chosen)
    non = call.targets.exchanges_non_member - sum(not call.visitors[v].member for v, _h in chosen)
    for first in (True, False) if minimums_first else (False,):
        for v, h in order:
            visitor = call.visitors[v]
            if len(chosen) >= call.targets.exchanges:
                break
            if visitor.organisation in orgs or room[h] <= 0:
                continue
            if first and not ((visitor.sme and sme > 0) or (not visitor.member and non > 0)):
                continue
            chosen.append((v, h))
            orgs.add(visitor.organisation)
            room[h] -= 1
            sme, non = sme - visitor.sme, non - (not visitor.member)
    return chosen


def allocate_greedy(hosts, visitors, fit, targets, *, fixed=()) -> Allocation:
    """Baseline: fixed pairs, then fit pairs by descending score when they keep every rule."""
    call = _check(hosts, visitors, fit, targets, fixed)
    problems = _fixed_problems(call)
    if problems:
        return _infeasible(call, problems)
    bound = math.fsum(call.scores[p] for p in call.fixed) + _fit_ceiling(call, call.scores.get)
    chosen = _greedy(call, sorted(call.open_pairs, key=lambda p: (-call.scores[p], p)))
    status = "optimal" if math.fsum(call.scores[p] for p in chosen) >= bound else "feasible"
    return _result(call, chosen, status, bound, proven=False)


@dataclass(frozen=True)
class _Open:
    """The open pairs as arrays: organisation and host rows, minimums counted, weights."""

    pairs: tuple[tuple[str, str], ...]
    org: np.ndarray
    host: np.ndarray
    counts: np.ndarray  # 2 x pairs: counts toward the SME and the non-member minimum
    weight: np.ndarray
    room: np.ndarray  # places left per host row
    base: np.ndarray  # fixed pairs counting toward each minimum
    minimums: np.ndarray
    left: int  # exchanges left after the fixed pairs
    big: int  # W: one unit of coverage outweighs any total weight

    def value(self, chosen: np.ndarray) -> int:
        """Objective of the open pairs `chosen` (0/1 each), with the fixed pairs."""
        cover = np.minimum(self.minimums, self.base + self.counts @ chosen)
        return self.big * int(cover.sum()) + int(self.weight @ chosen)


def _open(call: _Call, scale: float) -> _Open:
    pairs, orgs, hosts, room, t = call.open_pairs, {}, {}, call.room(), call.targets
    weights = {p: round(call.scores[p] * scale) for p in pairs}
    host = [hosts.setdefault(h, len(hosts)) for _v, h in pairs]

    def counts(pairs) -> np.ndarray:
        visitors = [call.visitors[v] for v, _h in pairs]
        return np.array([[v.sme for v in visitors], [not v.member for v in visitors]], np.int64)

    return _Open(
        pairs,
        np.array([orgs.setdefault(call.visitors[v].organisation, len(orgs)) for v, _h in pairs]),
        np.array(host, dtype=np.int64),
        counts(pairs).reshape(2, len(pairs)),
        np.array([weights[p] for p in pairs], dtype=np.int64),
        np.array([room[h] for h in hosts], dtype=np.int64),
        counts(call.fixed).reshape(2, -1).sum(axis=1),
        np.array([t.exchanges_sme, t.exchanges_non_member]),
        t.exchanges - len(call.fixed),
        int(_fit_ceiling(call, weights.get)) + 1,
    )


def _relaxation(o: _Open, seconds: float):
    """LP relaxation (HiGHS): (solution, bound of allocations using each pair, bound) or None.

    The bounds are weak duality on the LP duals y >= 0: valid for any such y, so they hold
    whatever the LP's tolerances.
    """
    n, n_org, n_host = len(o.pairs), int(o.org.max()) + 1, len(o.room)
    total, cover, i = n_org + n_host, n_org + n_host + np.array([1, 2]), np.arange(n)
    rows = [o.org, n_org + o.host, np.full(n, total), np.full(n, cover[0]), np.full(n, cover[1])]
    values = [np.ones(3 * n), -o.counts[0], -o.counts[1], [1, 1]]
    matrix = sp.csr_matrix(
        (np.concatenate(values), (np.concatenate([*rows, cover]), np.r_[np.tile(i, 5), n, n + 1])),
        shape=(total + 3, n + 2),
    )
    limits = np.r_[np.ones(n_org), o.room, o.left, o.base]
    unit = max(1, int(o.weight.max()))  # costs near 1 suit HiGHS's tolerances
    cost = np.r_[o.weight, o.big, o.big] / unit
    ranges = [(0, 1)] * n + [(0, m) for m in o.minimums]
    lp = linprog(
        -cost, matrix, limits, bounds=ranges, method="highs-ipm", options={"time_limit": seconds}
    )
    if lp.status != 0:
        return None
    y = np.maximum(0.0, -lp.ineqlin.marginals)
    reduced = cost[:n] - y[o.org] - y[n_org + o.host] - y[total] + y[cover] @ o.counts
    free = o.minimums * np.maximum(0.0, cost[n:] - y[cover])  # the coverage columns
    bound = math.fsum([*(limits * y), *np.maximum(reduced, 0), *free])
    return lp.x[:n], (bound + np.minimum(reduced, 0)) * unit, bound * unit


def _linear(proto, indices, coeffs, low: int, high: int) -> None:
    ct = proto.constraints.add().linear
    ct.vars.extend(indices)
    ct.coeffs.extend(coeffs)
    ct.domain.extend([low, high])


def _cp_sat(o: _Open, keep: np.ndarray, hint: np.ndarray, seconds: float, workers: int):
    """CP-SAT over the pairs `keep` (indices): (0/1 per open pair or None, objective bound)."""
    model, n = cp_model.CpModel(), len(keep)
    proto = model.proto  # written straight into the proto: 40,000 pairs in a tenth of a second
    for high in [1] * n + o.minimums.tolist():
        proto.variables.add().domain.extend([0, high])
    for rows, room in ((o.org[keep], None), (o.host[keep], o.room)):
        groups = defaultdict(list)
        for j, row in enumerate(rows.tolist()):
            groups[row].append(j)
        for row, lits in groups.items():
            if room is None and len(lits) > 1:
                proto.constraints.add().at_most_one.literals.extend(lits)
            elif room is not None and len(lits) > room[row]:
                _linear(proto, lits, [1] * len(lits), 0, int(room[row]))
    if n > o.left:
        _linear(proto, range(n), [1] * n, 0, o.left)
    for k in (0, 1):  # coverage of each minimum <= the applicants that count
        lits = np.flatnonzero(o.counts[k, keep]).tolist()
        _linear(proto, [n + k, *lits], [1] + [-1] * len(lits), -n, int(o.base[k]))
    weight = o.weight[keep].tolist()
    proto.objective.vars.extend([n, n + 1, *(j for j in range(n) if weight[j])])
    proto.objective.coeffs.extend([-o.big, -o.big, *(-w for w in weight if w)])
    proto.objective.scaling_factor = -1.0  # CP-SAT minimises: maximise by negating
    cover = np.minimum(o.minimums, o.base + o.counts @ hint)
    proto.solution_hint.vars.extend(range(n + 2))
    proto.solution_hint.values.extend([*hint[keep].tolist(), *cover.tolist()])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = _SEED
    solver.parameters.cp_model_presolve = False  # its rewrite slowed the search 10x and more
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, math.inf
    values = np.zeros(len(o.pairs), dtype=np.int64)
    values[keep] = np.array(solver.response_proto.solution, dtype=np.int64)[:n]
    return values, solver.best_objective_bound


def allocate(
    hosts, visitors, fit, targets, *, fixed=(), time_limit: float = 10.0, workers: int = 2
) -> Allocation:
    """Best allocation of a call: the minimums first, then the total fit (LP, then CP-SAT)."""
    started = time.monotonic()
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or time_limit <= 0:
        _fail(f"time_limit: must be a number of seconds > 0, not {time_limit!r}")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        _fail(f"workers: must be an integer >= 1, not {workers!r}")
    call = _check(hosts, visitors, fit, targets, fixed)
    problems = _fixed_problems(call)
    if problems:
        return _infeasible(call, problems)
    fixed_score = math.fsum(call.scores[p] for p in call.fixed)
    if not call.open_pairs:
        return _result(call, call.fixed, "optimal", fixed_score, proven=True)
    best = max(call.scores[p] for p in call.open_pairs)
    scale = 10.0 ** math.floor(math.log10(_RESOLUTION / best)) if best > 0 else 1.0
    o = _open(call, scale)
    index = {p: j for j, p in enumerate(o.pairs)}

    def as_array(pairs) -> np.ndarray:  # 0/1 per open pair
        return np.bincount([index[p] for p in pairs if p in index], minlength=len(o.pairs))

    by_score = sorted(call.open_pairs, key=lambda p: (-call.scores[p], p))
    hint = as_array(_greedy(call, by_score, minimums_first=True))
    keep, ceiling, dropped = np.ones(len(o.pairs), dtype=bool), math.inf, -math.inf
    relaxation = _relaxation(o, _LP_SHARE * time_limit)
    if relaxation is not None:
        x, with_pair, ceiling = relaxation
        order = [o.pairs[j] for j in np.lexsort((-o.weight, -np.round(x, 6)))]
        for first in (False, True):
            rounded = as_array(_greedy(call, order, first))
            hint = rounded if o.value(rounded) > o.value(hint) else hint
        # Pairs with which no allocation beats the hint are left out of CP-SAT's model.
        keep = (with_pair >= o.value(hint) - 1 - 1e-9 * abs(ceiling)) | (hint == 1)
        dropped = float(with_pair[~keep].max(initial=-math.inf))
    chosen, objective = hint, o.value(hint)
    # Weights are integers: a bound below objective + 1 proves the hint optimal.
    if ceiling >= objective + 0.5:
        seconds = time_limit - (time.monotonic() - started)
        values, cp_bound = _cp_sat(o, np.flatnonzero(keep), hint, seconds, workers)
        if values is not None and o.value(values) > objective:
            chosen, objective = values, o.value(values)
        ceiling = min(ceiling, max(cp_bound, dropped, objective))
    cover, optimal = objective // o.big, ceiling < objective + 0.5
    fit_bound = fixed_score + min(ceiling - o.big * cover, o.big - 1) / scale
    notes = [] if optimal else [f"time limit of {time_limit:g} s reached"]
    pairs = [*call.fixed, *(o.pairs[j] for j in np.flatnonzero(chosen))]
    state = "optimal" if optimal else "feasible"
    return _result(call, pairs, state, fit_bound, ceiling < o.big * (cover + 1), notes)
