"""What each target counts as of a date (the evidence behind a number), and the whole report."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from clusterloom.activities.models import TARGET_OF_KIND
from clusterloom.excellence.models import Benchmarking, ClusterLabel, Strategy

from . import kpis, report, report_areas, rules
from .exclusions import not_counted_text


def counted_records(p, as_of: datetime.date) -> dict:
    """Code -> the records the KPI counts as of the date (the same rules as the values)."""
    window = kpis.windows_for([p])[p.pk]
    out = {code: [] for code in rules.CODES}
    exchanges = kpis.exchanges_done([p.pk], as_of).values_list(
        "id", "application__is_sme", "application__is_member"
    )
    ids = {"exchanges": set(), "exchanges_sme": set(), "exchanges_non_member": set()}
    for pk, sme, member in exchanges:
        ids["exchanges"].add(pk)
        if sme:
            ids["exchanges_sme"].add(pk)
        if not member:
            ids["exchanges_non_member"].add(pk)
    out.update({code: sorted(found) for code, found in ids.items()})
    for a in kpis.activities_held([p.pk], as_of).order_by("ends_on", "id"):
        out[TARGET_OF_KIND[a.kind]].append(a)
    out["matchmaking_events"] = list(kpis.events_held([p.pk], as_of).order_by("last_end", "id"))
    windows = {p.pk: window}
    labels = {r.id: r for r in kpis.label_records(windows, as_of)}
    objects = ClusterLabel.objects.select_related("organisation").in_bulk(list(labels))
    for pk, record in sorted(labels.items(), key=lambda item: item[1].day):
        for code, orgs in rules.label_counts(window, [record], as_of).items():
            if orgs:
                out[code].append(objects[pk])
    benchmarkings = kpis.benchmarking_records(windows, as_of)
    found = rules.benchmarking_ids(window, benchmarkings, as_of)
    out["benchmarkings"] = list(
        Benchmarking.objects.filter(pk__in=found).select_related("organisation").order_by("held_on")
    )
    strategies = rules.strategy_ids(window, kpis.strategy_records(windows, as_of), as_of)
    for code, found in strategies.items():
        out[code] = list(
            Strategy.objects.filter(pk__in=found)
            .select_related("organisation")
            .order_by("adopted_on")
        )
    return out


def evidence_lines(records: dict) -> dict[str, list[report.Evidence]]:
    """Code -> readable evidence lines (exchanges as a count: they are personal)."""
    E = report.Evidence
    out = {}
    for code in rules.CODES:
        rows = records.get(code, [])
        if code.startswith("exchanges"):
            out[code] = (
                [
                    E(
                        _("%(n)s validated exchanges (listed in the Exchanges table)")
                        % {"n": len(rows)}
                    )
                ]
                if rows
                else []
            )
        elif code.startswith("labels_"):
            out[code] = [
                E(
                    _("%(cluster)s, %(level)s label, valid until %(until)s")
                    % {
                        "cluster": lab.organisation.name,
                        "level": lab.get_level_display(),
                        "until": lab.valid_until.isoformat(),
                    }
                    + (
                        f" ({_('certificate')} {lab.certificate_number})"
                        if lab.certificate_number
                        else ""
                    ),
                    lab.awarded_on,
                    report.certificate_link(lab),
                )
                for lab in rows
            ]
        elif code == "benchmarkings":
            out[code] = [E(b.organisation.name, b.held_on) for b in rows]
        elif code.endswith("strategies"):
            out[code] = [
                E(s.title + (f" ({s.organisation.name})" if s.organisation else ""), s.adopted_on)
                for s in rows
            ]
        elif code == "matchmaking_events":
            out[code] = [
                E(
                    e.title,
                    timezone.localtime(e.last_end).date() if e.last_end else None,
                    report._event_url(e.slug),
                )
                for e in rows
            ]
        else:
            out[code] = [E(a.title, a.ends_on, a.link) for a in rows]
    return out


def build_report(p, first: datetime.date, last: datetime.date, today=None) -> report.Report:
    """The funder report of the partnership for [first, last]."""
    today = today or timezone.localdate()
    rows = kpis.kpi_table([p], last, since=first)[p.pk]
    records = counted_records(p, last)
    exchanges = report.exchanges_sheet(p, first, last, set(records["exchanges"]))
    activity_ids = {
        a.pk
        for code in ("learning_events", "study_visits", "trainings", "dissemination")
        for a in records[code]
    }
    sheets = [
        exchanges,
        report.events_sheet(p, first, last, {e.pk for e in records["matchmaking_events"]}),
        report.labels_sheet(
            p, first, last, {lab.pk for c in rules.LABEL_CODES.values() for lab in records[c]}
        ),
        report.benchmarkings_sheet(p, first, last),
        *report_areas.strategies_sheets(p, first, last, today),
        *report_areas.activities_sheets(p, first, last, activity_ids, exchanges),
        report_areas.services_sheet(p),
    ]
    results = [(r.text, rules.codes_for_text(r.text)) for r in p.expected_results.all()]
    return report.Report(
        partnership=p,
        date_from=first,
        date_to=last,
        kpis=rows,
        sheets=sheets,
        evidence=evidence_lines(records),
        results=results,
        created=timezone.now(),
    )


def kpi_sheet_rows(rep: report.Report) -> list[list]:
    """The KPI sheet: the target in words (the report's language) and its code, the target
    value, actual as of `to`, in the period, status, expected by then, what is not counted."""
    return [
        [
            capfirst(k.label),
            k.code,
            k.target,
            k.actual,
            k.period,
            status_text(k.status),
            k.expected,
            not_counted_text(k.excluded),
        ]
        for k in rep.kpis
    ]


def status_text(status: str) -> str:
    from .selectors import status_label

    return status_label(status)
