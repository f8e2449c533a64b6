"""The "Progress against targets" section of a partnership's page (KPIs of published
partnerships are public)."""

from django.template.loader import render_to_string
from django.utils import timezone

from . import kpis, outputs, selectors


def partnership_section(request, partnership) -> str:
    """Actual / target / status of each target, with the dashboard link for coordinators."""
    if not request.user.has_perm("reporting.view_kpis", partnership):
        return ""
    rows = outputs.decorate(selectors.kpis_of(partnership, timezone.localdate()))
    if not rows:
        return ""
    context = {
        "partnership": partnership,
        "rows": rows,
        "timeline_known": kpis.timeline_of(partnership).known,
        "may_dashboard": request.user.has_perm("reporting.view_dashboard", partnership),
    }
    return render_to_string("reporting/_partnership_section.html", context, request=request)
