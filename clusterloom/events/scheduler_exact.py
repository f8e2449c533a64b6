"""CP-SAT steps of `scheduler.schedule` (pure module): proving the weight, closing idle gaps.

`solve`, for small events: the LP's model (scheduler_lp.model) with 0/1 variables and integer
weights, hinted with the local search's schedule; within its time it proves that schedule
optimal, finds a better one, or gives its bound, tighter than the LP's where odd cycles (three
people who all want to meet each other in one slot) leave the LP a fractional half each.
`close_gaps`: the scheduled meetings stay scheduled (so the weight stays); they may move to
other possible slots; the objective is, in this order, the breaks above the event's cap, the
breaks (each a literal at least "a meeting here" + "a meeting before the slot before" - "a
meeting in the slot before" - 1), and the idle slots (each a literal at least "a meeting before
in the session" + "a meeting after" - "a meeting here" - 1). Large events
go to it in neighbourhoods (`polish_gaps`), the other meetings fixed where they are.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from . import scheduler_lp
from .scheduler_search import bits
from .scheduler_time import deadline_of

_SEED = 20240101
_GAP_ALL = 80_000  # (meeting, slot) pairs up to which the gap model takes every meeting
_GAP_PAIRS = 30_000  # pairs in one neighbourhood of a larger event
_GAP_ROUND = 5.0  # seconds per neighbourhood
_GAP_MIN = 0.5  # seconds CP-SAT should have at least, once its model is built
_BUILD = 4e-5  # seconds to build the gap model, per (meeting, slot) pair
_PRESOLVE = 15_000  # pairs up to which CP-SAT presolves the gap model
_LOOK = 32  # meetings or participants added to the gap model between two looks at the clock
_LEAST = 0.2  # seconds CP-SAT must have, once its model is built, to be started at all


def solve(ev, slot_of, deadline, workers: int):
    """(slot per meeting or None when not better, upper bound in weight units or None), within
    `deadline` (a scheduler_time.Deadline or a time.monotonic() reading): CP-SAT is given the
    time left once its model is built, less a margin, or not started."""
    deadline = deadline_of(deadline)
    if deadline.passed():
        return None, None
    matrix, limit, _weights, (meeting, slot) = scheduler_lp.model(ev)
    n = len(meeting)
    model = cp_model.CpModel()
    proto = model.proto  # written straight into the proto: quicker than one call per term
    for _ in range(n):
        proto.variables.add().domain.extend([0, 1])
    matrix = matrix.tocsr()
    for r in range(matrix.shape[0]):
        row = matrix.indices[matrix.indptr[r] : matrix.indptr[r + 1]].tolist()
        if limit[r] == 1:
            proto.constraints.add().at_most_one.literals.extend(row)
        else:
            ct = proto.constraints.add().linear
            ct.vars.extend(row)
            ct.coeffs.extend([1] * len(row))
            ct.domain.extend([0, int(limit[r])])
    weights = [ev.weights[j] for j in meeting.tolist()]
    proto.objective.vars.extend(range(n))
    proto.objective.coeffs.extend(-w for w in weights)
    proto.objective.scaling_factor = -1.0  # CP-SAT minimises: maximise by negating
    hint = [int(slot_of[j] == s) for j, s in zip(meeting.tolist(), slot.tolist(), strict=True)]
    proto.solution_hint.vars.extend(range(n))
    proto.solution_hint.values.extend(hint)
    seconds = deadline.for_solver(least=_LEAST)
    if not seconds:
        return None, None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = _SEED
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    bound = solver.best_objective_bound / ev.scale
    values = solver.response_proto.solution
    if sum(w * v for w, v in zip(weights, values, strict=True)) <= sum(
        w * h for w, h in zip(weights, hint, strict=True)
    ):
        return None, bound
    better = [s if j in ev.locked else -1 for j, s in enumerate(slot_of)]
    for k, value in enumerate(values):
        if value:
            better[int(meeting[k])] = int(slot[k])
    return better, bound


def close_gaps(ev, slot_of, deadline, workers: int, free=None):
    """The same meetings in slots with fewer idle gaps, or None: CP-SAT from slot_of within
    `deadline` (a scheduler_time.Deadline or a time.monotonic() reading), moving only the
    meetings in `free` (all when None). Not started when too little time is left; CP-SAT is
    given what is left once its model is built, less a margin for its stop and its answer."""
    deadline = deadline_of(deadline)
    if deadline.passed(_GAP_MIN):
        return None
    model, hint = cp_model.CpModel(), {}

    def var(value: bool):
        v = model.new_bool_var("")
        hint[v] = int(value)
        return v

    free = {j for j, s in enumerate(slot_of) if s >= 0 and ev.options[j]} if free is None else free
    touched = {p for j in free for p in ev.parts[j]}
    busy, load, one = {}, [0] * len(ev.problem.slots), var(True)
    model.add(one == 1)
    for j, now in enumerate(slot_of):
        if now >= 0 and j not in free:
            load[now] += 1
            for g in ev.groups[j]:
                busy[g] = busy.get(g, 0) | 1 << now
    x, groups, loads, mine = {}, {}, {}, {p: {} for p in touched}
    # Building the model takes longer than _BUILD per pair on a busy machine (a B2B event's
    # model: 0.15 s quiet, 1.2-2.8 s on a starved process): give up rather than overrun.
    for j, now in enumerate(slot_of):
        if j % _LOOK == 0 and deadline.passed(_GAP_MIN):
            return None
        if now < 0 or j not in free:
            if now >= 0:
                for p in touched.intersection(ev.parts[j]):
                    mine[p].setdefault(now, []).append((one, True))
            continue
        mask = ev.options[j]
        for g in ev.groups[j]:
            mask &= ~busy.get(g, 0)
        slots = bits(mask | 1 << now)
        for s in slots:
            x[j, s] = var(s == now)
            for g in ev.groups[j]:
                groups.setdefault((g, s), []).append(x[j, s])
            loads.setdefault(s, []).append(x[j, s])
            for p in ev.parts[j]:
                mine[p].setdefault(s, []).append((x[j, s], s == now))
        model.add_exactly_one(x[j, s] for s in slots)
    for lits in groups.values():
        if len(lits) > 1:
            model.add_at_most_one(lits)
    for s, lits in loads.items():
        if len(lits) > ev.problem.tables - load[s]:
            model.add(sum(lits) <= ev.problem.tables - load[s])
    idle, breaks, over, cap = [], [], [], ev.problem.max_breaks
    for k, (p, by_slot) in enumerate(mine.items()):
        if k % _LOOK == 0 and deadline.passed(_GAP_MIN):
            return None
        mine_breaks = []
        for session in ev.sessions:
            gaps, waits = _session_gaps(model, var, by_slot, bits(session), ev.available[p])
            idle += gaps
            mine_breaks += waits
        breaks += mine_breaks
        if cap is not None and len(mine_breaks) > cap:
            now = max(0, sum(hint[b] for b in mine_breaks) - cap)
            excess = model.new_int_var(0, len(mine_breaks), "")
            hint[excess] = now
            model.add(excess >= sum(mine_breaks) - cap)
            over.append(excess)
    # Lexicographic: breaks above the cap, then breaks, then idle slots.
    per_break = len(idle) + 1
    per_over = per_break * (len(breaks) + 1)
    terms = [(v, 1) for v in idle] + [(v, per_break) for v in breaks]
    terms += [(v, per_over) for v in over]
    if not terms or not sum(hint[v] * w for v, w in terms):
        return None
    model.minimize(sum(v * w for v, w in terms))
    for v, value in hint.items():
        model.add_hint(v, value)
    seconds = deadline.for_solver(least=_LEAST)
    if not seconds:
        return None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = _SEED
    # Presolve pays on small models (46 -> 16 idle gaps in 8 s at 300 participants, 26
    # without) and eats the time of large ones (1,000: no gain, against 11 -> 9 without).
    solver.parameters.cp_model_presolve = len(x) <= _PRESOLVE
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if solver.objective_value >= sum(hint[v] * w for v, w in terms):
        return None
    values, out = solver.response_proto.solution, list(slot_of)
    for (j, s), v in x.items():
        if values[v.index]:
            out[j] = s
    return out


def _session_gaps(model, var, by_slot: dict, slots: list, available: int):
    """Idle-slot and break literals of one participant in one session (none if it cannot
    have two meetings there). A break ends in slot s when s is busy, the slot before it is
    not, and a meeting comes earlier still."""
    busy = {}
    for s in slots:
        lits = by_slot.get(s)
        if not lits:
            continue
        now = any(h for _v, h in lits)
        if len(lits) == 1:
            busy[s] = (lits[0][0], now)
        else:
            y = var(now)
            model.add(sum(v for v, _h in lits) == y)
            busy[s] = (y, now)
    if len(busy) < 2:
        return [], []
    before, after = {}, {}
    for order, seen in ((slots, before), (slots[::-1], after)):
        acc = None  # "a meeting in this session before (after) the slot", as (literal, hint)
        for s in order:
            if acc is not None:
                seen[s] = acc
            if s in busy:
                value = busy[s][1] or (acc is not None and acc[1])
                lit = var(value)
                model.add_implication(busy[s][0], lit)
                if acc is not None:
                    model.add_implication(acc[0], lit)
                acc = (lit, value)
    out = []
    for s in slots:
        if not (available >> s) & 1 or s not in before or s not in after:
            continue
        here = busy.get(s)
        gap = var(before[s][1] and after[s][1] and not (here and here[1]))
        if here is None:
            model.add(gap >= before[s][0] + after[s][0] - 1)
        else:
            model.add(gap >= before[s][0] + after[s][0] - here[0] - 1)
        out.append(gap)
    waits = []
    for prev, s in zip(slots, slots[1:], strict=False):
        if s not in busy or prev not in before:
            continue
        earlier, here, last = before[prev], busy[s], busy.get(prev)
        if last is None:
            brk = var(here[1] and earlier[1])
            model.add(brk >= here[0] + earlier[0] - 1)
        else:
            brk = var(here[1] and earlier[1] and not last[1])
            model.add(brk >= here[0] + earlier[0] - last[0] - 1)
        waits.append(brk)
    return out, waits


def gap_reserve(ev, time_limit: float) -> float:
    """Seconds to keep for the idle gaps: 15 % when CP-SAT has time in it, else 5 % (local)."""
    pairs = sum(mask.bit_count() for mask in ev.options)
    pairs = pairs if pairs <= _GAP_ALL else _GAP_PAIRS
    need = _GAP_MIN + pairs * _BUILD + 1.0
    return (0.15 if need <= 0.15 * time_limit else 0.05) * time_limit


def polish_gaps(search, deadline, workers: int, tell) -> None:
    """CP-SAT rounds on the breaks and idle gaps left before, until none or the deadline.

    Events up to _GAP_ALL (meeting, slot) pairs go to CP-SAT whole; larger ones in rounds of
    neighbourhoods: the meetings of the participants with gaps, then of their partners, up to
    _GAP_PAIRS pairs; three rounds without a gain in a row end it.
    """
    ev, failures, deadline = search.ev, 0, deadline_of(deadline)
    while failures < 3:
        st = search.state
        idle = [p for p, busy in enumerate(st.pbusy) if any(search.cost(p, busy))]
        if not idle:
            return
        scheduled = [j for j in search.open if st.slot[j] >= 0]
        pairs = sum(ev.options[j].bit_count() for j in scheduled)
        if pairs <= _GAP_ALL:
            free, until = None, deadline
        else:
            free, pairs = _neighbourhood(search, idle), _GAP_PAIRS
            until = deadline.within(_GAP_ROUND)
        if until.passed(_GAP_MIN + pairs * _BUILD):
            return
        before = search.total_cost()
        better = close_gaps(ev, st.slot, until, workers, free)
        if better is not None:
            search.load(better)
        after = search.total_cost()
        tell(
            f"closing breaks and idle slots with CP-SAT: {before[1]} -> {after[1]} breaks, "
            f"{before[2]} -> {after[2]} idle slots"
        )
        if free is None:
            return
        failures = 0 if after < before else failures + 1


def _neighbourhood(search, idle: list[int]) -> set[int]:
    """Meetings of the idle participants, then of their partners, up to _GAP_PAIRS pairs."""
    st, ev, rng = search.state, search.ev, search.rng
    people, free, size = list(idle), set(), 0
    rng.shuffle(people)
    partners = []
    for p in people:
        for j in search.by_part[p]:
            if st.slot[j] >= 0 and j not in free:
                free.add(j)
                size += ev.options[j].bit_count()
                partners += [q for q in ev.parts[j] if q != p]
        if size > _GAP_PAIRS:
            return free
    rng.shuffle(partners)
    for q in partners:
        for j in search.by_part[q]:
            if st.slot[j] >= 0 and j not in free:
                free.add(j)
                size += ev.options[j].bit_count()
        if size > _GAP_PAIRS:
            break
    return free
