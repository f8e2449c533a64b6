"""Pages of reporting: the coordinator dashboard, the funder report (file and print page)."""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from clusterloom.core.permissions import page_permission
from clusterloom.partnerships.models import Partnership

from . import kpis, outputs, selectors
from .evidence import build_report
from .forms import ReportForm
from .models import KpiSnapshot


def _dashboard(request, partnership, form, status=200):
    today = timezone.localdate()
    rows = outputs.decorate(selectors.kpis_of(partnership, today))
    charts = selectors.progress_charts(partnership, rows, today)
    for row in rows:
        row.chart = charts[row.code]
    timeline = kpis.timeline_of(partnership)
    share = timeline.elapsed_share(today)
    context = {
        "partnership": partnership,
        "today": today,
        "timeline": timeline,
        "share_percent": None if share is None else round(100 * share),
        "rows": rows,
        "late": selectors.late_items(partnership, rows, today),
        "has_snapshots": KpiSnapshot.objects.filter(partnership=partnership).exists(),
        "may_report": request.user.has_perm("reporting.download_report", partnership),
        "form": form,
    }
    return render(request, "reporting/dashboard.html", context, status=status)


def _default_form() -> ReportForm:
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    # ISO dates: what a date input shows and what the report and print page read back.
    return ReportForm(
        initial={
            "from": first.replace(month=1).isoformat(),
            "to": today.isoformat(),
            "format": "xlsx",
        }
    )


def dashboard(request, slug):
    """Progress per target, charts over time, what is late, the report form (coordinators)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    refused = page_permission(request, "reporting.view_dashboard", partnership)
    if refused:
        return refused
    return _dashboard(request, partnership, _default_form())


def report(request, slug):
    """The funder report as XLSX or PDF for ?from=&to=&format=; the form again if wrong."""
    partnership = get_object_or_404(Partnership, slug=slug)
    refused = page_permission(request, "reporting.download_report", partnership)
    if refused:
        return refused
    form = ReportForm(request.GET)
    if not form.is_valid():
        return _dashboard(request, partnership, form, status=400)
    first, last = form.cleaned_data["period"]
    found = outputs.report_file(partnership, first, last, form.cleaned_data["format"], request)
    response = HttpResponse(found.content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response


def report_print(request, slug):
    """The report as a printer-friendly page (the PDF's template)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    refused = page_permission(request, "reporting.download_report", partnership)
    if refused:
        return refused
    form = ReportForm(request.GET)
    if not form.is_valid():
        return _dashboard(request, partnership, form, status=400)
    first, last = form.cleaned_data["period"]
    context = outputs.print_context(build_report(partnership, first, last))
    return render(request, "reporting/report_print.html", context)
