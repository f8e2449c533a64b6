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
from ortools.linear_solver.python import model_builder_helper as mbh


@dataclass(frozen=True)
class Relaxation:
    """LP bound on the open meetings' weight and the LP's value per (meeting, slot) column."""

    bound: float
    values: tuple  # (meeting rows, slot indices, x), three arrays of the columns


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


def round_down(ev, bound: float) -> float:
    """The bound rounded down to the weights' precision when they have one."""
    if not ev.exact:
        return bound
    return math.floor(bound * ev.scale + 1e-6) / ev.scale


def relaxation(ev, *, time_limit: float, workers: int = 2, tolerance: float = 1e-5):
    """The LP bound and solution (PDLP, within `time_limit`), or None if it has no answer."""
    matrix, limit, weights, columns = model(ev)
    if not len(weights):
        return Relaxation(0.0, (*columns, np.zeros(0)))
    if not matrix.shape[0]:  # nothing binds: every meeting in some slot
        return Relaxation(round_down(ev, _open_weight(ev)), (*columns, np.ones(len(weights))))
    n = len(weights)
    lp = mbh.ModelBuilderHelper()
    lp.fill_model_from_sparse_data(
        np.zeros(n), np.ones(n), weights, np.full(len(limit), -np.inf), limit, matrix.tocsr()
    )
    lp.set_maximize(True)
    solver = mbh.ModelSolverHelper("pdlp")
    solver.set_time_limit_in_seconds(max(0.05, time_limit))
    # A second thread pays off from about half a million nonzeros (1.7x at 5,000 participants);
    # below that it slows PDLP down, and on tiny models PDLP warns about it.
    threads = max(1, workers) if matrix.nnz >= 500_000 else 1
    solver.set_solver_specific_parameters(
        f"num_threads: {threads} termination_criteria {{ simple_optimality_criteria "
        f"{{ eps_optimal_relative: {tolerance} eps_optimal_absolute: {tolerance} }} }}"
    )
    solver.solve(lp)
    if not solver.has_solution():
        return None
    y = np.asarray(solver.dual_values(), dtype=float)
    # Solvers differ in the sign they give duals of a maximisation: both signs give valid
    # bounds, the lower one is the right one.
    bound = min(_dual_bound(matrix, limit, weights, y), _dual_bound(matrix, limit, weights, -y))
    bound = min(bound, combinatorial_bound(ev))
    x = np.clip(np.nan_to_num(np.asarray(solver.variable_values(), dtype=float)), 0.0, 1.0)
    return Relaxation(round_down(ev, bound), (*columns, x))


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
