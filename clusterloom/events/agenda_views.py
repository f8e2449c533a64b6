"""Personal agendas: the page, the iCalendar feed (a secret URL, no login) and file, the PDF."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from clusterloom.core.inputs import id_value
from clusterloom.partnerships.pdf import html_to_pdf

from . import selectors
from .calendar import participant_calendar
from .meetings import AGREED
from .models import EventFormat, MeetingStatus, Participant
from .views import denied, event_or_404, is_organiser, safe_link


def _owner(request, event):
    """Whose agenda: one's own; organisers may name any participant (?participant=)."""
    if not request.user.is_authenticated:
        return None, denied(request)
    wanted = id_value(request.GET.get("participant"))
    if wanted is not None and is_organiser(request, event):
        participant = event.participants.filter(pk=wanted).first()
        if participant is None:
            raise Http404
        return participant, None
    me = selectors.participant_of(request.user, event)
    if me is None:
        if is_organiser(request, event):
            return None, redirect("event_table_plan", event.slug)
        return None, denied(request)
    return me, None


def _entries(participant: Participant) -> list[dict]:
    event = participant.event
    virtual = event.format != EventFormat.ONSITE
    out = []
    for meeting in selectors.agenda(participant):
        other = selectors.other_side(meeting, participant)
        link = ""
        if virtual:
            link = (meeting.table.link if meeting.table else "") or other.meeting_link
            link = safe_link(link or participant.meeting_link)
        out.append({"meeting": meeting, "other": other, "link": link})
    return out


def _context(request, event, participant) -> dict:
    feed = request.build_absolute_uri(
        reverse("event_calendar_feed", args=[participant.calendar_token])
    )
    waiting = (
        selectors.meetings_of(participant)
        .filter(status__in=AGREED)
        .exclude(status=MeetingStatus.SCHEDULED)
        .count()
    )
    return {
        "event": event,
        "participant": participant,
        "own": participant.user_id == request.user.pk,
        "entries": _entries(participant),
        "waiting": waiting,
        "feed_url": feed,
        "webcal_url": "webcal://" + feed.split("://", 1)[-1],
        "query": "" if participant.user_id == request.user.pk else f"?participant={participant.pk}",
    }


@require_safe
def agenda(request, slug):
    """The participant's scheduled meetings in time order, with table or room and whom."""
    event = event_or_404(request, slug)
    participant, refused = _owner(request, event)
    if refused:
        return refused
    return render(request, "events/agenda.html", _context(request, event, participant))


def _ics(participant: Participant, disposition: str) -> HttpResponse:
    response = HttpResponse(
        participant_calendar(participant), content_type="text/calendar; charset=utf-8"
    )
    name = f"{participant.event.slug}-agenda.ics"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@require_safe
def agenda_ics(request, slug):
    """The agenda as an .ics file to import into a calendar."""
    event = event_or_404(request, slug)
    participant, refused = _owner(request, event)
    if refused:
        return refused
    return _ics(participant, "attachment")


@require_safe
def calendar_feed(request, token):
    """The participant's calendar feed: its secret URL is the only key (calendar apps cannot
    log in). Re-reading it updates meetings (stable UIDs) instead of duplicating them."""
    participant = (
        Participant.objects.select_related("event").filter(calendar_token=token).first()
        if len(token) <= 64
        else None
    )
    if participant is None:
        raise Http404
    response = _ics(participant, "inline")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_safe
def agenda_pdf(request, slug):
    """The agenda as a PDF (to print and bring along)."""
    event = event_or_404(request, slug)
    participant, refused = _owner(request, event)
    if refused:
        return refused
    context = _context(request, event, participant) | {"for_pdf": True}
    html = render_to_string("events/agenda_print.html", context, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-agenda.pdf"'
    return response
