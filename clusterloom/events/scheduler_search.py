"""Local search behind `scheduler.schedule` (pure module): slot masks, ejection chains, gaps.

A slot is a bit: each group (a participant, or a table shared by its exhibitors) has a mask of
the slots it is busy in, so the free slots of a meeting are one expression. Weight phase: a
meeting goes into a slot; the meetings in its way (the same participant or table in that slot,
or any one meeting of a full slot) move to another slot, recursively to a small depth, or drop
out when they weigh less; a participant at their cap gives up their lightest meeting. A first
pass takes the waiting meetings by weight and keeps gains; then rounds in random order keep
moves of equal weight too, with follow-ups for the participants a move frees: that walks the
plateaus where the last gains hide (most rounds only try meetings the LP favours). Gap phase:
the scheduled set stays; single meetings move to free slots, pairs swap slots, when that lowers
the breaks above a cap, then the breaks, then the idle slots.
"""

from __future__ import annotations

import random

import numpy as np

from .scheduler_time import deadline_of

_DEPTH = 1  # meetings in the way move once more at most (2 cost 3 s at 1,000 for no gain)
_BUDGET = 400  # relocations tried per insertion (reached from depth 3 on)
_ALL_EVERY = 4  # level rounds try every waiting meeting one round in this many, else only ...
_FAVOURED = 0.05  # ... those the LP schedules at least this much (a third of them at the start)
_CHECK = 64  # insertions between two looks at the clock
_FOLLOW = 8  # waiting meetings tried per participant a move frees


def bits(mask: int) -> list[int]:
    """The slot indices in `mask`, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def gaps_of(busy: int, available: int, sessions) -> int:
    """Idle gaps of one participant: free available slots inside each session's busy span."""
    total = 0
    for session in sessions:
        b = busy & session
        if b & (b - 1):  # two meetings or more
            span = (1 << b.bit_length()) - (b & -b)
            total += (span & available & ~b).bit_count()
    return total


def breaks_of(busy: int, sessions) -> int:
    """Breaks of one participant: per session, their runs of consecutive meetings less one."""
    total = 0
    for session in sessions:
        b = busy & session
        if b:
            total += (b & ~(b << 1)).bit_count() - 1
    return total


def busy_masks(ev, slot_of) -> list[int]:
    """Per participant, the mask of the slots they meet in."""
    busy = [0] * len(ev.available)
    for j, s in enumerate(slot_of):
        if s >= 0:
            for p in ev.parts[j]:
                busy[p] |= 1 << s
    return busy


def breaks(ev, slot_of) -> int:
    """Gaps of any length between two consecutive meetings of a participant in a session."""
    return sum(breaks_of(b, ev.sessions) for b in busy_masks(ev, slot_of))


def idle_gaps(ev, slot_of) -> int:
    """Free available slots between each participant's first and last meeting of a session."""
    busy = busy_masks(ev, slot_of)
    return sum(gaps_of(b, a, ev.sessions) for b, a in zip(busy, ev.available, strict=True))


def tables_for(ev, slot_of) -> list[int]:
    """A table per scheduled meeting: its own (locked, exhibitor), else a free one, booths last."""
    problem, n = ev.problem, len(ev.problem.participants)
    booths = sorted(ev.booths)
    order = [t for t in range(1, problem.tables + 1) if t not in ev.booths] + booths
    table, taken, waiting = [0] * len(slot_of), {}, {}
    for j, s in enumerate(slot_of):
        if s < 0:
            continue
        own = next((g - n + 1 for g in ev.groups[j] if g >= n), 0)  # locked or a booth
        if own:
            table[j] = own
            taken.setdefault(s, set()).add(own)
        else:
            waiting.setdefault(s, []).append(j)
    for s, meetings in waiting.items():
        free = (t for t in order if t not in taken.get(s, ()))
        for j, t in zip(meetings, free, strict=False):
            table[j] = t
    assert all(table[j] for j, s in enumerate(slot_of) if s >= 0), "more meetings than tables"
    return table


class State:
    """Who is where: slot per meeting, busy masks per group and participant, loads, undo log."""

    def __init__(self, ev):
        n_slots = len(ev.problem.slots)
        self.tables = ev.problem.tables
        self.groups, self.parts, self.caps = ev.groups, ev.parts, ev.caps
        self.weights, self.options = ev.weights, ev.options
        self.busy = [0] * ev.n_groups
        self.occ = [[-1] * n_slots for _ in range(ev.n_groups)]
        self.pbusy = [0] * len(ev.caps)
        self.deg = [0] * len(ev.caps)
        self.cnt = [0] * n_slots
        self.full = (1 << n_slots) - 1 if self.tables == 0 else 0
        self.members = [[] for _ in range(n_slots)]  # movable meetings per slot
        self.pos = [0] * len(ev.options)
        self.slot = [-1] * len(ev.options)
        self.value = 0
        self.log = []
        for j, (s, _table) in ev.locked.items():
            self.put(j, s)
        self.log.clear()

    def put(self, j: int, s: int) -> None:
        """Meeting j into slot s (the caller has checked it fits)."""
        bit = 1 << s
        for g in self.groups[j]:
            self.busy[g] |= bit
            self.occ[g][s] = j
        for p in self.parts[j]:
            self.deg[p] += 1
            self.pbusy[p] |= bit
        self.slot[j] = s
        self.cnt[s] += 1
        if self.cnt[s] >= self.tables:
            self.full |= bit
        if self.options[j]:
            self.pos[j] = len(self.members[s])
            self.members[s].append(j)
        self.value += self.weights[j]
        self.log.append((j, -1))

    def take(self, j: int) -> None:
        """Meeting j out of its slot."""
        s = self.slot[j]
        bit = 1 << s
        for g in self.groups[j]:
            self.busy[g] &= ~bit
            self.occ[g][s] = -1
        for p in self.parts[j]:
            self.deg[p] -= 1
            self.pbusy[p] &= ~bit
        self.slot[j] = -1
        self.cnt[s] -= 1
        self.full &= ~bit
        if self.options[j]:
            row, i = self.members[s], self.pos[j]
            row[i] = row[-1]
            self.pos[row[i]] = i
            row.pop()
        self.value -= self.weights[j]
        self.log.append((j, s))

    def undo(self, mark: int) -> None:
        """Back to the state when the log was `mark` long."""
        log = self.log
        while len(log) > mark:
            j, s = log.pop()
            if s < 0:
                self.take(j)
            else:
                self.put(j, s)
            log.pop()

    def free_mask(self, j: int) -> int:
        """Slots where meeting j could go now without moving anything."""
        mask = self.options[j] & ~self.full
        for g in self.groups[j]:
            mask &= ~self.busy[g]
        return mask

    def room(self, j: int) -> bool:
        """True when neither participant of j is at their cap."""
        caps, deg = self.caps, self.deg
        return all(caps[p] is None or deg[p] < caps[p] for p in self.parts[j])

    def occupants(self, j: int, s: int) -> set[int]:
        """Meetings holding one of j's groups in slot s."""
        return {self.occ[g][s] for g in self.groups[j]} - {-1}


class Search:
    """The weight phase and the gap phase on one State."""

    def __init__(self, ev, seed: int):
        self.ev, self.state, self.rng = ev, State(ev), random.Random(seed)
        self.open = [j for j, mask in enumerate(ev.options) if mask]
        self.by_part = [[] for _ in ev.caps]
        for j in self.open:
            for p in ev.parts[j]:
                self.by_part[p].append(j)
        self.nodes, self.dropped = 0, []
        self.slots = [bits(mask) for mask in ev.options]
        n = len(ev.caps)
        self.group = [
            n + p.fixed_table - 1 if p.fixed_table else i
            for i, p in enumerate(ev.problem.participants)
        ]
        self.mass = [1.0] * len(ev.options)  # the LP's share of each meeting (1 without LP)
        self.cap = ev.problem.max_breaks

    def start(self, lp) -> None:
        """Greedy start: (meeting, slot) pairs by LP value, heavier first; by weight without LP."""
        st, w = self.state, self.ev.weights
        if lp is not None:
            meeting, slot, x = lp
            weight = np.array(w, dtype=np.int64)[meeting] if len(meeting) else meeting
            self.mass = np.bincount(meeting, weights=x, minlength=len(w)).tolist()
            for k in np.lexsort((-weight, -np.round(x, 4))).tolist():
                j, s = int(meeting[k]), int(slot[k])
                if st.slot[j] < 0 and (st.free_mask(j) >> s) & 1 and st.room(j):
                    st.put(j, s)
        for row in self.by_part:
            row.sort(key=lambda j: (-self.mass[j], -w[j]))
        for j in sorted(self.open, key=lambda j: -w[j]):
            free = st.free_mask(j) if st.slot[j] < 0 and st.room(j) else 0
            if free:
                st.put(j, (free & -free).bit_length() - 1)
        st.log.clear()

    def load(self, slot_of) -> None:
        """Start again from a given slot per meeting (locked meetings as they are)."""
        self.state = State(self.ev)
        for j, s in enumerate(slot_of):
            if s >= 0 and j not in self.ev.locked:
                self.state.put(j, s)
        self.state.log.clear()

    def relocate(self, c: int, depth: int, touched: set) -> bool:
        """Put c (just moved out) elsewhere, moving others in turn; False changes nothing."""
        st = self.state
        self.nodes += 1
        free = st.free_mask(c)
        if free:
            st.put(c, (free & -free).bit_length() - 1)
            return True
        if depth == 0 or self.nodes > _BUDGET:
            return False
        occ, gs, members = st.occ, st.groups[c], st.members
        for s in self._some_order(c):
            o, other = occ[gs[0]][s], occ[gs[-1]][s]
            if o < 0:
                o = other
            elif other >= 0 and other != o:
                continue  # two meetings in the way
            if o < 0:
                if not members[s]:
                    continue
                o = members[s][int(self.rng.random() * len(members[s]))]  # a full slot
            if o in touched or not st.options[o]:
                continue
            if depth == 1:  # o must then go straight to a free slot: look before moving
                free = st.free_mask(o) & ~(1 << s)
                if not free:
                    continue
                st.take(o)
                st.put(c, s)
                st.put(o, (free & -free).bit_length() - 1)
                return True
            mark = len(st.log)
            st.take(o)
            st.put(c, s)
            touched.add(o)
            if self.relocate(o, depth - 1, touched):
                return True
            touched.discard(o)
            st.undo(mark)
        return False

    def _some_order(self, j: int) -> list[int]:
        """The possible slots of j, from a random one on."""
        slots = self.slots[j]
        k = int(self.rng.random() * len(slots))
        return slots[k:] + slots[:k]

    def _drops(self, j: int, evicted: set) -> set | None:
        """Meetings j's capped participants give up (their lightest), or None if none can."""
        st, w, drop = self.state, self.ev.weights, set()
        for p in self.ev.parts[j]:
            cap = st.caps[p]
            if cap is None or st.deg[p] < cap:
                continue
            mine = [c for c in evicted if p in st.parts[c]]
            if mine:
                drop.add(mine[0])
                continue
            g = self.group[p]
            held = [
                c
                for c in (st.occ[g][s] for s in bits(st.pbusy[p]))
                if p in st.parts[c] and st.options[c] and c not in drop
            ]
            if not held:
                return None
            drop.add(min(held, key=lambda c: (w[c], self.rng.random())))
        return drop

    def insert(self, j: int, depth: int, level: bool = False) -> bool:
        """Schedule j if that gains weight (or keeps it, when `level`) once the chain is done."""
        st, w = self.state, self.ev.weights
        for s in self._some_order(j):
            evicted = st.occupants(j, s)
            if not evicted and (st.full >> s) & 1:
                if not st.members[s]:
                    continue
                evicted = {self.rng.choice(st.members[s])}
            drop = self._drops(j, evicted)
            if drop is None:
                continue
            lost = sum(w[c] for c in drop)
            if w[j] - lost < 0 or (w[j] == lost and not level):
                continue
            mark = len(st.log)
            for c in evicted | drop:
                st.take(c)
            st.put(j, s)
            touched, dropped = {j, *evicted, *drop}, list(drop)
            self.nodes = 0
            for c in evicted - drop:
                if not self.relocate(c, depth, touched):
                    lost += w[c]
                    dropped.append(c)
                    if w[j] - lost < 0 or (w[j] == lost and not level):
                        break
            if w[j] - lost > 0 or (level and w[j] == lost):
                self.dropped = dropped
                st.log.clear()
                return True
            st.undo(mark)
        return False

    def improve(self, target: float, deadline, tell, patience: int | None = None) -> None:
        """Weight phase: gaining chains by weight, then rounds of level moves, until the target,
        the deadline (a scheduler_time.Deadline or a time.monotonic() reading) or `patience`
        rounds in a row without a gain."""
        st, w, rng, deadline = self.state, self.ev.weights, self.rng, deadline_of(deadline)
        for n, j in enumerate(sorted(self.open, key=lambda j: -w[j])):
            if st.value >= target or (n % _CHECK == 0 and deadline.passed()):
                break
            if st.slot[j] < 0:
                self.insert(j, _DEPTH)
        tell(self._said("improving", target))
        rounds, best, idle = 0, st.value, 0
        while st.value < target and not deadline.passed():
            if patience is not None and idle >= patience:
                return
            waiting = [j for j in self.open if st.slot[j] < 0]
            if (rounds + 1) % _ALL_EVERY:
                waiting = [j for j in waiting if self.mass[j] > _FAVOURED]
            rng.shuffle(waiting)
            for n, j in enumerate(waiting):
                if n % _CHECK == 0 and deadline.passed():
                    break
                if st.slot[j] < 0 and self.insert(j, _DEPTH, level=True):
                    self._follow_up()
                    if st.value >= target:
                        break
            rounds += 1
            best, idle = max(best, st.value), 0 if st.value > best else idle + 1
            tell(self._said(f"round {rounds}", target))

    def _follow_up(self) -> None:
        """After a move, try the waiting meetings of whoever it freed (gains only): the first
        _FOLLOW of each, the LP's favourites first."""
        st = self.state
        for c in self.dropped:
            for p in st.parts[c]:
                tried = 0
                for k in self.by_part[p]:
                    if st.slot[k] < 0:
                        self.insert(k, _DEPTH)
                        tried += 1
                        if tried == _FOLLOW:
                            break

    def _said(self, what: str, target: float) -> str:
        scale = self.ev.scale
        return f"{what}: weight {self.state.value / scale:g} of at most {target / scale:g}"

    def cost(self, p: int, busy: int) -> tuple[int, int, int]:
        """What participant p's day costs: breaks above the cap, breaks, idle slots."""
        ev = self.ev
        n = breaks_of(busy, ev.sessions)
        over = max(0, n - self.cap) if self.cap is not None else 0
        return over, n, gaps_of(busy, ev.available[p], ev.sessions)

    def total_cost(self) -> tuple[int, int, int]:
        """Breaks above the cap, breaks and idle slots of everyone."""
        costs = [self.cost(p, busy) for p, busy in enumerate(self.state.pbusy)]
        return tuple(sum(c[k] for c in costs) for k in range(3))

    def _better(self, changes) -> bool:
        """True if moving each (meeting, old slot, new slot) of `changes` lowers the cost:
        breaks above the cap, then breaks, then idle slots (totals, in that order)."""
        st, ev = self.state, self.ev
        leave, enter = {}, {}  # every move out first: a swap frees the slot the other takes
        for j, old, to in changes:
            for p in ev.parts[j]:
                leave[p] = leave.get(p, 0) | 1 << old
                enter[p] = enter.get(p, 0) | 1 << to
        delta = [0, 0, 0]
        for p in leave:
            after = self.cost(p, (st.pbusy[p] & ~leave[p]) | enter[p])
            now = self.cost(p, st.pbusy[p])
            for k in range(3):
                delta[k] += after[k] - now[k]
        return tuple(delta) < (0, 0, 0)

    def _better_slot(self, j: int) -> bool:
        """Move j to a free slot, or swap it with a meeting in its way, if fewer gaps result."""
        st, rng = self.state, self.rng
        s = st.slot[j]
        slots = bits(st.options[j] & ~(1 << s))
        rng.shuffle(slots)
        for s2 in slots:
            held = st.occupants(j, s2)
            if not held and not (st.full >> s2) & 1:
                if self._better([(j, s, s2)]):
                    st.take(j)
                    st.put(j, s2)
                    return True
                continue
            if len(held) != 1:
                continue
            o = held.pop()
            if not (st.options[o] >> s) & 1 or st.occupants(o, s) - {j}:
                continue
            if self._better([(j, s, s2), (o, s2, s)]):
                st.take(j)
                st.take(o)
                st.put(j, s2)
                st.put(o, s)
                return True
        return False

    def close_gaps(self, deadline, tell) -> None:
        """Gap phase: moves and swaps that close breaks (first) and idle slots, until none
        helps or the deadline (a scheduler_time.Deadline or a time.monotonic() reading)."""
        st, ev, deadline = self.state, self.ev, deadline_of(deadline)
        while not deadline.passed():
            idle = {p for p, busy in enumerate(st.pbusy) if any(self.cost(p, busy))}
            todo = [j for j in self.open if st.slot[j] >= 0 and idle & set(ev.parts[j])]
            self.rng.shuffle(todo)
            moved = 0
            for n, j in enumerate(todo):
                if n % _CHECK == 0 and deadline.passed():
                    break
                moved += self._better_slot(j)
            st.log.clear()
            tell(f"closing breaks and idle slots: {moved} moves")
            if not moved:
                break
