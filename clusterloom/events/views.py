"""Matchmaking-event pages: the list, the event page, its settings and one's registration.

Organisers' set-up pages are in `organiser_views.py`, the schedule in `schedule_views.py`,
participants and meetings in `meeting_views.py`, agendas in `agenda_views.py`.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterloom.core.pages import form_page, step
from clusterloom.core.permissions import has_rule_perm, page_permission
from clusterloom.matching.selectors import user_organisations
from clusterloom.partnerships.models import Partnership

from . import selectors, services
from .counting import may_be_held
from .findability import event_findability
from .forms import EventForm, RegistrationForm
from .models import EventStatus, MatchmakingEvent, Participant, RegistrationStatus


def event_or_404(request, slug) -> MatchmakingEvent:
    """The event if the user may see it (drafts only for their organisers)."""
    event = selectors.events_visible_to(request.user).filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def is_organiser(request, event) -> bool:
    """The user organises the event (a coordinator of its partnership, or an admin)."""
    return has_rule_perm(request.user, "events.change_event", event)


def denied(request):
    """The login page for anonymous users; a 403 for the others."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Forbidden


def approved_participant(request, event) -> Participant | None:
    """The user's approved registration for the event, or None."""
    me = selectors.participant_of(request.user, event)
    return me if me is not None and me.status == RegistrationStatus.APPROVED else None


def safe_link(url: str) -> str:
    """The link if it is a web address, else "" (no javascript: or data: URL in an href)."""
    url = (url or "").strip()
    return url if url.lower().startswith(("https://", "http://")) else ""


def event_list(request):
    """The matchmaking events the user may see, theirs first."""
    events = selectors.events_visible_to(request.user).order_by("-registration_opens")
    coordinated = Partnership.objects.none()
    mine = []
    if request.user.is_authenticated:
        coordinated = (
            Partnership.objects.order_by("acronym")
            if request.user.is_superuser
            else request.user.coordinated_partnerships.order_by("acronym")
        )
        mine = list(
            request.user.event_registrations.exclude(status=RegistrationStatus.CANCELLED)
            .select_related("event")
            .order_by("-event__registration_opens")
        )
    context = {"events": events, "coordinated": coordinated, "mine": mine}
    return render(request, "events/event_list.html", context)


def _registration_open(event: MatchmakingEvent) -> bool:
    today = timezone.localdate()
    return (
        event.status == EventStatus.OPEN
        and event.registration_opens <= today <= event.registration_closes
    )


def event_detail(request, slug):
    """An event: what, where, when, its sessions; the next steps for the user's role."""
    event = event_or_404(request, slug)
    me = selectors.participant_of(request.user, event)
    organiser = is_organiser(request, event)
    sessions = event.sessions.prefetch_related("slots")
    context = {
        "event": event,
        "sessions": sessions,
        "me": me,
        "organiser": organiser,
        "registration_open": _registration_open(event),
        "may_register": me is None
        and _registration_open(event)
        and request.user.has_perm("events.register", event),
        "tables": event.tables.count(),
        "participant_count": event.participants.filter(status=RegistrationStatus.APPROVED).count(),
    }
    if organiser:
        counts = {s: 0 for s in RegistrationStatus.values}
        for status in event.participants.values_list("status", flat=True):
            counts[status] += 1
        context["counts"] = counts
        context["state"] = event.schedule_state or {}
        context["unfindable"] = len(event_findability(event).unfindable)
        context["may_mark_held"] = may_be_held(event)
    return render(request, "events/event_detail.html", context)


def event_create(request):
    """A coordinator creates an event of one of their partnerships (a draft)."""
    partnership = get_object_or_404(Partnership, slug=request.GET.get("partnership", ""))
    return _event_form(request, partnership)


def event_edit(request, slug):
    """Change an event's settings."""
    event = event_or_404(request, slug)
    return _event_form(request, event.partnership, event)


def _event_form(request, partnership, event=None):
    """The event form: a new draft event of `partnership`, or `event`'s settings."""
    if event is None:
        form = EventForm(request.POST or None)
        permission = ("events.add_event", partnership)
        message = _("The event is saved as a draft. Add its sessions and tables, then open it.")
        save = partial(services.event_create, actor=request.user, partnership=partnership)
        context = {"partnership": partnership}
    else:
        form = EventForm(request.POST or None, initial=EventForm.initial_for(event))
        permission = ("events.change_event", event)
        message = _("The event is saved.")
        save = partial(services.event_update, actor=request.user, event=event)
        context = {"partnership": partnership, "event": event}
    return form_page(
        request,
        form,
        permission=permission,
        template="events/event_form.html",
        context=context,
        save=lambda data: save(data=data),
        message=message,
        done=lambda saved: ("event_detail", saved.slug),
    )


@require_POST
def event_status(request, slug):
    """Open or close registration (or go back to draft)."""
    event = event_or_404(request, slug)
    return step(
        request,
        lambda: services.event_status_set(
            actor=request.user, event=event, status=request.POST.get("status", "")
        ),
        permission=("events.change_event", event),
        message=lambda _result: (
            _("The event is %(status)s.") % {"status": event.get_status_display()}
        ),
        done=("event_detail", event.slug),
    )


@require_POST
def event_held(request, slug):
    """Record that the event took place (or undo it)."""
    event = event_or_404(request, slug)
    held = request.POST.get("held") == "1"
    return step(
        request,
        lambda: services.event_mark_held(actor=request.user, event=event, held=held),
        permission=("events.change_event", event),
        message=_("The event is recorded as held.")
        if held
        else _("The event is no longer recorded as held."),
        done=("event_detail", event.slug),
    )


def registration_create(request, slug):
    """Register for the event: organisation, profile, what one offers and seeks, availability."""
    event = event_or_404(request, slug)
    refused = page_permission(request, "events.register", event)
    if refused:
        return refused
    if selectors.participant_of(request.user, event) is not None:
        return redirect("event_registration_edit", event.slug)
    form = RegistrationForm(
        request.POST or None,
        event=event,
        organisations=user_organisations(request.user),
        initial={"available": list(event.slots.values_list("pk", flat=True))},
    )
    return form_page(
        request,
        form,
        template="events/registration_form.html",
        context={"event": event, "registration_open": _registration_open(event)},
        save=lambda _data: services.registration_submit(
            actor=request.user, event=event, data=form.service_data()
        ),
        message=_("Registered. The organisers will approve your registration."),
        done=("event_detail", event.slug),
    )


def registration_edit(request, slug):
    """Change one's own registration."""
    event = event_or_404(request, slug)
    if not request.user.is_authenticated:
        return denied(request)
    me = selectors.participant_of(request.user, event)
    if me is None:
        raise Http404
    form = RegistrationForm(
        request.POST or None,
        event=event,
        editing=True,
        initial=RegistrationForm.initial_for(me),
    )
    return form_page(
        request,
        form,
        template="events/registration_form.html",
        context={"event": event, "participant": me},
        save=lambda _data: services.registration_update(
            actor=request.user, participant=me, data=form.service_data()
        ),
        message=_("Your registration is saved."),
        done=("event_detail", event.slug),
    )


@require_POST
def registration_cancel(request, slug):
    """Withdraw one's registration; one's requests and meetings are cancelled."""
    event = event_or_404(request, slug)
    if not request.user.is_authenticated:
        return denied(request)
    me = selectors.participant_of(request.user, event)
    if me is None:
        raise Http404
    if me.status != RegistrationStatus.CANCELLED:
        services.registration_cancel(actor=request.user, participant=me)
        messages.success(request, _("Your registration is cancelled, and so are your meetings."))
    return redirect("event_detail", event.slug)
