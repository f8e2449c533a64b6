"""What the apps' tests share: the day the suite lives on and the roles of the permission
matrices of a partnership's cluster pages and API."""

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
