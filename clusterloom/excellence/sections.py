"""The excellence section of a partnership's page: its partner clusters' labels and services.

Only lists; progress against the label targets is the reporting app's section.
"""

from django.db.models import Count
from django.template.loader import render_to_string

from .selectors import labels_visible_to, services_visible_to, with_status


def partnership_section(request, partnership) -> str:
    """Each partner cluster's labels (level, status, valid until) and number of services."""
    members = partnership.partners_listed
    org_ids = [m.organisation_id for m in members]
    labels = with_status(
        labels_visible_to(request.user)
        .filter(organisation_id__in=org_ids)
        .order_by("organisation__name", "-awarded_on")
    )
    counts = dict(
        services_visible_to(request.user)
        .filter(organisation_id__in=org_ids)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    rows = []
    for member in members:
        own = [label for label in labels if label.organisation_id == member.organisation_id]
        services = counts.get(member.organisation_id, 0)
        if own or services:
            rows.append((member.organisation, own, services))
    if not rows:
        return ""
    context = {"partnership": partnership, "rows": rows}
    return render_to_string("excellence/_partnership_section.html", context, request=request)
