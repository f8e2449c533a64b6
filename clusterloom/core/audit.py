"""The audit log: every service that changes state calls `audit()`."""

from typing import Any

from .models import AuditEntry


def audit(
    actor,
    action: str,
    obj,
    *,
    from_state: str = "",
    to_state: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record who did what to which object, and the state change if there was one."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        from_state=from_state or "",
        to_state=to_state or "",
        changes=changes or {},
    )
