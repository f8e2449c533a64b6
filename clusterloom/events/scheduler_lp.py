"""Bounds for `scheduler` (pure module): the LP relaxation of the slot assignment, and a quick
combinatorial bound for when there is no time for it.

The LP has a variable x[m, s] in [0, 1] per open meeting and possible slot, and rows: each
meeting at most once; each group (a participant, or an exhibitors' table) at most once per
slot; each slot at most its free tables; each capped participant at most their meetings left.
It is solved by PDLP (OR-Tools' first-order LP solver), which on these models reaches 1e-5 in a
second where simplex and interior-point codes (GLOP, HiGHS) took 5 to 15 s. Whatever the
solver's accuracy, the bound is weak duality on its duals y >= 0 (sum of row limits times y plus
each column's positive reduced cost): valid for any y, so an early stop only loosens it. When
every weight is a multiple of 10**-k the bound is rounded down to that multiple.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from ortools.pdlp import solve_log_pb2, solvers_pb2
from ortools.pdlp.python import pdlp


@dataclass(frozen=True)
class Relaxation:
    """LP bound on the open meetings' weight and the LP's value per (meeting, slot) column."""

    bound: float
    values: tuple  # (meeting rows, slot indices, x), three arrays of the columns
    finished: bool = True  # False: stopped at its time limit, the bound is looser


def _columns(ev):
    meeting, slot = [], []
    for j, mask in enumerate(ev.options):
        while mask:
            low = mask & -mask
            meeting.append(j)
            slot.append(low.bit_length() - 1)
            mask ^= low
    return np.array(meeting, dtype=np.int64), np.array(slot, dtype=np.int64)


def _left(ev):
    """Free tables per slot and meetings left per capped participant, after the locked ones."""
    n_slots = len(ev.problem.slots)
    tables = np.full(n_slots, ev.problem.tables, dtype=np.int64)
    done = np.zeros(len(ev.caps), dtype=np.int64)
    for j, (s, _t) in ev.locked.items():
        tables[s] -= 1
        for p in ev.parts[j]:
            done[p] += 1
    caps = np.array([-1 if c is None else c for c in ev.caps], dtype=np.int64)
    return tables, np.where(caps < 0, -1, np.maximum(0, caps - done))


def model(ev):
    """(matrix, row limits, weights, columns) of the LP; rows that can never bind left out."""
    meeting, slot = _columns(ev)
    n, n_slots = len(meeting), len(ev.problem.slots)
    cols = np.arange(n)
    first = np.array([ev.groups[j][0] for j in meeting.tolist()], dtype=np.int64)
    second = np.array([ev.groups[j][-1] for j in meeting.tolist()], dtype=np.int64)
    a = np.array([ev.parts[j][0] for j in meeting.tolist()], dtype=np.int64)
    b = np.array([ev.parts[j][1] for j in meeting.tolist()], dtype=np.int64)
    tables, caps = _left(ev)
    blocks, limits, offset = [], [], 0

    def add(rows, columns, n_rows, limit):
        nonlocal offset
        blocks.append((rows + offset, columns))
        limits.append(np.broadcast_to(limit, n_rows).astype(float))
        offset += n_rows

    add(meeting, cols, len(ev.options), 1.0)
    two = second != first
    group_rows = np.concatenate([first * n_slots + slot, second[two] * n_slots + slot[two]])
    add(group_rows, np.concatenate([cols, cols[two]]), ev.n_groups * n_slots, 1.0)
    add(slot, cols, n_slots, tables)
    ends = [(a, (caps >= 0)[a]), (b, (caps >= 0)[b])]
    add(
        np.concatenate([p[m] for p, m in ends]),
        np.concatenate([cols[m] for _p, m in ends]),
        len(ev.caps),
        np.where(caps >= 0, caps, n).astype(float),
    )
    rows = np.concatenate([r for r, _c in blocks])
    columns = np.concatenate([c for _r, c in blocks])
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(offset, n))
    limit = np.concatenate(limits)
    # A row can bind only if its columns could add up to more than its limit.
    keep = np.asarray(matrix.sum(axis=1)).ravel() > limit
    weights = np.array([ev.weights[j] for j in meeting.tolist()], dtype=float) / ev.scale
    return matrix[keep], limit[keep], weights, (meeting, slot)


def _dual_bound(matrix, limit, weights, y) -> float:
    """Weak duality: for any y >= 0 no 0..1 solution of the rows weighs more than this."""
    y = np.maximum(0.0, np.nan_to_num(y, nan=0.0, posinf=0.0, neginf=0.0))
    reduced = weights - matrix.T @ y
    return math.fsum([*(limit * y), *np.maximum(reduced, 0.0)])


def weight_scale(weights) -> tuple[int, bool]:
    """10**k making every weight an integer (exact), else one that keeps 9 digits."""
    for k in range(7):
        if all(abs(w * 10**k - round(w * 10**k)) <= 1e-9 * max(1.0, w * 10**k) for w in weights):
            return 10**k, True
    return 10 ** max(0, 9 - math.ceil(math.log10(max(weights)))), False


def round_down(ev, bound: float) -> float:
    """The bound rounded down to the weights' precision when they have one."""
    if not ev.exact:
        return bound
    return math.floor(bound * ev.scale + 1e-6) / ev.scale


def relaxation(
    ev,
    *,
    time_limit: float,
    workers: int = 2,
    tolerance: float = 1e-5,
    iteration_limit: int | None = None,
    deadline=None,
):
    """The LP bound and solution (PDLP, within `time_limit` and, if given, `iteration_limit`
    iterations and `deadline`, a scheduler_time.Deadline: PDLP then has the least of the two
    once its model is built, less the deadline's margin), or None if it gave nothing."""
    matrix, limit, weights, columns = model(ev)
    if not len(weights):
        return Relaxation(0.0, (*columns, np.zeros(0)))
    if not matrix.shape[0]:  # nothing binds: every meeting in some slot
        return Relaxation(round_down(ev, _open_weight(ev)), (*columns, np.ones(len(weights))))
    if deadline is not None:
        time_limit = min(time_limit, deadline.for_solver())
        if not time_limit:
            return None
    n, m = len(weights), len(limit)
    lp = pdlp.QuadraticProgram()
    lp.resize_and_initialize(n, m)
    lp.objective_vector = -weights  # PDLP minimises
    lp.variable_lower_bounds, lp.variable_upper_bounds = np.zeros(n), np.ones(n)
    lp.constraint_lower_bounds, lp.constraint_upper_bounds = np.full(m, -np.inf), limit
    lp.constraint_matrix = matrix.tocsc()
    params = solvers_pb2.PrimalDualHybridGradientParams()
    # A second thread pays off from about half a million nonzeros (1.7x at 5,000 participants);
    # below that it slows PDLP down, and on tiny models PDLP warns about it.
    params.num_threads = max(1, workers) if matrix.nnz >= 500_000 else 1
    stop = params.termination_criteria
    stop.time_sec_limit = max(0.05, time_limit)
    if iteration_limit is not None:
        stop.iteration_limit = iteration_limit
    stop.simple_optimality_criteria.eps_optimal_relative = tolerance
    stop.simple_optimality_criteria.eps_optimal_absolute = tolerance
    # On its time limit PDLP still returns its last iterate: its duals give a looser bound.
    solved = pdlp.primal_dual_hybrid_gradient(lp, params)
    y = np.asarray(solved.dual_solution, dtype=float)
    x = np.asarray(solved.primal_solution, dtype=float)
    if len(y) != m or len(x) != n:
        return None
    # The sign convention of the duals is the solver's: both signs give valid bounds, the
    # lower one is the one that matters.
    bound = min(_dual_bound(matrix, limit, weights, y), _dual_bound(matrix, limit, weights, -y))
    bound = min(bound, combinatorial_bound(ev))
    x = np.clip(np.nan_to_num(x), 0.0, 1.0)
    finished = solved.solve_log.termination_reason == solve_log_pb2.TERMINATION_REASON_OPTIMAL
    return Relaxation(round_down(ev, bound), (*columns, x), finished)


def _open_weight(ev) -> float:
    return math.fsum(w for w, mask in zip(ev.weights, ev.options, strict=True) if mask) / ev.scale


def combinatorial_bound(ev) -> float:
    """A quick bound on the open meetings' weight: all of them; each participant's heaviest
    (half, as each meeting has two); the heaviest that the free tables can hold."""
    tables, caps = _left(ev)
    weights = [w for w, mask in zip(ev.weights, ev.options, strict=True) if mask]
    mine = [[] for _ in ev.caps]
    reach = [0] * len(ev.caps)
    for j, mask in enumerate(ev.options):
        if mask:
            for p in set(ev.parts[j]):
                mine[p].append(ev.weights[j])
                reach[p] |= mask
    half = 0.0
    for p, ws in enumerate(mine):
        k = reach[p].bit_count() if caps[p] < 0 else min(int(caps[p]), reach[p].bit_count())
        half += math.fsum(sorted(ws, reverse=True)[:k])
    room = int(np.maximum(tables, 0).sum())
    seats = math.fsum(sorted(weights, reverse=True)[:room])
    return round_down(ev, min(math.fsum(weights), half / 2, seats) / ev.scale)


def integral_target(ev, bound: float) -> float:
    """The bound in the search's integer weight units (a value to stop at)."""
    return math.floor(bound * ev.scale + 1e-6) if ev.exact else bound * ev.scale * (1 - 1e-12)
