"""What the apps' tests share: the day the suite lives on, the roles of the permission
matrices of a partnership's cluster pages and API, and broken copies of input documents."""

import copy
import datetime

#: The suite's today (`today` fixture, clusterloom/conftest.py).
TODAY = datetime.date(2026, 11, 22)

#: The roles of the permission matrices over a partnership and its clusters.
CLUSTER_ROLES = (
    "anonymous",
    "member",
    "manager",
    "other_manager",
    "coordinator",
    "other_coordinator",
    "admin",
)


def altered(document: dict, path: str, value=None, delete=False) -> dict:
    """A copy of `document` with the item at `path` (e.g. 'meetings.3.participants': keys and
    list indexes, dotted) replaced by `value`, or deleted."""
    document = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = document
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    key = int(last) if last.isdigit() else last
    if delete:
        del node[key]
    else:
        node[key] = value
    return document


def player(w, role: str, cast: dict | None = None):
    """The world's user who plays `role` in a permission matrix: the attribute of `w` that
    `cast` names for it (else the role's own name); None for the anonymous role."""
    if role == "anonymous":
        return None
    return getattr(w, (cast or {}).get(role, role))
