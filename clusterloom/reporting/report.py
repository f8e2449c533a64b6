"""The funder report of a partnership for a period: the KPI table, one table per area, and the
records each target counts (its evidence). XLSX and PDF are drawn from the same `Report`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Min, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterloom.core.errors import DomainError
from clusterloom.core.inputs import date_in_range, dates_in_order, required_date
from clusterloom.events.counting import events_with_end
from clusterloom.events.models import RegistrationStatus
from clusterloom.excellence.models import (
    Benchmarking,
    ClusterLabel,
)
from clusterloom.exchanges.models import Exchange, ExchangeStatus
from clusterloom.exchanges.selectors import DEAD

from . import kpis

FORMATS = ("xlsx", "pdf")


def report_period(data) -> tuple[datetime.date, datetime.date]:
    """`from` and `to` from the input: both required dates, `from` not after `to`."""
    first = date_in_range(required_date(data, "from"), "from")
    last = date_in_range(required_date(data, "to"), "to")
    dates_in_order(
        first,
        last,
        "from",
        "to",
        first_name=_("the start of the period"),
        last_name=_("The end of the period"),
    )
    return first, last


def report_format(value) -> str:
    """xlsx or pdf."""
    value = str(value or "").strip().lower()
    if value not in FORMATS:
        raise DomainError(_("Choose the format xlsx or pdf."), field="format")
    return value


@dataclass
class Sheet:
    """One area: a title, column headings and rows of plain values (dates, numbers, text)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""

    #: More columns than fit a portrait A4 page: printed on a landscape page.
    WIDE_FROM = 8

    @property
    def wide(self) -> bool:
        return len(self.columns) >= self.WIDE_FROM

    @property
    def cells(self) -> list[list[tuple[object, bool]]]:
        """Rows as (value, is a number) pairs: numbers are right-aligned and never broken."""
        return [
            [(v, isinstance(v, int | float | Decimal) and not isinstance(v, bool)) for v in row]
            for row in self.rows
        ]


@dataclass
class Evidence:
    """One record a target counts: what it is, when, and a link if there is one."""

    text: str
    day: datetime.date | None = None
    url: str = ""


@dataclass
class Report:
    """Everything a report shows."""

    partnership: object
    date_from: datetime.date
    date_to: datetime.date
    kpis: list
    sheets: list[Sheet]
    evidence: dict[str, list[Evidence]]
    results: list[tuple[str, list[str]]]
    created: datetime.datetime


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _overlaps(start_field: str, end_field: str, first, last) -> Q:
    return Q(**{f"{start_field}__lte": last, f"{end_field}__gte": first})


def _event_url(slug: str) -> str:
    try:
        return reverse("event_detail", args=[slug])
    except NoReverseMatch:
        return ""


def certificate_link(label) -> str:
    """Where the label's certificate is: its link, or the page serving the uploaded file (to
    those who may see the label), as an absolute address for the report's reader."""
    if label.evidence_url:
        return label.evidence_url
    if not label.evidence_name:
        return ""
    path = reverse("excellence_certificate", args=[label.pk])
    return settings.SITE_URL.rstrip("/") + path


def _partners(p) -> Q:
    return Q(organisation_id__in=p.members.values("organisation_id")) | Q(partnership_id=p.pk)


def exchanges_sheet(p, first, last, counted: set[int]) -> Sheet:
    """Exchanges of the partnership's calls taking place or validated in the period."""
    rows = (
        Exchange.objects.filter(application__call__partnership=p)
        .exclude(status__in=DEAD)
        .filter(
            _overlaps("start", "end", first, last)
            | Q(validated_at__gte=kpis.midnight(first), validated_at__lt=kpis.midnight(last))
        )
        .order_by("start", "id")
        .values_list(
            "pk",
            "application__organisation__name",
            "application__organisation__country_id",
            "offer__organisation__name",
            "offer__organisation__country_id",
            "start",
            "end",
            "working_days",
            "status",
            "validated_at",
            "grant_total",
            "application__is_sme",
            "application__is_member",
        )
    )
    sheet = Sheet(
        "exchanges",
        _("Exchanges"),
        [
            _("Visitor"),
            _("Visitor country"),
            _("Host"),
            _("Host country"),
            _("First day"),
            _("Last day"),
            _("Working days"),
            _("Status"),
            _("Validated on"),
            _("Lump sum (EUR)"),
            _("SME"),
            _("Member of the partnership"),
            _("Counts toward the targets"),
        ],
        note=_("Organisations only: no names of persons or contact details."),
    )
    statuses = {k: str(v) for k, v in ExchangeStatus.choices}
    yes, no = _yes(True), _yes(False)
    for (
        pk,
        visitor,
        v_country,
        host,
        h_country,
        start,
        end,
        days,
        status,
        validated,
        grant,
        sme,
        member,
    ) in rows:
        sheet.rows.append(
            [
                visitor,
                v_country,
                host,
                h_country,
                start,
                end,
                days,
                statuses.get(status, status),
                timezone.localtime(validated).date() if validated else None,
                float(grant) if grant is not None else None,
                yes if sme else no,
                yes if member else no,
                yes if pk in counted else no,
            ]
        )
    return sheet


def events_sheet(p, first, last, counted: set[int]) -> Sheet:
    """The partnership's matchmaking events with a session in the period (or without any)."""
    sheet = Sheet(
        "events",
        _("Matchmaking events"),
        [
            _("Event"),
            _("Kind"),
            _("Format"),
            _("Venue"),
            _("First day"),
            _("Last day"),
            _("Held"),
            _("Approved participants"),
            _("Counts toward the targets"),
        ],
    )
    rows = (
        events_with_end()
        .filter(partnership=p)
        .annotate(
            first_start=Min("sessions__starts_at"),
            approved=Count(
                "participants",
                filter=Q(participants__status=RegistrationStatus.APPROVED),
                distinct=True,
            ),
        )
        .order_by("first_start", "id")
    )
    for e in rows:
        begin = timezone.localtime(e.first_start).date() if e.first_start else None
        end = timezone.localtime(e.last_end).date() if e.last_end else None
        if end is not None and (end < first or (begin and begin > last)):
            continue
        sheet.rows.append(
            [
                e.title,
                e.get_kind_display(),
                e.get_format_display(),
                e.venue,
                begin,
                end,
                _yes(e.held),
                e.approved,
                _yes(e.pk in counted),
            ]
        )
    return sheet


def labels_sheet(p, first, last, counted: set[int]) -> Sheet:
    """Labels of the partner clusters valid at some time in the period."""
    sheet = Sheet(
        "labels",
        _("Labels"),
        [
            _("Cluster"),
            _("Country"),
            _("Level"),
            _("Awarding body"),
            _("Awarded on"),
            _("Valid until"),
            _("Certificate number"),
            _("Certificate"),
            _("Counts toward the targets"),
        ],
    )
    rows = (
        ClusterLabel.objects.filter(_partners(p), awarded_on__lte=last, valid_until__gte=first)
        .select_related("organisation")
        .order_by("awarded_on", "id")
    )
    for label in rows:
        sheet.rows.append(
            [
                label.organisation.name,
                label.organisation.country_id,
                label.get_level_display(),
                label.awarding_body,
                label.awarded_on,
                label.valid_until,
                label.certificate_number,
                certificate_link(label),
                _yes(label.pk in counted),
            ]
        )
    return sheet


def benchmarkings_sheet(p, first, last) -> Sheet:
    """Benchmarkings of the partner clusters held in the period."""
    sheet = Sheet(
        "benchmarkings",
        _("Benchmarkings"),
        [
            _("Cluster"),
            _("Indicator set"),
            _("Held on"),
            _("Total score (%)"),
            _("Assessor"),
            _("Improvement areas"),
        ],
    )
    rows = (
        Benchmarking.objects.filter(_partners(p), held_on__gte=first, held_on__lte=last)
        .select_related("organisation", "indicator_set")
        .annotate(improvements=Count("improvement_areas"))
        .order_by("held_on", "id")
    )
    for b in rows:
        sheet.rows.append(
            [
                b.organisation.name,
                b.indicator_set.name,
                b.held_on,
                float(b.total_score) if b.total_score is not None else None,
                b.assessor,
                b.improvements,
            ]
        )
    return sheet
