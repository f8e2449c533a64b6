"""The joint-activities section of a partnership's page: its latest activities, links to the
full list and the Atom feed. Progress against targets is the reporting app's section."""

from django.template.loader import render_to_string

from .selectors import activities_visible_to, may_manage

#: Activities listed on the partnership page.
LATEST = 5


def partnership_section(request, partnership) -> str:
    """The latest activities the user may see (published ones for the public)."""
    rows = activities_visible_to(request.user).filter(partnership=partnership)
    manager = may_manage(request.user, partnership)
    if not manager:
        rows = rows.exclude(status="cancelled")
    activities = list(rows.order_by("-starts_on", "-id")[:LATEST])
    if not activities and not manager:
        return ""
    context = {"partnership": partnership, "activities": activities, "may_add": manager}
    return render_to_string("activities/_partnership_section.html", context, request=request)
