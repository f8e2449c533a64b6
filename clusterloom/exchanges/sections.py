"""The ClusterXchange section of a partnership's page: live counts against its targets."""

from django.template.loader import render_to_string

from .selectors import calls_visible_to, partnership_progress


def partnership_section(request, partnership) -> str:
    """Exchanges done and under way against the partnership's exchange targets."""
    progress = partnership_progress(partnership)
    calls = calls_visible_to(request.user).filter(partnership=partnership)
    if not calls and not any(row.target for row in progress):
        return ""
    context = {"progress": progress, "calls": calls, "partnership": partnership}
    return render_to_string("exchanges/_partnership_section.html", context, request=request)
