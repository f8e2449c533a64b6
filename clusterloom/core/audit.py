"""The audit log: every service that changes state calls `audit()`."""

from typing import Any

from .errors import DomainError
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


def status_move(actor, obj, status: str, action: str, **changes) -> str:
    """Move `obj` to `status`, save it and audit the move as `action` (with `changes`, if
    any); the status it had before."""
    previous, obj.status = obj.status, status
    obj.save()
    audit(actor, action, obj, from_state=previous, to_state=status, changes=changes or None)
    return previous


def status_expect(obj, states, message: str) -> None:
    """Refuse a step that `obj`'s status does not allow: a DomainError on the status field,
    `message` saying which status it is (%(status)s)."""
    if obj.status not in states:
        raise DomainError(message % {"status": obj.get_status_display()}, field="status")
