"""Participants: the participant list, a participant's page, suggestions of whom to meet and
the meeting request (each with a "Request a meeting" form)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.pages import form_page

from . import meetings as meeting_services
from . import selectors
from .forms import MeetingRequestForm, ParticipantGroupForm
from .meetings import LIVE, meeting_rules
from .models import Meeting, MeetingStatus, Participant, RegistrationStatus
from .recommend import whom_to_meet
from .views import approved_participant, denied, event_or_404, is_organiser


def slot_ids(participant: Participant) -> set[int]:
    """The slots the participant is available in."""
    return {s.pk for s in participant.available_slots.all()}


def _request_form(me: Participant, other: Participant, slots, data=None, allowed=None):
    """The "Request a meeting" form for `other`, or None when the button makes no sense."""
    if me is None or other.pk == me.pk or other.status != RegistrationStatus.APPROVED:
        return None
    if other.organisation_id == me.organisation_id:
        return None
    if allowed is not None and not allowed(me, other):
        return None
    common = slot_ids(me) & slot_ids(other)
    return MeetingRequestForm(
        data,
        slots=[s for s in slots if s.pk in common],
        zone=me.event.time_zone,
        prefix=f"p{other.pk}",
    )


def participant_list(request, slug):
    """The participants the user may see, each with a "Request a meeting" form."""
    event = event_or_404(request, slug)
    me = approved_participant(request, event)
    organiser = is_organiser(request, event)
    if me is None and not organiser:
        return denied(request)
    rows = (
        selectors.participants_visible_to(request.user, event)
        .filter(status=RegistrationStatus.APPROVED)
        .prefetch_related("items", "available_slots")
    )
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(
            Q(name__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(profile__icontains=q)
            | Q(items__title__icontains=q)
        ).distinct()
    page = Paginator(rows.order_by("name"), 50).get_page(request.GET.get("page"))
    slots = list(event.slots.order_by("starts_at"))
    busy = selectors.busy_pairs(me) if me is not None else set()
    allowed = meeting_rules(event)
    entries = []
    for other in page:
        form = None
        if me is not None and other.pk not in busy:
            form = _request_form(me, other, slots, allowed=allowed)
        barred = me is not None and other.pk != me.pk and not allowed(me, other)
        entries.append((other, form, other.pk in busy, barred))
    context = {
        "event": event,
        "me": me,
        "page": page,
        "entries": entries,
        "q": q,
        "extra": urlencode({"q": q}) if q else "",
    }
    return render(request, "events/participant_list.html", context)


def _participant_or_404(request, event, pk) -> Participant:
    if not request.user.is_authenticated:
        raise Http404
    participant = selectors.participants_visible_to(request.user, event).filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


def _participant_context(request, event, participant, request_form=None) -> dict:
    me = approved_participant(request, event)
    organiser = is_organiser(request, event)
    context = {
        "event": event,
        "participant": participant,
        "me": me,
        "organiser": organiser,
        "items": participant.items.all(),
        "request_form": request_form,
        "existing": None,
    }
    if me is not None and participant.pk != me.pk:
        context["existing"] = (
            Meeting.objects.filter(status__in=LIVE)
            .filter(Q(requester=me, invitee=participant) | Q(requester=participant, invitee=me))
            .first()
        )
        if context["existing"] is None and request_form is None:
            slots = list(event.slots.order_by("starts_at"))
            allowed = meeting_rules(event)
            context["request_form"] = _request_form(me, participant, slots, allowed=allowed)
    if organiser:
        context["group_form"] = ParticipantGroupForm(
            groups=event.groups.all(), initial={"group": participant.group_id}
        )
        context["meetings"] = selectors.meetings_of(participant)
        context["availability"] = participant.available_slots.count()
        context["slot_count"] = event.slots.count()
    return context


def participant_detail(request, slug, pk):
    """A participant's profile; for organisers also the registration and its meetings."""
    event = event_or_404(request, slug)
    if not request.user.is_authenticated:
        return denied(request)
    participant = _participant_or_404(request, event, pk)
    context = _participant_context(request, event, participant)
    return render(request, "events/participant_detail.html", context)


_BACK = {"suggestions": "event_suggestions", "participants": "event_participants"}


@require_POST
def meeting_request(request, slug, pk):
    """Ask a participant for a meeting (with a message and, optionally, a time)."""
    event = event_or_404(request, slug)
    if not request.user.is_authenticated:
        return denied(request)
    invitee = _participant_or_404(request, event, pk)
    me = approved_participant(request, event)
    if me is None:
        return denied(request)
    slots = list(event.slots.order_by("starts_at"))
    form = _request_form(me, invitee, slots, data=request.POST)
    if form is None:
        messages.error(request, _("You cannot ask this participant for a meeting."))
        return redirect("event_participant_detail", event.slug, invitee.pk)
    back = _BACK.get(request.POST.get("back", ""))
    return form_page(
        request,
        form,
        template="events/participant_detail.html",
        context=lambda form: _participant_context(request, event, invitee, request_form=form),
        save=lambda data: meeting_services.meeting_request(
            actor=request.user,
            requester=me,
            invitee=invitee,
            message=data["message"],
            slot=data["slot"],
        ),
        message=lambda meeting: (
            (
                _("Request sent to %(name)s.")
                if meeting.status == MeetingStatus.REQUESTED
                else _("Meeting with %(name)s agreed.")
            )
            % {"name": invitee.name}
        ),
        done=lambda meeting: (
            (back, event.slug) if back else ("event_meeting_detail", event.slug, meeting.pk)
        ),
    )


def suggestions(request, slug):
    """Whom to meet: reciprocal suggestions with the reasons, each with a request form."""
    event = event_or_404(request, slug)
    me = approved_participant(request, event)
    if me is None:
        return denied(request)
    slots = list(event.slots.order_by("starts_at"))
    outlook = whom_to_meet(me, k=12)
    rows = [(s, _request_form(me, s.participant, slots)) for s in outlook.suggestions]
    context = {"event": event, "me": me, "rows": rows, "outlook": outlook}
    return render(request, "events/suggestions.html", context)
