"""Celery tasks of reporting."""

from celery import shared_task


@shared_task(ignore_result=True)
def kpi_snapshots_take() -> int:
    """Store the monthly KPI snapshots of every partnership (periodic, daily, idempotent)."""
    from .services import kpi_snapshots_take as take

    return take()
